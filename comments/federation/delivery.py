"""Telling followers: which activity goes to which inboxes, one Delivery per
inbox (a server's shared inbox once, however many of its accounts follow),
and sending one, signed, with the outcome recorded. Nothing here sends in
a request: queued deliveries are announced after commit (deliveries_due)
and the tasks send them."""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from comments.federation import actors, ids, objects, signatures
from comments.federation.models import (
    Delivery,
    FederationSettings,
    Follower,
    LocalActor,
    RemoteNote,
)
from comments.federation.remote import host_of
from comments.linkbacks import safe_fetch
from comments.models import Comment

logger = logging.getLogger(__name__)

#: Deliveries were queued (sent after commit): delivery_ids.
deliveries_due = Signal()
CONTENT_TYPE = "application/activity+json"
State = Delivery.State
# Answers after which another try would go the same way.
PERMANENT = {400, 401, 403, 404, 405, 406, 410, 413, 414, 415, 422}


def _blocked():
    return FederationSettings.current().blocks


def queue(actor, activity, inboxes, post=None) -> list[int]:
    """A Delivery per distinct inbox, announced once the transaction commits."""
    blocks = _blocked()
    wanted = [inbox for inbox in dict.fromkeys(inboxes) if inbox and not blocks(host_of(inbox))]
    created = [
        Delivery.objects.create(
            inbox=inbox, actor=actor, activity=activity, activity_type=activity["type"], post=post
        ).pk
        for inbox in wanted
    ]
    if created:
        transaction.on_commit(lambda: deliveries_due.send(Delivery, delivery_ids=created))
    return created


def follower_inboxes(*local_actors):
    followers = Follower.objects.filter(actor__in=[a for a in local_actors if a]).select_related(
        "remote"
    )
    return [follower.remote.delivery_inbox for follower in followers]


def _stamp():
    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def build(kind, actor, obj, to=None, cc=None):
    """An activity of our actor, its id under the actor's: an id under the
    object's would be on another server when the object is someone else's
    (the Follow an Accept answers), and receivers refuse that."""
    activity = {
        "@context": objects.AS_CONTEXT,
        "id": ids.activity(kind, ids.actor(actor), _stamp()),
        "type": kind,
        "actor": ids.actor(actor),
        "object": obj,
    }
    if to is not None:
        activity["to"], activity["cc"] = to, cc or []
    return activity


def publish(post):
    """A post went live or changed: Create the first time, Update after. The
    blog's followers get it from the blog; followers of the author alone get
    the author's boost of it (Announce), which puts it in their timelines."""
    if not Follower.objects.exists():
        return []  # nobody to tell; no key made for nothing
    blog = actors.blog_actor()
    author = actors.author_actor(post.author) if post.author_id else None
    article = objects.article(post)
    sent_before = Delivery.objects.filter(
        activity_type="Create", activity__object__id=ids.post(post)
    ).exists()
    kind = "Update" if sent_before else "Create"
    blog_inboxes = follower_inboxes(blog)
    queued = queue(
        blog, build(kind, blog, article, article["to"], article["cc"]), blog_inboxes, post
    )
    if author is not None and kind == "Create":
        only_author = [inbox for inbox in follower_inboxes(author) if inbox not in blog_inboxes]
        boost = build("Announce", author, article["id"], [ids.PUBLIC], [ids.followers(author)])
        queued += queue(author, boost, only_author, post)
    return queued


def withdraw(post_id, post=None):
    """A post was unpublished or deleted: everyone who may have it hears so."""
    if not Follower.objects.exists() and not Delivery.objects.filter(post_id=post_id).exists():
        return []
    blog = actors.blog_actor()
    tombstone = {"id": ids.post(post_id), "type": "Tombstone"}
    earlier = Delivery.objects.filter(
        activity_type="Create", activity__object__id=ids.post(post_id)
    ).values_list("inbox", flat=True)
    inboxes = [*follower_inboxes(blog), *earlier]
    return queue(blog, build("Delete", blog, tombstone, [ids.PUBLIC]), inboxes, post)


def accept(local_actor, remote, follow):
    """The answer to a Follow: the Follow itself, accepted, to the follower."""
    activity = build("Accept", local_actor, follow)
    return queue(local_actor, activity, [remote.inbox])


