"""What arrives in the blog's inboxes. `receive` checks a request in a fixed
order, cheapest first, and nothing is fetched for a request that fails an
earlier check: size (the view), signature form, Date and Digest, blocked
domain, rate per client address and per key host, a readable activity,
then the key (fetched through the safe fetcher), the signature, the
actor's own domain, the actor, the activity id's server, and whether the
activity was seen before. Only then does `handle` look at what it says.

Every outcome is an Answer: 202 for anything accepted or deliberately
ignored (direct messages, followers-only posts, unknown types, replays),
4xx with the reason otherwise."""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.federation import (
    delivery,
    ids,
    reactions,
    received,
    remote,
    replies,
    signatures,
)
from comments.federation.models import FederationSettings, Follower, LocalActor, SeenActivity
from comments.moderation import ratelimit
from comments.moderation.pipeline import Refused

logger = logging.getLogger(__name__)
ACCEPTED = 202
# Activity ids are kept this long: longer than a signature's Date is accepted.
KEEP_SEEN = signatures.MAX_AGE + signatures.MAX_AHEAD + timedelta(days=1)


@dataclass(frozen=True)
class Answer:
    status: int
    message: str


def _id(value):
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _audience(obj):
    found = set()
    for field in ("to", "cc"):
        value = obj.get(field)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.add(item)
    return found


def is_public(obj):
    """Public or unlisted (Public in to or cc); followers-only and direct are not."""
    return bool(_audience(obj) & ids.PUBLIC_ALIASES)


def _parse(body):
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(activity, dict) and _id(activity) and isinstance(activity.get("type"), str):
        return activity
    return None


def _limited(key_host, ip):
    """Per client address first (a forged keyId must not use up a real
    server's allowance alone), then per server the key names."""
    spec = settings.FEDERATION_RATE_LIMIT
    by_ip = ratelimit.hit("federation-ip", ip, spec)
    return by_ip or ratelimit.hit("federation-host", key_host, spec)


def _deleted_stranger(activity, key_id):
    """Mastodon tells every server it knows when an account is deleted; the
    account's key can no longer be fetched. One we never met: nothing to do."""
    actor_id = _id(activity.get("actor"))
    return (
        activity["type"] == "Delete"
        and _id(activity.get("object")) == actor_id
        and remote.known_actor(key_id) is None
    )


def _signer(signed):
    """The account whose key made the signature, or an Answer why not."""
    try:
        actor = remote.actor_for_key(signed.key_id)
        if not signed.verified_by(actor.public_key_pem):
            actor = remote.actor_for_key(signed.key_id, refresh=True)  # the key may have rotated
    except remote.RemoteError as error:
        return Answer(401, f"The signing key could not be used: {error}")
    if not signed.verified_by(actor.public_key_pem):
        return Answer(401, "The signature does not match.")
    return actor


def receive(method, path, headers, body, ip=None) -> Answer:
    try:
        signed = signatures.check(method, path, headers, body)
    except signatures.Invalid as invalid:
        return Answer(401, str(invalid))
    key_host = remote.host_of(signed.key_id)
    if not key_host:
        return Answer(401, "The keyId is no URL.")
    blocks = FederationSettings.current().blocks
    if blocks(key_host):
        return Answer(403, "This server is blocked here.")
    if _limited(key_host, ip):
        return Answer(429, "Too many requests.")
    activity = _parse(body)
    if activity is None:
        return Answer(400, "The body is no activity.")
    if _deleted_stranger(activity, signed.key_id):
        return Answer(ACCEPTED, "An account unknown here; nothing to delete.")
    actor = _signer(signed)
    if isinstance(actor, Answer):
        return actor
    if blocks(actor.host):
        return Answer(403, "This server is blocked here.")
    if _id(activity.get("actor")) != actor.uri:
        return Answer(401, "The activity's actor is not the key's owner.")
    if remote.origin_of(_id(activity)) != remote.origin_of(actor.uri):
        return Answer(401, "The activity's id is not on its actor's server.")
    if not _first_time(_id(activity)):
        return Answer(ACCEPTED, "Already received.")
    try:
        return handle(actor, activity)
    except Exception:
        # Not handled after all: the sender's retry must not be taken for a replay.
        SeenActivity.objects.filter(activity_id=_id(activity)[:2000]).delete()
        raise


def _first_time(activity_id):
    _forget_old_activities()
    try:
        with transaction.atomic():
            SeenActivity.objects.create(activity_id=activity_id[:2000])
    except IntegrityError:
        return False
    return True


def _forget_old_activities():
    """A replay older than the Date window is refused by its signature anyway:
    ids seen before that need not be kept. Once an hour."""
    if cache.add("federation:forget-seen", True, timeout=3600):
        since = timezone.now() - KEEP_SEEN
        SeenActivity.objects.filter(received_at__lt=since).delete()


def handle(actor, activity) -> Answer:
    handler = HANDLERS.get(activity["type"])
    if handler is None:
        return Answer(ACCEPTED, f"{activity['type'][:40]} is ignored here.")
    return handler(actor, activity)


def _local_actor(url):
    path = ids.local_path(url)
    if path is None:
        return None
    return next((a for a in LocalActor.objects.all() if ids.actor(a) == url), None)


