"""A fake Mastodon instance on 127.0.0.1 for the federation tests.

It serves actors, notes and WebFinger shaped as Mastodon 4.x shapes them, signs
outgoing requests the way Mastodon's `Request` class does (draft-cavage HTTP
Signatures with RSA-SHA256 and a `Digest` header) and checks incoming ones the
way Mastodon's signature verification does: the `Signature` parameters, the
signed header list, the time window, the body digest and the key, which it
fetches over real HTTP with a GET signed by its instance actor (`/actor`).
Written from Mastodon's documentation (docs.joinmastodon.org/spec/security/,
/spec/activitypub/) and behaviour; its domain is `127.0.0.1:<port>`.

Deviation, on purpose: the `Host` header it signs carries the port. Mastodon
signs the bare host name, which only differs on a non-default port, and every
server here listens on one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from urllib.parse import parse_qs, urldefrag, urlsplit

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from PIL import Image

from tests.fakes.loopback import LoopbackServer, QuietHandler

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
ACTIVITY_JSON = "application/activity+json; charset=utf-8"
FETCH_ACCEPT = "application/activity+json, application/ld+json"
ACTOR_TYPES = frozenset({"Application", "Group", "Organization", "Person", "Service"})

# What Mastodon 4.x signs: every header it sets except User-Agent and
# Accept-Encoding, in the order it sets them. Deliveries add Content-Type,
# fetches add Accept.
POST_SIGNED = ("(request-target)", "host", "date", "digest", "content-type")
GET_SIGNED = ("(request-target)", "host", "date", "accept")

CLOCK_SKEW = timedelta(hours=1)  # how far in the future a Date may be
MAX_AGE = timedelta(hours=12)  # how old a Date may be (the documented window)
MAX_FETCHED_BODY = 1024 * 1024
STATUS_ID_BASE = 113_000_000_000_000_000  # status ids look like Mastodon's snowflakes

NOTE_CONTEXT = [
    AS_CONTEXT,
    {
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
        "conversation": "ostatus:conversation",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "votersCount": "toot:votersCount",
        "Hashtag": "as:Hashtag",
    },
]
ACTOR_CONTEXT = [
    AS_CONTEXT,
    SECURITY_CONTEXT,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "memorial": "toot:memorial",
    },
]


class SignatureError(Exception):
    """Why a signed request was refused, in Mastodon's words."""


# -- HTTP signature primitives -------------------------------------------------


def generate_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def http_date(when=None):
    """A Date header value in the RFC 7231 format, e.g. `Tue, 07 Jan 2025 10:00:00 GMT`."""
    return format_datetime((when or datetime.now(UTC)).astimezone(UTC), usegmt=True)


def body_digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign_text(key, text):
    signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify_text(pem, signature, text):
    try:
        key = serialization.load_pem_public_key(pem.encode())
        key.verify(signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


_TOKEN = r"[0-9A-Za-z!#$%&'*+.^_`|~-]+"
_PARAM = re.compile(rf'({_TOKEN})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TOKEN}))')
_COMMA = re.compile(r"\s*,\s*")


def parse_signature(value):
    """The parameters of a draft-cavage `Signature` header as a dict.

    Like Mastodon: `key=value` or `key="value"` pairs separated by commas,
    an old `Signature ` prefix tolerated, anything else refused."""
    text = value[len("Signature ") :] if value.startswith("Signature ") else value
    params, pos = {}, 0
    while True:
        match = _PARAM.match(text, pos)
        if not match:
            raise SignatureError("Error parsing signature parameters")
        key, quoted, token = match.groups()
        params[key] = quoted if quoted is not None else token
        pos = match.end()
        if pos == len(text):
            return params
        comma = _COMMA.match(text, pos)
        if not comma:
            raise SignatureError("Error parsing signature parameters")
        pos = comma.end()


def signature_header(key_id, key, method, url, headers, names):
    """The `Signature` value for a request: what Mastodon's Request#signature makes."""
    lowered = {name.lower(): value for name, value in headers.items()}
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"{name}: {method.lower()} {target}"
        if name == "(request-target)"
        else f"{name}: {lowered.get(name, '')}"
        for name in names
    ]
    signature = sign_text(key, "\n".join(lines))
    return (
        f'keyId="{key_id}",algorithm="rsa-sha256",'
        f'headers="{" ".join(names)}",signature="{signature}"'
    )