def reject(follower):
    """A moderator removed a follower: its server hears so, as from Mastodon's
    "remove follower", by a Reject of the Follow it sent, and stops counting
    the account as following (Mastodon unfollows on it)."""
    local, remote = follower.actor, follower.remote
    follow = {
        "id": follower.follow_id,
        "type": "Follow",
        "actor": remote.uri,
        "object": ids.actor(local),
    }
    return queue(local, build("Reject", local, follow), [remote.inbox])


def _fediverse_parent(comment):
    if not comment.parent_id or comment.parent_id == comment.pk:
        return None
    return RemoteNote.objects.filter(comment_id=comment.parent_id).select_related("actor").first()


def answer(comment_id):
    """An approved comment by the post's author (or another author who
    publishes here) under a fediverse reply goes back to that reply's author
    as a Note. Guests' comments are never sent anywhere."""
    comment = Comment.objects.filter(pk=comment_id, kind=Comment.Kind.COMMENT).first()
    if comment is None or not comment.is_approved or comment.user_id is None:
        return []
    parent = _fediverse_parent(comment)
    author = actors.author_actor(comment.user)
    if parent is None or author is None or comment.user_id != comment.content_object.author_id:
        return []
    if Delivery.objects.filter(activity__object__id=ids.comment(comment)).exists():
        return []
    note = objects.note(comment)
    activity = build("Create", author, note, note["to"], note["cc"])
    return queue(author, activity, [parent.actor.inbox], comment.content_object)


def _skeleton(activity):
    obj = activity.get("object")
    kept = {key: obj.get(key) for key in ("id", "type")} if isinstance(obj, dict) else obj
    return {"id": activity.get("id"), "type": activity.get("type"), "object": kept}


def prune(batch=500):
    """Settled deliveries older than FEDERATION_KEEP_DELIVERIES_DAYS go: a
    Create shrinks to which inbox got which object (what Update, Delete and
    answers look up), everything else is deleted. Runs in a task."""
    cutoff = timezone.now() - timedelta(days=settings.FEDERATION_KEEP_DELIVERIES_DAYS)
    settled = Delivery.objects.filter(state__in=[State.SENT, State.FAILED], updated_at__lt=cutoff)
    deleted, _ = settled.exclude(activity_type="Create").delete()
    creates = settled.filter(activity_type="Create", activity__has_key="@context")
    compacted = 0
    while rows := list(creates.only("pk", "activity")[:batch]):
        for row in rows:
            row.activity = _skeleton(row.activity)
        # bulk_update leaves updated_at alone: the row stays as old as it was.
        compacted += Delivery.objects.bulk_update(rows, ["activity"])
    return deleted, compacted


def _give_up_at(delivery):
    return delivery.created_at + timedelta(seconds=settings.FEDERATION_GIVE_UP_SECONDS)


def _record(delivery, state, detail=""):
    delivery.state, delivery.detail = state, detail[:300]
    if state == State.SENT:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["state", "detail", "attempts", "sent_at", "updated_at"])


def send(delivery, final_attempt=False) -> bool:
    """POST one activity to one inbox, signed by its actor. True when it
    failed in a way worth another try (and one is allowed)."""
    delivery.attempts += 1
    if _blocked()(host_of(delivery.inbox)):
        _record(delivery, State.FAILED, "The inbox's domain is blocked.")
        return False
    actor = LocalActor.objects.get(pk=delivery.actor_id)
    body = json.dumps(delivery.activity).encode()
    headers = signatures.sign("POST", delivery.inbox, ids.key(actor), actor.private_key_pem, body)
    headers["Content-Type"] = CONTENT_TYPE
    try:
        response = safe_fetch.fetch(delivery.inbox, method="POST", data=body, headers=headers)
    except safe_fetch.Refused as refused:
        _record(delivery, State.FAILED, str(refused))
        return False
    except safe_fetch.FetchError as error:
        return _retry_or_give_up(delivery, str(error), final_attempt)
    if 200 <= response.status < 300:
        _record(delivery, State.SENT, f"{response.status}")
        return False
    detail = f"The inbox answered {response.status}."
    if response.status in PERMANENT:
        _record(delivery, State.FAILED, detail)
        return False
    return _retry_or_give_up(delivery, detail, final_attempt)


def _retry_or_give_up(delivery, detail, final_attempt):
    if final_attempt or timezone.now() >= _give_up_at(delivery):
        _record(delivery, State.FAILED, f"Given up: {detail}")
        logger.warning(
            "Fediverse delivery %s to %s given up: %s", delivery.pk, delivery.inbox, detail
        )
        return False
    _record(delivery, State.RETRYING, detail)
    return True
