"""An author as a fediverse client: finding an account by its address,
following and unfollowing it, replying to a post on another server and
taking such a reply back.

Nothing is sent from here: every activity becomes Delivery rows
(delivery.queue), announced after commit and sent by the tasks. Whatever
must be fetched is fetched before the transaction that writes, so an error
leaves nothing half written (at most a remote account remembered)."""

import ipaddress
import json
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.federation import actors, delivery, ids, objects, remote
from comments.federation.models import (
    FederationSettings,
    Following,
    InboxItem,
    LocalActor,
    LocalNote,
    RemoteActor,
)
from comments.linkbacks import safe_fetch
from comments.rendering import render_body

JRD_ACCEPT = "application/jrd+json, application/json"
SELF_TYPES = ("application/activity+json", "application/ld+json")
REPLYABLE = {"Note", "Article", "Page", "Question", "Event", "Video", "Audio", "Image"}
_ADDRESS = re.compile(r"^@?([^@\s/?#]+)@([^@\s/?#]+)$")


class OutgoingError(Exception):
    """What the author asked for cannot be done; the message says why."""


@dataclass(frozen=True)
class Done:
    """What an action wrote: its row, and the deliveries it queued."""

    subject: object
    delivery_ids: list = field(default_factory=list)


# Finding accounts ---------------------------------------------------------


def _refuse_blocked(host):
    if host and FederationSettings.current().blocks(host):
        raise OutgoingError(f"{host} is a blocked domain here.")


def _is_ip_or_loopback(host):
    name = (host or "").strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _scheme(host):
    """Fediverse servers speak https. Test instances and intranet servers run
    on plain http at an IP address or localhost; the safe fetcher reaches them
    only with LINKBACKS_ALLOW_PRIVATE_HOSTS on, and then they are asked over
    http (a real server's name is always asked over https)."""
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return "https"
    if settings.LINKBACKS_ALLOW_PRIVATE_HOSTS and _is_ip_or_loopback(name):
        return "http"
    return "https"


def _split(address):
    """(user, host) of @user@host, user@host or acct:user@host."""
    value = address[5:] if address[:5].lower() == "acct:" else address
    match = _ADDRESS.match(value)
    if match is None:
        raise OutgoingError(f"{address!r} is no fediverse address (@name@host) or actor URL.")
    return match.group(1), match.group(2).lower()


def _self_link(document):
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        href = remote.url_in(link.get("href"))
        if kind in SELF_TYPES and href:
            return href
    return ""


def _webfinger(user, host):
    """The actor URL the host's WebFinger gives for user@host."""
    resource = quote(f"acct:{user}@{host}", safe=":@")
    url = f"{_scheme(host)}://{host}/.well-known/webfinger?resource={resource}"
    try:
        response = safe_fetch.fetch(url, headers={"Accept": JRD_ACCEPT})
    except safe_fetch.FetchError as error:
        raise OutgoingError(f"{host} could not be asked about @{user}@{host}: {error}") from error
    if response.status in (404, 410):
        raise OutgoingError(f"{host} knows no account @{user}@{host}.")
    if response.status != 200 or response.truncated:
        raise OutgoingError(f"{host} answered {response.status} when asked about @{user}@{host}.")
    try:
        document = json.loads(response.body)
    except ValueError as error:
        raise OutgoingError(f"{host} answered WebFinger with no JSON.") from error
    href = _self_link(document)
    if not href:
        raise OutgoingError(f"{host} names no ActivityPub actor for @{user}@{host}.")
    return href


def _actor(uri):
    _refuse_blocked(remote.host_of(uri))
    if ids.local_path(uri) is not None:
        raise OutgoingError("That is an account of this blog.")
    try:
        return remote.actor_by_uri(uri)
    except remote.RemoteError as error:
        raise OutgoingError(f"The account could not be fetched: {error}") from error


def resolve(address) -> RemoteActor:
    """The account `address` names: @user@host, user@host, or an actor's URL."""
    value = (address or "").strip()
    if value.lower().startswith(("http://", "https://")):
        return _actor(value)
    user, host = _split(value)
    _refuse_blocked(host)
    return _actor(_webfinger(user, host))


# Building activities ---------------------------------------------------------


def _author(user) -> LocalActor:
    actor = actors.author_actor(user)
    if actor is None:
        raise OutgoingError(
            "Only authors who have published a post here can act in the fediverse."
        )
    return actor


def _new_id(local, kind):
    return f"{ids.actor(local)}#{kind}/{uuid.uuid4().hex}"


def _follow_activity(following):
    return {
        "@context": objects.AS_CONTEXT,
        "id": following.follow_id,
        "type": "Follow",
        "actor": ids.actor(following.actor),
        "object": following.remote.uri,
    }


def _note_inboxes(local, recipient):
    """The recipient's own inbox, and the servers of the author's followers
    (shared inboxes); the recipient's server gets the note once."""
    if recipient is None:
        return delivery.follower_inboxes(local)
    theirs = remote.origin_of(recipient.inbox)
    others = [i for i in delivery.follower_inboxes(local) if remote.origin_of(i) != theirs]
    return [recipient.inbox, *others]


# Following ---------------------------------------------------------------