def _parse_http_date(value):
    try:
        when = datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT")
    except ValueError:
        when = parsedate_to_datetime(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _lenient_b64(value):
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError):
        return b""


def _id_of(value):
    return value.get("id") if isinstance(value, dict) else value


def _host(url):
    return urlsplit(url).netloc.lower()


def _now_iso():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def png(colour):
    """A small PNG avatar."""
    out = io.BytesIO()
    Image.new("RGB", (48, 48), colour).save(out, "PNG")
    return out.getvalue()


# -- records -------------------------------------------------------------------


@dataclass
class Account:
    """A local account of the fake, with its own key pair."""

    username: str
    name: str
    uri: str
    key_id: str
    inbox: str
    shared_inbox: str
    profile_url: str
    icon_url: str
    key: rsa.RSAPrivateKey = field(repr=False, compare=False)
    summary: str = ""
    authorized_fetch: bool = False
    actor_redirect: str | None = None
    published: str = field(default_factory=_now_iso)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    @property
    def public_key_pem(self):
        return public_pem(self.key)

    @property
    def followers(self):
        return f"{self.uri}/followers"

    @property
    def following(self):
        return f"{self.uri}/following"

    @property
    def outbox(self):
        return f"{self.uri}/outbox"

    @property
    def handle(self):
        """`@username@127.0.0.1:PORT`."""
        return f"@{self.username}@{_host(self.uri)}"

    def next_id(self):
        return next(self._ids)


@dataclass
class Received:
    """One POST to one of the fake's inboxes."""

    path: str
    headers: httpx.Headers
    activity: dict | None
    verified: bool
    error: str = ""
    key_id: str | None = None
    body: bytes = b""


@dataclass
class Fetched:
    """One GET the fake answered."""

    path: str
    headers: httpx.Headers
    status: int


# -- the server ----------------------------------------------------------------


