"""Other servers' accounts: fetched through the one safe fetcher (signed by
the blog, for servers that require it), checked, and remembered. A key is
believed only if the document it came from is its owner's, on the owner's host."""

import json
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import Truncator

from comments.federation import actors, ids, reactions, signatures
from comments.federation.models import URL_LENGTH, RemoteActor
from comments.linkbacks import safe_fetch
from comments.rendering import strip_controls

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JSON_TYPES = ("application/activity+json", "application/ld+json", "application/json")
REFETCH_SECONDS = 60
# What pages show of an account.
SHOWN = ("name", "preferred_username", "url", "icon_url")
ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}


#: A remote account's avatar should be copied here (after commit): actor_id.
avatar_wanted = Signal()


def want_avatar(actor):
    actor_id = actor.pk
    transaction.on_commit(lambda: avatar_wanted.send(RemoteActor, actor_id=actor_id))


class RemoteError(Exception):
    """The other server gave no usable answer; the message says what."""


def host_of(url) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def origin_of(url) -> str:
    try:
        parts = urlsplit(url or "")
        return f"{parts.scheme}://{parts.netloc}".lower()
    except ValueError:
        return ""


def fetch_json(url: str) -> dict:
    """GET an ActivityPub document, signed by the blog's actor (servers with
    authorized fetch answer only signed requests)."""
    signer = actors.blog_actor()
    headers = signatures.sign("GET", url, ids.key(signer), signer.private_key_pem)
    headers["Accept"] = ACCEPT
    try:
        response = safe_fetch.fetch(url, headers=headers)
    except safe_fetch.FetchError as error:
        raise RemoteError(f"{url} could not be fetched: {error}") from error
    if response.status != 200:
        raise RemoteError(f"{url} answered {response.status}.")
    if origin_of(response.url) != origin_of(url):
        # A redirect to another server: what it says about this one's accounts
        # is not this server's word (an open redirect must not lend its name).
        raise RemoteError(f"{url} redirected to another server.")
    if response.truncated:
        raise RemoteError(f"{url} is too large.")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise RemoteError(f"{url} is no ActivityPub document ({content_type or 'no type'}).")
    try:
        document = json.loads(response.body)
    except (ValueError, RecursionError) as error:
        raise RemoteError(f"{url} is not valid JSON.") from error
    if not isinstance(document, dict):
        raise RemoteError(f"{url} is no JSON object.")
    return document


def text(value, length):
    value = value if isinstance(value, str) else ""
    return Truncator(strip_controls(" ".join(value.split()), single_line=True)).chars(
        length, truncate="…"
    )


def url_in(value):
    if isinstance(value, dict):
        value = value.get("href") or value.get("url")
    if isinstance(value, list):
        value = next((url_in(item) for item in value if url_in(item)), "")
    ok = isinstance(value, str) and value.lower().startswith(("http://", "https://"))
    return value if ok and len(value) <= URL_LENGTH else ""


def _icon(document):
    icon = document.get("icon")
    if isinstance(icon, list):
        icon = icon[0] if icon else None
    return url_in(icon.get("url")) if isinstance(icon, dict) else url_in(icon)


def _key(document, key_id=None):
    """The key `key_id` among the document's keys; without an id, the first."""
    keys = document.get("publicKey")
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, dict) and key_id in (None, key.get("id")):
            return key
    return None


def _remember(document, key_id=None) -> RemoteActor:
    """Store an actor document that was fetched from its own id's host."""
    uri = document.get("id")
    if not isinstance(uri, str) or not url_in(uri) or document.get("type") not in ACTOR_TYPES:
        raise RemoteError("The document is no actor.")
    inbox = url_in(document.get("inbox"))
    if not inbox or origin_of(inbox) != origin_of(uri):
        raise RemoteError("The actor has no inbox on its own server.")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = url_in(endpoints.get("sharedInbox"))
    key = _key(document, key_id)
    if key is not None and (key.get("owner") != uri or origin_of(key.get("id")) != origin_of(uri)):
        key = None  # a key is its owner's only on the owner's own server
    if key_id and key is None:
        raise RemoteError("The key does not belong to this actor.")
    fields = {
        "host": urlsplit(uri).netloc.lower()[:255],
        "inbox": inbox,
        "shared_inbox": shared if origin_of(shared) == origin_of(uri) else "",
        "preferred_username": text(document.get("preferredUsername"), 100),
        "name": text(document.get("name"), 100),
        "url": url_in(document.get("url")),
        "icon_url": _icon(document),
        "fetched_at": timezone.now(),
    }
    if key is not None and isinstance(key.get("publicKeyPem"), str):
        fields["key_id"] = key["id"]
        fields["public_key_pem"] = key["publicKeyPem"][:10_000]
    before = RemoteActor.objects.filter(uri=uri).values(*SHOWN).first()
    actor, _created = RemoteActor.objects.update_or_create(uri=uri, defaults=fields)
    if before is not None and before != {name: fields[name] for name in SHOWN}:
        reactions.seen_on(actor)  # a new name or picture: the pages that show it change
    return actor


def _fresh(actor, refresh=False):
    ttl = timedelta(seconds=REFETCH_SECONDS if refresh else settings.FEDERATION_ACTOR_TTL)
    return actor.fetched_at is not None and actor.fetched_at > timezone.now() - ttl


def known_actor(key_id: str) -> RemoteActor | None:
    return RemoteActor.objects.filter(key_id=key_id).exclude(public_key_pem="").first()


def actor_for_key(key_id: str, refresh: bool = False) -> RemoteActor:
    """The actor who owns `key_id`, fetched from the key's own host. A
    refresh (the key may have rotated) fetches again at most once a minute:
    forged signatures must not make the blog hammer someone's server."""
    known = known_actor(key_id)
    if known is not None and _fresh(known, refresh):
        return known
    address = urldefrag(key_id)[0]
    document = fetch_json(address)
    if document.get("type") not in ACTOR_TYPES and isinstance(document.get("owner"), str):
        owner = document["owner"]  # a key document of its own: its owner holds the rest
        if origin_of(owner) != origin_of(key_id):
            raise RemoteError("The key's owner lives on another server.")
        document = fetch_json(owner)
    if origin_of(document.get("id")) != origin_of(key_id):
        raise RemoteError("The key's document names an actor on another server.")
    return _remember(document, key_id)


def actor_by_uri(uri: str) -> RemoteActor:
    known = RemoteActor.objects.filter(uri=uri).first()
    if known is not None and _fresh(known):
        return known
    document = fetch_json(uri)
    if document.get("id") != uri:
        raise RemoteError("The actor's document has another id.")
    return _remember(document)


def refresh_from(document, actor: RemoteActor) -> RemoteActor:
    """An Update of the actor, signed by the actor itself: its new name and picture."""
    if document.get("id") != actor.uri:
        raise RemoteError("An account can only update itself.")
    return _remember(document, actor.key_id or None)
