"""One post's WordPress comments, imported with their threads.

Comments are taken in date order; a reply waits for its parent (the parent's
id resolved in this second pass), an orphan (its parent is not in the file)
becomes a top-level comment, and a reply deeper than COMMENTS_THREAD_DEPTH
hangs under its deepest allowed ancestor; both are reported. The text goes
through the renderer every new comment goes through (comments/comment_html.py).
"""

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags

from comments.comment_html import to_comment_text
from comments.models import Comment
from comments.wordpress import bulk_comments
from comments.wordpress.dates import aware
from comments.wordpress.models import ImportedObject
from comments.wordpress.records import Comment as WpComment

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


@dataclass
class Entry:
    """One comment as it will be stored: whom it answers here (a WordPress
    id, None for a top-level comment) and at which depth."""

    record: WpComment
    parent: int | None
    level: int


class CommentImport:
    def __init__(self, importer, item, page):
        self.importer = importer
        self.report = importer.report
        self.item = item
        self.page = page
        self.label = f"post {item.wp_id}"
        self.made = {}  # WordPress id → Comment (the slow path)
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
        """New threads go in in bulk; a thread with a comment imported before
        is updated comment by comment (xtd keeps its order)."""
        plan = self._plan()
        roots = {}
        for entry in plan:
            parent = entry.parent
            roots[entry.record.wp_id] = roots[parent] if parent is not None else entry.record.wp_id
        known_roots = {roots[wp_id] for wp_id in self.known if wp_id in roots}
        fresh = [entry for entry in plan if roots[entry.record.wp_id] not in known_roots]
        for entry in plan:
            if roots[entry.record.wp_id] in known_roots:
                self._import(entry)
        if fresh:
            bulk_comments.insert(self, fresh)

    # The plan: who answers whom, in the order comments are stored ------------------

    def _plan(self):
        in_file = {record.wp_id for record in self.item.comments}
        waiting = {}  # WordPress parent id → [records]
        plan, levels = [], {}

        def add(record, parent):
            entry = self._entry(record, parent, levels)
            levels[record.wp_id] = (entry.level, entry.parent)
            plan.append(entry)
            for reply in waiting.pop(record.wp_id, []):
                add(reply, record.wp_id)

        for record in sorted(self.item.comments, key=self._when):
            parent = record.parent or None
            if parent == record.wp_id:
                parent = None
            if parent is not None and parent not in in_file:
                self.report.note(
                    f"{self.label}, comment {record.wp_id}: parent {parent} is not in the "
                    "file, imported as a top-level comment"
                )
                parent = None
            if parent is not None and parent not in levels:
                waiting.setdefault(parent, []).append(record)
                continue
            add(record, parent)
        for records in waiting.values():  # a loop of parents: none is ever reached
            for record in records:
                self.report.note(
                    f"{self.label}, comment {record.wp_id}: its parent never came, "
                    "imported as a top-level comment"
                )
                add(record, None)
        return plan

    def _entry(self, record, parent, levels):
        if parent is None:
            return Entry(record, None, 0)
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        level, above = levels[parent]
        if level < max_level:
            return Entry(record, parent, level + 1)
        while level >= max_level and above is not None:
            parent = above
            level, above = levels[parent]
        self.report.note(
            f"{self.label}, comment {record.wp_id}: deeper than {max_level + 1} levels, "
            f"now a reply to comment {parent}"
        )
        return Entry(record, parent, level + 1)

    def _when(self, record):
        return (aware(record.date_gmt, record.date) or _EPOCH, record.wp_id)

    # Both paths ---------------------------------------------------------------------------

    def fill(self, comment, record):
        """Everything a comment takes from its WordPress record."""
        status = STATUSES.get(record.approved)
        if status is None:
            status = Comment.Status.PENDING
            self.report.note(
                f"{self.label}, comment {record.wp_id}: status {record.approved!r} unknown, held"
            )
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
        return comment

    def counted(self, comment, created):
        self.report.count("comment", f"{comment.kind}/{comment.status}", created=created)

    # The slow path: one comment at a time ------------------------------------------------

    def _import(self, entry):
        record = entry.record
        pk = self.known.get(record.wp_id)
        comment = Comment.objects.filter(pk=pk).first() if pk else None
        created = comment is None
        if created:
            comment = Comment(**self.base)
            parent = self.made.get(entry.parent) if entry.parent is not None else None
            comment.parent_id = parent.pk if parent else 0
        self.fill(comment, record)
        comment.save()
        if created:
            ImportedObject.objects.update_or_create(
                source=self.importer.source,
                kind=ImportedObject.Kind.COMMENT,
                wp_id=record.wp_id,
                defaults={"object_id": comment.pk},
            )
        self.made[record.wp_id] = comment
        self.counted(comment, created)

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
