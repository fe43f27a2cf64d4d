"""One post's WordPress comments, imported with their threads.

Comments are taken in date order; a reply waits for its parent (the parent's
id resolved in this second pass), an orphan (its parent is not in the file)
becomes a top-level comment, and a reply deeper than COMMENTS_THREAD_DEPTH
hangs under its deepest allowed ancestor; both are reported. The text goes
through the renderer every new comment goes through (comment_text.py).
"""

import ipaddress
from datetime import UTC, datetime
from html import unescape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags

from comments.models import Comment
from comments.wordpress.comment_text import to_comment_text
from comments.wordpress.dates import aware
from comments.wordpress.models import ImportedObject

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
LINKBACKS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}
PLAIN = {"", "comment"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAME_LENGTH = 50
URL_LENGTH = 200
EMAIL_LENGTH = 254
REASON = "imported from WordPress"


class CommentImport:
    def __init__(self, importer, item, page):
        self.importer = importer
        self.report = importer.report
        self.item = item
        self.page = page
        self.label = f"post {item.wp_id}"
        self.made = {}  # WordPress id → Comment
        self.waiting = {}  # WordPress parent id → [records]
        self.known = self._known()
        self.base = {
            "content_type": ContentType.objects.get_for_model(page),
            "object_pk": str(page.pk),
            "site_id": settings.SITE_ID,
        }

    def _known(self):
        """This post's comments already imported by an earlier run: WordPress id → pk."""
        wp_ids = [record.wp_id for record in self.item.comments]
        entries = ImportedObject.objects.filter(
            source=self.importer.source, kind=ImportedObject.Kind.COMMENT, wp_id__in=wp_ids
        ).values_list("wp_id", "object_id")
        return dict(entries)

    def run(self):
        in_file = {record.wp_id for record in self.item.comments}
        ordered = sorted(self.item.comments, key=self._when)
        for record in ordered:
            parent = record.parent
            if parent and parent in in_file and parent not in self.made and parent != record.wp_id:
                self.waiting.setdefault(parent, []).append(record)
                continue
            self._import_with_replies(record, orphan=bool(parent) and parent not in in_file)
        for records in self.waiting.values():  # a loop of parents: none is reached
            for record in records:
                self.report.note(
                    f"{self.label}, comment {record.wp_id}: its parent never came, "
                    "imported as a top-level comment"
                )
                self._import(record, orphan=True)

    def _when(self, record):
        return (aware(record.date_gmt, record.date) or _EPOCH, record.wp_id)

    def _import_with_replies(self, record, orphan):
        queue = [(record, orphan)]
        while queue:
            current, is_orphan = queue.pop(0)
            self._import(current, is_orphan)
            queue += [(reply, False) for reply in self.waiting.pop(current.wp_id, [])]

    def _import(self, record, orphan):
        if orphan:
            self.report.note(
                f"{self.label}, comment {record.wp_id}: parent {record.parent} is not in the "
                "file, imported as a top-level comment"
            )
        parent = self._parent(record) if record.parent and not orphan else None
        status = STATUSES.get(record.approved)
        if status is None:
            status = Comment.Status.PENDING
            self.report.note(
                f"{self.label}, comment {record.wp_id}: status {record.approved!r} unknown, held"
            )
        comment, created = self._comment(record)
        comment.kind = self._kind(record)
        comment.status = status
        comment.status_reason = REASON
        comment.user = self.importer.user_ids.get(record.user_id) if record.user_id else None
        comment.user_name = _line(record.author)[:NAME_LENGTH]
        comment.user_email = _line(record.author_email)[:EMAIL_LENGTH]
        comment.user_url = _line(record.author_url)[:URL_LENGTH]
        comment.submit_date = aware(record.date_gmt, record.date) or _EPOCH
        comment.ip_address = _ip(record.author_ip) if self.importer.options.keep_ip else None
        comment.comment = self._text(record, comment.kind)
        if created:
            comment.parent_id = parent.pk if parent else 0
        comment.save()
        if created:
            ImportedObject.objects.update_or_create(
                source=self.importer.source,
                kind=ImportedObject.Kind.COMMENT,
                wp_id=record.wp_id,
                defaults={"object_id": comment.pk},
            )
        self.made[record.wp_id] = comment
        self.report.count("comment", f"{comment.kind}/{status}", created=created)

    def _comment(self, record):
        pk = self.known.get(record.wp_id)
        existing = Comment.objects.filter(pk=pk).first() if pk else None
        if existing is not None:
            return existing, False
        return Comment(**self.base), True

    def _parent(self, record):
        """The comment to answer: the parent, or its deepest ancestor allowed."""
        parent = self.made.get(record.parent)
        if parent is None:
            return None
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        if parent.level < max_level:
            return parent
        while parent.level >= max_level and parent.parent_id != parent.pk:
            parent = Comment.objects.get(pk=parent.parent_id)
        self.report.note(
            f"{self.label}, comment {record.wp_id}: deeper than {max_level + 1} levels, "
            f"now a reply to comment {parent.pk}"
        )
        return parent

    def _kind(self, record):
        kind = record.type or ""
        if kind in LINKBACKS:
            return LINKBACKS[kind]
        if kind == "webmention":
            return Comment.Kind.WEBMENTION
        if kind not in PLAIN:
            self.report.note(
                f"{self.label}, comment {record.wp_id}: type {kind!r} imported as a comment"
            )
        return Comment.Kind.COMMENT

    def _text(self, record, kind):
        if kind == Comment.Kind.COMMENT:
            return to_comment_text(record.content)
        # A linkback's text is the excerpt WordPress kept ("[…] words […]").
        return unescape(strip_tags(record.content or "")).strip()


def _line(text):
    return " ".join(unescape(text or "").split())


def _ip(text):
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None