def _follow(actor, activity):
    local = _local_actor(_id(activity.get("object")))
    if local is None:
        return Answer(ACCEPTED, "Nobody here by that name; ignored.")
    with transaction.atomic():
        Follower.objects.update_or_create(
            actor=local, remote=actor, defaults={"follow_id": _id(activity)}
        )
        delivery.accept(local, actor, activity)
    return Answer(ACCEPTED, "Followed.")


def _undo(actor, activity):
    obj = activity.get("object")
    kind = obj.get("type") if isinstance(obj, dict) else None
    object_id = _id(obj)
    if kind == "Follow" or Follower.objects.filter(remote=actor, follow_id=object_id).exists():
        target = _local_actor(_id(obj.get("object"))) if isinstance(obj, dict) else None
        follows = Follower.objects.filter(remote=actor)
        follows = follows.filter(actor=target) if target else follows.filter(follow_id=object_id)
        follows.delete()
        return Answer(ACCEPTED, "Unfollowed.")
    if reactions.undo(actor, object_id):
        return Answer(ACCEPTED, "Reaction withdrawn.")
    if kind in reactions.KINDS and isinstance(obj, dict):
        post, _parent = replies.target(_id(obj.get("object")))
        if post is not None and reactions.undo_on(post, actor, kind):
            return Answer(ACCEPTED, "Reaction withdrawn.")
    return Answer(ACCEPTED, "Nothing to undo.")


def _authored(actor, activity):
    """A post (Note, Article) the activity carries, by its actor, on its server."""
    obj = activity.get("object")
    if not isinstance(obj, dict) or not _id(obj):
        return None
    if _id(obj.get("attributedTo")) != actor.uri:
        return None
    return obj if remote.origin_of(_id(obj)) == remote.origin_of(actor.uri) else None


def _note(actor, activity):
    """The Note an activity carries, if it is one by the actor, on its server."""
    obj = _authored(actor, activity)
    return obj if obj is not None and obj.get("type") == "Note" else None


def _create(actor, activity):
    obj = _authored(actor, activity)
    if obj is None:
        return Answer(ACCEPTED, "Only posts by the sender are taken.")
    if not is_public(obj):
        return Answer(ACCEPTED, "Only public posts are taken; this one is ignored.")
    comment = None
    if obj.get("type") == "Note":
        try:
            comment = replies.create(actor, obj)
        except Refused as refused:
            return Answer(ACCEPTED, f"Not taken: {refused}")
    if comment is not None:
        return Answer(ACCEPTED, f"Taken as a comment ({comment.status}).")
    if received.wanted(actor, obj):
        received.keep(actor, obj)
        return Answer(ACCEPTED, "Kept for the authors to read.")
    return Answer(ACCEPTED, "It answers nothing here; ignored.")


def _accept(actor, activity):
    follow_id = _id(activity.get("object"))
    if received.accepted(actor, follow_id):
        return Answer(ACCEPTED, "Following.")
    return Answer(ACCEPTED, "No such follow request.")


def _update(actor, activity):
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type") in remote.ACTOR_TYPES:
        try:
            remote.refresh_from(obj, actor)
        except remote.RemoteError as error:
            return Answer(ACCEPTED, f"Profile not updated: {error}")
        return Answer(ACCEPTED, "Profile updated.")
    note = _note(actor, activity)
    if note is None:
        kept = _authored(actor, activity)
        if kept is not None and received.wanted(actor, kept) and is_public(kept):
            received.keep(actor, kept)
            return Answer(ACCEPTED, "Updated.")
        return Answer(ACCEPTED, "Only notes by the sender are taken.")
    if not is_public(note):
        replies.delete(actor, _id(note))  # made private after the fact: no longer shown
        received.forget(actor, _id(note))
        return Answer(ACCEPTED, "No longer public.")
    if received.wanted(actor, note) and not replies.target(note.get("inReplyTo"))[0]:
        received.keep(actor, note)
        return Answer(ACCEPTED, "Updated.")
    try:
        comment = replies.update(actor, note)
    except Refused as refused:
        return Answer(ACCEPTED, f"Not taken: {refused}")
    return Answer(ACCEPTED, "Updated." if comment else "Nothing to update.")


def _delete(actor, activity):
    object_id = _id(activity.get("object"))
    if object_id == actor.uri:  # the account itself is gone
        Follower.objects.filter(remote=actor).delete()
        reactions.forget_actor(actor)
        replies.delete_all(actor)
        return Answer(ACCEPTED, "Account removed.")
    gone = replies.delete(actor, object_id) or received.forget(actor, object_id)
    return Answer(ACCEPTED, "Deleted." if gone else "Nothing to delete.")


def _react(actor, activity):
    post, parent = replies.target(_id(activity.get("object")))
    if post is None or parent is not None:
        return Answer(ACCEPTED, "Only reactions to posts are counted.")
    if activity["type"] == "Announce" and not is_public(activity):
        return Answer(ACCEPTED, "Only public boosts are counted.")
    if reactions.add(post, actor, activity["type"], _id(activity)):
        remote.want_avatar(actor)
    return Answer(ACCEPTED, "Counted.")


HANDLERS = {
    "Follow": _follow,
    "Accept": _accept,
    "Undo": _undo,
    "Create": _create,
    "Update": _update,
    "Delete": _delete,
    "Like": _react,
    "Announce": _react,
}
