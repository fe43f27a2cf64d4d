"""What the blog keeps of other people's posts: public posts of accounts an
author follows, and answers to the notes authors sent. Sanitized on arrival,
shown only in the admin; never part of the blog's own pages."""

import nh3
from django.utils import timezone

from comments.federation import ids
from comments.federation.models import Following, InboxItem, LocalNote
from comments.federation.remote import text, url_in

KEPT_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
}
TYPES = {"Note", "Article", "Page"}


def _answers_our_note(obj):
    path = ids.local_path(obj.get("inReplyTo") if isinstance(obj.get("inReplyTo"), str) else "")
    return bool(path) and path.startswith("/ap/notes/")


def wanted(actor, obj) -> bool:
    """A post of a followed account, or an answer to one of our notes."""
    if obj.get("type") not in TYPES:
        return False
    followed = Following.objects.filter(remote=actor, accepted_at__isnull=False).exists()
    return followed or _answers_our_note(obj)


def keep(actor, obj):
    content = obj.get("content") if isinstance(obj.get("content"), str) else ""
    item, _created = InboxItem.objects.update_or_create(
        object_id=obj["id"],
        defaults={
            "actor": actor,
            "object_type": obj["type"],
            "in_reply_to": url_in(obj.get("inReplyTo")),
            "name": text(obj.get("name"), 200),
            "html": nh3.clean(content[:100_000], tags=KEPT_TAGS, attributes={"a": {"href"}}),
            "url": url_in(obj.get("url")),
        },
    )
    return item


def forget(actor, object_id):
    deleted, _ = InboxItem.objects.filter(actor=actor, object_id=object_id).delete()
    return bool(deleted)


def accepted(actor, follow_id):
    """Our Follow was accepted by the account it asked."""
    return bool(
        Following.objects.filter(
            remote=actor, follow_id=follow_id, accepted_at__isnull=True
        ).update(accepted_at=timezone.now())
    )


def live_note(pk):
    return LocalNote.objects.filter(pk=pk).select_related("actor", "recipient").first()