def follow(user, address) -> Done:
    """The author asks to follow an account; its Accept marks the row accepted.
    Asking again while unanswered sends a new Follow."""
    local = _author(user)
    target = resolve(address)
    following = Following.objects.filter(actor=local, remote=target).first()
    if following is not None and following.accepted_at is not None:
        raise OutgoingError(f"You already follow {target.handle}.")
    with transaction.atomic():
        following = following or Following(actor=local, remote=target)
        following.follow_id = _new_id(local, "follows")
        following.save()
        queued = delivery.queue(local, _follow_activity(following), [target.inbox])
    return Done(following, queued)


def _followed(local, address):
    """The author's Following row for `address`: by what is known, else by asking."""
    value = (address or "").strip()
    rows = Following.objects.filter(actor=local).select_related("remote", "actor")
    if value.lower().startswith(("http://", "https://")):
        found = rows.filter(remote__uri=value).first()
    else:
        user, host = _split(value)
        found = rows.filter(
            remote__preferred_username__iexact=user, remote__host__iexact=host
        ).first()
    if found is None:
        found = rows.filter(remote=resolve(value)).first()
    if found is None:
        raise OutgoingError(f"You do not follow {value}.")
    return found


def unfollow(user, address) -> Done:
    local = _author(user)
    following = _followed(local, address)
    with transaction.atomic():
        undo = delivery.build("Undo", local, _follow_activity(following))
        queued = delivery.queue(local, undo, [following.remote.inbox])
        following.delete()
    return Done(following, queued)


# Notes ---------------------------------------------------------------


def _fetch(url):
    _refuse_blocked(remote.host_of(url))
    try:
        return remote.fetch_json(url)
    except remote.RemoteError as error:
        raise OutgoingError(str(error)) from error


def _object(url):
    """The post at `url`, by its own id (a page address leads to it)."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise OutgoingError(f"{url!r} is no web address of a post.")
    if ids.local_path(url) is not None:
        raise OutgoingError("That post is on this blog: answer it here.")
    document = _fetch(url)
    object_id = document.get("id")
    if not isinstance(object_id, str) or not remote.url_in(object_id):
        raise OutgoingError(f"{url} has no id.")
    if object_id != url:  # a page's address: the object's own document decides
        document = _fetch(object_id)
        if document.get("id") != object_id:
            raise OutgoingError(f"{object_id} names another object.")
    if document.get("type") not in REPLYABLE:
        raise OutgoingError(f"{object_id} is no post one can reply to.")
    return document


def _attributed_to(obj):
    """Who wrote the post: the first person among its authors (PeerTube names a channel too)."""
    value = obj.get("attributedTo")
    candidates = value if isinstance(value, list) else [value]
    people = [c for c in candidates if not (isinstance(c, dict) and c.get("type") == "Group")]
    for item in people + candidates:
        uri = remote.url_in(item.get("id") if isinstance(item, dict) else item)
        if uri:
            return uri
    raise OutgoingError(f"{obj['id']} names no author.")


def reply(user, object_url, text) -> Done:
    """A public note answering a post elsewhere, to its author and the
    author's followers."""
    local = _author(user)
    text = (text or "").strip()
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise OutgoingError(f"The reply is longer than {settings.COMMENT_MAX_LENGTH} characters.")
    html = render_body(text)
    if not html:
        raise OutgoingError("The reply says nothing.")
    obj = _object(object_url)
    author = _actor(_attributed_to(obj))
    with transaction.atomic():
        note = LocalNote.objects.create(
            actor=local, in_reply_to=obj["id"], recipient=author, text=text, html=html
        )
        document = objects.local_note(note)
        activity = delivery.build("Create", local, document, document["to"], document["cc"])
        queued = delivery.queue(local, activity, _note_inboxes(local, author))
    return Done(note, queued)


def delete_note(user, note_pk) -> Done:
    """Take a note back: a Delete (Tombstone) to everyone who got it."""
    local = _author(user)
    note = LocalNote.objects.filter(pk=note_pk, actor=local).select_related("recipient").first()
    if note is None:
        raise OutgoingError(f"You have no note {note_pk}.")
    if note.deleted_at is not None:
        raise OutgoingError(f"Note {note_pk} is already deleted.")
    with transaction.atomic():
        note.deleted_at = timezone.now()
        note.save(update_fields=["deleted_at"])
        tombstone = {"id": ids.note(note), "type": "Tombstone"}
        activity = delivery.build("Delete", local, tombstone, [ids.PUBLIC])
        queued = delivery.queue(local, activity, _note_inboxes(local, note.recipient))
    return Done(note, queued)


# Reading ---------------------------------------------------------------


def _existing_actor(user):
    """The author's actor if there is one: reading makes no keys."""
    return LocalActor.objects.filter(user=user).first()


def following_of(user):
    local = _existing_actor(user)
    if local is None:
        return Following.objects.none()
    return local.following.select_related("remote").order_by("-created_at", "-pk")


def inbox_of(user):
    """Posts of the accounts the author follows and answers to their notes, newest first."""
    local = _existing_actor(user)
    if local is None:
        return InboxItem.objects.none()
    note_ids = [ids.note(pk) for pk in local.notes.values_list("pk", flat=True)]
    followed = local.following.values_list("remote_id", flat=True)
    return (
        InboxItem.objects.filter(Q(actor_id__in=followed) | Q(in_reply_to__in=note_ids))
        .select_related("actor")
        .order_by("-received_at", "-pk")
    )