class FakeMastodon(LoopbackServer):
    """One Mastodon instance: accounts, notes, inboxes and its instance actor.

    GET: /users/<name> (actor), /users/<name>/statuses/<id> (stored public notes),
    /users/<name>/{followers,following,outbox}, /avatars/<name>.png, /@<name>,
    /actor, /.well-known/webfinger. POST: /inbox, /users/<name>/inbox, /actor/inbox,
    each verified and recorded in `received` (202, or 401 with Mastodon's reason)."""

    def __init__(self):
        super().__init__(_Handler)  # a free port, chosen by the system
        self.domain = f"127.0.0.1:{self.server_address[1]}"
        self.accounts = {}
        self.notes = {}  # note id -> Note JSON (without @context)
        self.received = []
        self.fetched = []
        self.known_keys = {}  # key id -> PEM, used without fetching
        self.key_cache = {}  # key id -> PEM, fetched over HTTP
        self.max_age = MAX_AGE
        self._lock = threading.Lock()
        self.instance_actor = self._make_account(self.domain, self.domain, uri=f"{self.url}/actor")

    # accounts

    def add_account(
        self, username, name=None, *, summary=None, authorized_fetch=False, actor_redirect=None
    ):
        account = self._make_account(username, name or username.capitalize())
        account.summary = summary if summary is not None else f"<p>Hi, I am {username}.</p>"
        account.authorized_fetch = authorized_fetch
        account.actor_redirect = actor_redirect
        self.accounts[username] = account
        return account

    def _make_account(self, username, name, uri=None):
        uri = uri or f"{self.url}/users/{username}"
        return Account(
            username=username,
            name=name,
            uri=uri,
            key_id=f"{uri}#main-key",
            inbox=f"{uri}/inbox",
            shared_inbox=f"{self.url}/inbox",
            profile_url=f"{self.url}/@{username}",
            icon_url=f"{self.url}/avatars/{username}.png",
            key=generate_key(),
        )

    def actor_document(self, account):
        uri = account.uri
        return {
            "@context": ACTOR_CONTEXT,
            "id": uri,
            "type": "Person",
            "following": account.following,
            "followers": account.followers,
            "inbox": account.inbox,
            "outbox": account.outbox,
            "featured": f"{uri}/collections/featured",
            "featuredTags": f"{uri}/collections/tags",
            "preferredUsername": account.username,
            "name": account.name,
            "summary": account.summary,
            "url": account.profile_url,
            "manuallyApprovesFollowers": False,
            "discoverable": True,
            "indexable": True,
            "published": account.published,
            "memorial": False,
            "publicKey": {
                "id": account.key_id,
                "owner": uri,
                "publicKeyPem": account.public_key_pem,
            },
            "tag": [],
            "attachment": [],
            "endpoints": {"sharedInbox": account.shared_inbox},
            "icon": {"type": "Image", "mediaType": "image/png", "url": account.icon_url},
        }

    def instance_actor_document(self):
        actor = self.instance_actor
        return {
            "@context": ACTOR_CONTEXT,
            "id": actor.uri,
            "type": "Application",
            "inbox": actor.inbox,
            "outbox": actor.outbox,
            "preferredUsername": self.domain,
            "url": f"{self.url}/about/more?instance_actor=true",
            "manuallyApprovesFollowers": True,
            "publicKey": {
                "id": actor.key_id,
                "owner": actor.uri,
                "publicKeyPem": actor.public_key_pem,
            },
            "endpoints": {"sharedInbox": actor.shared_inbox},
        }

    # sending, as Mastodon's Request signs

    def post(
        self,
        account,
        inbox_url,
        activity=None,
        *,
        date=None,
        digest=None,
        body=None,
        sign_with=None,
        headers=None,
        signed_headers=None,
    ):
        """Delivers `activity` (or the raw `body`) to `inbox_url`, signed as `account`.

        `date`: a datetime or a header value (default now); `digest`: a header value
        to send instead of the right one, or False for none (and none signed);
        `sign_with`: another Account (or private key) whose key signs under
        `account`'s keyId; `headers`: extra headers sent unsigned, after signing
        (they may replace a signed one); `signed_headers`: the names to sign."""
        data = body if body is not None else json.dumps(activity).encode()
        head = {"Host": _host(inbox_url), "Date": self._date_value(date)}
        if digest is not False:
            head["Digest"] = digest or body_digest(data)
        head["Content-Type"] = "application/activity+json"
        names = signed_headers or tuple(
            n for n in POST_SIGNED if n != "digest" or "Digest" in head
        )
        head["Signature"] = signature_header(
            account.key_id, self._key(account, sign_with), "POST", inbox_url, head, names
        )
        head.update(self._client_headers())
        head.update(headers or {})
        with httpx.Client(timeout=10, trust_env=False) as client:
            return client.post(inbox_url, content=data, headers=head)

    def get_signed(
        self,
        account,
        url,
        *,
        accept=FETCH_ACCEPT,
        date=None,
        sign_with=None,
        headers=None,
        signed_headers=None,
        follow_redirects=False,
    ):
        """A GET signed as `account`, as Mastodon fetches: (request-target) host date accept."""
        head = {"Host": _host(url), "Date": self._date_value(date), "Accept": accept}
        names = signed_headers or GET_SIGNED
        head["Signature"] = signature_header(
            account.key_id, self._key(account, sign_with), "GET", url, head, names
        )
        head.update(self._client_headers())
        head.update(headers or {})
        options = {"follow_redirects": follow_redirects, "max_redirects": 3}
        with httpx.Client(timeout=10, trust_env=False, **options) as client:
            return client.get(url, headers=head)

    def _client_headers(self):
        return {
            "User-Agent": f"http.rb/5.2.0 (Mastodon/4.3.2; +{self.url}/)",
            "Accept-Encoding": "gzip",
        }

    @staticmethod
    def _date_value(date):
        if date is None or isinstance(date, datetime):
            return http_date(date)
        return date

    @staticmethod
    def _key(account, sign_with):
        if sign_with is None:
            return account.key
        return sign_with.key if isinstance(sign_with, Account) else sign_with

    # receiving

    def wait_for(self, predicate, timeout=30):
        """The first received POST that `predicate` accepts; waits for it up to `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in list(self.received):
                if predicate(entry):
                    return entry
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no matching POST within {timeout}s; received: {self._summary()}"
                )
            time.sleep(0.05)

    def _summary(self):
        return [
            (
                r.path,
                (r.activity or {}).get("type"),
                (r.activity or {}).get("id"),
                r.verified,
                r.error,
            )
            for r in list(self.received)
        ]

    def _record(self, entry):
        with self._lock:
            (self.received if isinstance(entry, Received) else self.fetched).append(entry)

    # verifying, as Mastodon's signature verification does

    def verify(self, method, target, headers, body=b""):
        """Checks a request's HTTP signature; returns its keyId or raises SignatureError.

        `target` is the request target as sent (path and query), `headers` a
        case-insensitive mapping."""
        raw = headers.get("signature")
        if not raw:
            raise SignatureError("Request not signed")
        params = parse_signature(raw)
        if not params.get("keyId") or not params.get("signature"):
            raise SignatureError(
                "Incompatible request signature. keyId and signature are required"
            )
        algorithm = params.get("algorithm", "hs2019")
        if algorithm not in ("rsa-sha256", "hs2019"):
            raise SignatureError(
                "Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)"
            )
        names = (
            params.get("headers", "(created)" if algorithm == "hs2019" else "date").lower().split()
        )
        self._check_time_window(params, algorithm, headers)
        _check_strength(method, names)
        if "digest" in names:
            _check_digest(headers, body)
        texts = _signed_strings(method, target, headers, params, algorithm, names)
        return self._check_key(params["keyId"], _lenient_b64(params["signature"]), texts)

    def _check_time_window(self, params, algorithm, headers):
        try:
            created = None
            if algorithm == "hs2019" and params.get("created"):
                created = datetime.fromtimestamp(int(params["created"]), UTC)
            elif headers.get("date"):
                created = _parse_http_date(headers["date"])
            expires = (
                datetime.fromtimestamp(int(params["expires"]), UTC)
                if params.get("expires")
                else None
            )
        except (ValueError, TypeError, OverflowError) as error:
            raise SignatureError(f"Invalid Date header: {error}") from error
        if created is None:
            return
        now = datetime.now(UTC)
        limit = created + self.max_age
        if expires is not None:
            limit = min(limit, expires + CLOCK_SKEW)
        if created > now + CLOCK_SKEW or now > limit:
            raise SignatureError("Signed request date outside acceptable time window")

    def _check_key(self, key_id, signature, texts):
        pem, refreshable = self._public_key(key_id)
        if any(verify_text(pem, signature, text) for text in texts):
            return key_id
        if refreshable:  # the key may have changed since it was cached
            pem = self.fetch_key(key_id)
            if any(verify_text(pem, signature, text) for text in texts):
                return key_id
        raise SignatureError(
            f"Verification failed for {key_id} using rsa-sha256 (RSASSA-PKCS1-v1_5 with SHA-256)"
        )

    def _public_key(self, key_id):
        """(PEM, whether a refetch could change it) for `key_id`."""
        if key_id in self.known_keys:
            return self.known_keys[key_id], False
        if key_id.startswith("acct:") or _host(key_id) == self.domain:
            raise SignatureError(f"Public key not found for key {key_id}")
        if key_id in self.key_cache:
            return self.key_cache[key_id], True
        return self.fetch_key(key_id), False

    def fetch_key(self, key_id):
        """The PEM behind `key_id`, fetched over HTTP as Mastodon's FetchRemoteKeyService does."""
        document = self._fetch_document(key_id)
        if document is None:
            raise SignatureError(f"Unable to fetch key JSON at {key_id}")
        if not _supported_context(document):
            raise SignatureError(f"Unsupported JSON-LD context for document {key_id}")
        if document.get("type") in ACTOR_TYPES:
            pem = _actor_key(document, key_id)
        elif document.get("publicKeyPem") and document.get("owner"):
            pem = self._owned_key(document, key_id)
        else:
            raise SignatureError(f"Unexpected object type for key {key_id}")
        self.key_cache[key_id] = pem
        return pem

    def _owned_key(self, key, key_id):
        """A standalone key object counts only if its owner names it back."""
        owner = self._fetch_document(_id_of(key["owner"]))
        if (
            owner is None
            or owner.get("type") not in ACTOR_TYPES
            or _id_of(owner.get("publicKey")) != key.get("id")
            or _host(owner["id"]) != _host(key_id)
        ):
            raise SignatureError(f"Unable to verify the owner of key {key_id}")
        return key["publicKeyPem"]

    def _fetch_document(self, uri):
        """A JSON document whose `id` is where it was fetched from (one refetch at its id)."""
        url = urldefrag(uri).url
        document = self._get_json(url)
        if document is None or not str(document.get("id", "")).startswith(("http://", "https://")):
            return None
        expected = document["id"]
        if expected != url:
            document = self._get_json(expected)
            if document is None or document.get("id") != expected:
                return None
        return document

    def _get_json(self, url):
        try:
            response = self.get_signed(self.instance_actor, url, follow_redirects=True)
        except httpx.HTTPError as error:
            raise SignatureError(f"Failed to fetch remote data: {error}") from error
        if response.status_code != 200 or len(response.content) > MAX_FETCHED_BODY:
            return None
        try:
            document = response.json()
        except ValueError:
            return None
        return document if isinstance(document, dict) else None

    # activity builders, shaped like Mastodon 4.x payloads

    def follow(self, account, target_actor_uri):
        return {
            "@context": AS_CONTEXT,
            "id": f"{account.uri}#follows/{account.next_id()}",
            "type": "Follow",
            "actor": account.uri,
            "object": target_actor_uri,
        }

    def undo(self, account, activity):
        inner = {k: v for k, v in activity.items() if k != "@context"}
        if "#" in activity["id"]:
            undo_id = f"{activity['id']}/undo"
        else:  # an Announce: its id is the reblog's status
            undo_id = f"{account.uri}#announces/{activity['id'].rsplit('/')[-2]}/undo"
        undo = {"@context": AS_CONTEXT, "id": undo_id, "type": "Undo", "actor": account.uri}
        if activity.get("type") == "Announce":
            undo["to"] = [PUBLIC]
        undo["object"] = inner
        return undo

    def note(
        self,
        account,
        in_reply_to,
        html,
        *,
        visibility="public",
        mention=None,
        language="en",
        sensitive=False,
        summary=None,
    ):
        """A Note, stored so GET serves it.

        `mention`: (actor uri, "@name@host"[, profile url]) puts Mastodon's h-card
        first in the content and a Mention tag on the note."""
        number = STATUS_ID_BASE + account.next_id()
        note_id = f"{account.uri}/statuses/{number}"
        to, cc = _addressing(account, visibility, mention[0] if mention else None)
        content = _content(html, mention)
        note = {
            "id": note_id,
            "type": "Note",
            "summary": summary,
            "inReplyTo": in_reply_to,
            "published": _now_iso(),
            "url": f"{account.profile_url}/{number}",
            "attributedTo": account.uri,
            "to": to,
            "cc": cc,
            "sensitive": sensitive,
            "atomUri": note_id,
            "inReplyToAtomUri": in_reply_to,
            "conversation": _conversation(self.domain, number),
            "content": content,
            "contentMap": {language: content},
            "attachment": [],
            "tag": [{"type": "Mention", "href": mention[0], "name": mention[1]}]
            if mention
            else [],
            "replies": _replies(note_id),
        }
        self.notes[note_id] = note
        return note

    def create(self, account, note):
        self.notes[note["id"]] = note
        return {
            "@context": NOTE_CONTEXT,
            "id": f"{note['id']}/activity",
            "type": "Create",
            "actor": account.uri,
            "published": note["published"],
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }

    def update(self, account, note, html=None):
        """An Update of `note` (with `updated`, and new content if `html` is given)."""
        changed = dict(note, updated=_now_iso())
        if html is not None:
            mention = next(
                (
                    (t["href"], t["name"])
                    for t in note.get("tag", [])
                    if t.get("type") == "Mention"
                ),
                None,
            )
            changed["content"] = _content(html, mention)
            languages = note.get("contentMap") or {"en": ""}
            changed["contentMap"] = dict.fromkeys(languages, changed["content"])
        self.notes[note["id"]] = changed
        return {
            "@context": NOTE_CONTEXT,
            "id": f"{note['id']}#updates/{int(time.time())}",
            "type": "Update",
            "actor": account.uri,
            "published": changed["updated"],
            "to": note["to"],
            "cc": note["cc"],
            "object": changed,
        }

    def delete(self, account, note_id):
        self.notes.pop(note_id, None)
        return {
            "@context": NOTE_CONTEXT,
            "id": f"{note_id}#delete",
            "type": "Delete",
            "actor": account.uri,
            "to": [PUBLIC],
            "object": {"id": note_id, "type": "Tombstone", "atomUri": note_id},
        }

    def like(self, account, object_id):
        return {
            "@context": AS_CONTEXT,
            "id": f"{account.uri}#likes/{account.next_id()}",
            "type": "Like",
            "actor": account.uri,
            "object": object_id,
        }

    def announce(self, account, object_id, *, author=None):
        """A boost. The object's author is looked up (stored notes, else a signed GET)."""
        author = author or self._author_of(account, object_id)
        number = STATUS_ID_BASE + account.next_id()
        return {
            "@context": AS_CONTEXT,
            "id": f"{account.uri}/statuses/{number}/activity",
            "type": "Announce",
            "actor": account.uri,
            "published": _now_iso(),
            "to": [PUBLIC],
            "cc": [uri for uri in (author, account.followers) if uri],
            "object": object_id,
        }

    def _author_of(self, account, object_id):
        document = self.notes.get(object_id)
        if document is None:
            try:
                response = self.get_signed(account, object_id, follow_redirects=True)
                document = response.json() if response.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                document = {}
        author = document.get("attributedTo") if isinstance(document, dict) else None
        if isinstance(author, list):
            author = author[0] if author else None
        return _id_of(author)

    # answering GETs

    def answer_get(self, target, headers):
        """(status, body, content type, extra headers) for a GET of `target`."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/.well-known/webfinger":
            return self._webfinger(query.get("resource", [""])[0])
        if path == "/actor":
            return _json(200, self.instance_actor_document())
        avatar = re.fullmatch(r"/avatars/([^/]+)\.png", path)
        if avatar and avatar[1] in self.accounts:
            return 200, png(_colour(avatar[1])), "image/png", {}
        profile = re.fullmatch(r"/@([^/]+)", path)
        if profile and profile[1] in self.accounts:
            return _profile_page(self.accounts[profile[1]])
        user = re.fullmatch(r"/users/([^/]+)(/.*)?", path)
        if user and user[1] in self.accounts:
            return self._account_get(self.accounts[user[1]], user[2] or "", target, headers, query)
        return _json(404, {"error": "Record not found"})

    def _account_get(self, account, rest, target, headers, query):
        if account.authorized_fetch:
            try:
                self.verify("GET", target, headers)
            except SignatureError as error:
                return _json(401, {"error": str(error)})
        if rest == "":
            if account.actor_redirect:
                return 302, "", "text/html", {"Location": account.actor_redirect}
            return _json(200, self.actor_document(account))
        if rest in ("/followers", "/following", "/outbox"):
            return _json(200, _collection(account.uri + rest, self._count(account, rest)))
        if match := re.fullmatch(r"/statuses/(\d+)(/replies)?", rest):
            note = self.notes.get(f"{account.uri}/statuses/{match[1]}")
            if note and PUBLIC in note["to"] + note["cc"]:
                if match[2]:
                    return _json(
                        200,
                        _replies_page(note["id"])
                        if "page" in query
                        else _with_context(_replies(note["id"])),
                    )
                return _json(200, {"@context": NOTE_CONTEXT, **note})
        return _json(404, {"error": "Record not found"})

    def _count(self, account, rest):
        if rest != "/outbox":
            return 0
        return sum(1 for note in list(self.notes.values()) if note["attributedTo"] == account.uri)

    def _webfinger(self, resource):
        username = None
        if resource.startswith("acct:") and "@" in resource:
            user, _, host = resource[len("acct:") :].rpartition("@")
            username = user if host == self.domain else None
        else:
            username = next(
                (a.username for a in self.accounts.values() if resource in (a.uri, a.profile_url)),
                None,
            )
        account = self.accounts.get(username)
        if account is None:
            return _json(404, {"error": "Record not found"})
        document = {
            "subject": f"acct:{account.username}@{self.domain}",
            "aliases": [account.profile_url, account.uri],
            "links": [
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": account.profile_url,
                },
                {"rel": "self", "type": "application/activity+json", "href": account.uri},
            ],
        }
        return 200, json.dumps(document), "application/jrd+json; charset=utf-8", {}

    # answering POSTs

    def answer_post(self, target, headers, body):
        path = urlsplit(target).path
        if match := re.fullmatch(r"/users/([^/]+)/inbox", path):
            if match[1] not in self.accounts:
                return _json(404, {"error": "Record not found"})
        elif path not in ("/inbox", "/actor/inbox"):
            return _json(404, {"error": "Record not found"})
        activity = _json_or_none(body)
        try:
            key_id = self.verify("POST", target, headers, body)
        except SignatureError as error:
            self._record(
                Received(path, headers, activity, False, str(error), _key_id_of(headers), body)
            )
            return _json(401, {"error": str(error)})
        self._record(Received(path, headers, activity, True, "", key_id, body))
        return 202, "", "text/plain", {}


# -- verification steps (no state) -----------------------------------------------


def _check_strength(method, names):
    if "date" not in names and "(created)" not in names:
        raise SignatureError(
            "Mastodon requires the Date header or (created) pseudo-header to be signed"
        )
    if "(request-target)" not in names and "digest" not in names:
        raise SignatureError(
            "Mastodon requires the Digest header or (request-target) pseudo-header to be signed"
        )
    if method == "GET" and "host" not in names:
        raise SignatureError(
            "Mastodon requires the Host header to be signed when doing a GET request"
        )
    if method == "POST" and "digest" not in names:
        raise SignatureError(
            "Mastodon requires the Digest header to be signed when doing a POST request"
        )


def _check_digest(headers, body):
    if "digest" not in headers:
        raise SignatureError("Digest header missing")
    offered = [part.split("=", 1) for part in headers["digest"].split(",")]
    digests = {pair[0].strip().lower(): (pair[1] if len(pair) > 1 else "") for pair in offered}
    if "sha-256" not in digests:
        raise SignatureError(
            "Mastodon only supports SHA-256 in Digest header. "
            f"Offered algorithms: {', '.join(digests)}"
        )
    given, computed = digests["sha-256"], body_digest(body)[len("SHA-256=") :]
    if given == computed:
        return
    try:
        size = len(base64.b64decode(given.strip(), validate=True))
    except (binascii.Error, ValueError) as error:
        raise SignatureError(
            "Invalid Digest value. The provided Digest value is not a valid base64 string. "
            f"Given digest: {given}"
        ) from error
    if size != 32:
        raise SignatureError(
            "Invalid Digest value. The provided Digest value is not a SHA-256 digest. "
            f"Given digest: {given}"
        )
    raise SignatureError(
        f"Invalid Digest value. Computed SHA-256 digest: {computed}; given: {given}"
    )


def _signed_strings(method, target, headers, params, algorithm, names):
    """The signing strings to try: with the query, then without (older Mastodons omit it)."""
    targets = [target] if "?" not in target else [target, target.split("?", 1)[0]]
    return [_signed_string(method, t, headers, params, algorithm, names) for t in targets]


def _signed_string(method, target, headers, params, algorithm, names):
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in ("(created)", "(expires)"):
            if algorithm != "hs2019":
                raise SignatureError(f"Invalid pseudo-header {name} for rsa-sha256")
            value = params.get(name[1:-1])
            if not value:
                raise SignatureError(
                    f"Pseudo-header {name} used but corresponding argument missing"
                )
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}: {headers.get(name, '')}")
    return "\n".join(lines)


def _supported_context(document):
    context = document.get("@context")
    return context == AS_CONTEXT or (isinstance(context, list) and AS_CONTEXT in context)


def _actor_key(actor, key_id):
    keys = actor.get("publicKey")
    keys = keys if isinstance(keys, list) else [keys]
    for key in keys:
        if isinstance(key, dict) and key.get("id") == key_id and key.get("publicKeyPem"):
            if _host(actor["id"]) != _host(key_id):
                break
            return key["publicKeyPem"]
    raise SignatureError(f"Public key not found for key {key_id}")


def _key_id_of(headers):
    try:
        return parse_signature(headers.get("signature", "")).get("keyId")
    except SignatureError:
        return None


# -- documents -----------------------------------------------------------------


def _addressing(account, visibility, mentioned):
    mentions = [mentioned] if mentioned else []
    if visibility == "public":
        return [PUBLIC], [account.followers, *mentions]
    if visibility == "unlisted":
        return [account.followers], [PUBLIC, *mentions]
    if visibility == "private":
        return [account.followers], mentions
    if visibility == "direct":
        return mentions, []
    raise ValueError(f"unknown visibility {visibility!r}")


def _content(html, mention):
    """Mastodon's markup: the mention's h-card opens the first paragraph."""
    if not mention:
        return html if html.startswith("<p>") else f"<p>{html}</p>"
    href = mention[2] if len(mention) > 2 else mention[0]
    username = mention[1].lstrip("@").split("@")[0]
    card = (
        f'<span class="h-card" translate="no"><a href="{escape(href)}" class="u-url mention">'
        f"@<span>{escape(username)}</span></a></span>"
    )
    if html.startswith("<p>"):
        return f"<p>{card} {html[3:]}"
    return f"<p>{card} {html}</p>"


def _conversation(domain, number):
    return f"tag:{domain},{datetime.now(UTC):%Y-%m-%d}:objectId={number}:objectType=Conversation"


def _replies(note_id):
    return {
        "id": f"{note_id}/replies",
        "type": "Collection",
        "first": {
            "type": "CollectionPage",
            "next": f"{note_id}/replies?only_other_accounts=true&page=true",
            "partOf": f"{note_id}/replies",
            "items": [],
        },
    }


def _replies_page(note_id):
    return {
        "@context": AS_CONTEXT,
        "id": f"{note_id}/replies?only_other_accounts=true&page=true",
        "type": "CollectionPage",
        "partOf": f"{note_id}/replies",
        "items": [],
    }


def _collection(collection_id, total):
    return {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }


def _with_context(document):
    return {"@context": AS_CONTEXT, **document}


def _profile_page(account):
    page = (
        f"<!DOCTYPE html><html><head><title>{escape(account.name)}</title>"
        f'<link rel="alternate" type="application/activity+json" href="{escape(account.uri)}">'
        f"</head><body><h1>{escape(account.name)}</h1>{account.summary}</body></html>"
    )
    return 200, page, "text/html; charset=utf-8", {}


def _colour(username):
    digest = hashlib.sha256(username.encode()).digest()
    return digest[0], digest[1], digest[2]


def _json(status, document):
    return status, json.dumps(document), ACTIVITY_JSON, {}


def _json_or_none(body):
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


class _Handler(QuietHandler):
    def do_GET(self):
        headers = self._headers()
        status, body, content_type, extra = self.server.answer_get(self.path, headers)
        self.server._record(Fetched(urlsplit(self.path).path, headers, status))
        self.answer(status, body, content_type=content_type, headers=extra)

    def do_POST(self):
        headers = self._headers()
        status, body, content_type, extra = self.server.answer_post(
            self.path, headers, self._body()
        )
        self.answer(status, body, content_type=content_type, headers=extra)

    def _headers(self):
        return httpx.Headers(list(self.headers.items()))

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._chunked_body()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _chunked_body(self):
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        return b"".join(chunks)
