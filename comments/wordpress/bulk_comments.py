"""New comment threads of an import, stored in bulk: a few multi-row INSERTs
per batch instead of some twenty queries per comment.

A comment here is three rows (django_comments' base comment, its xtd child
with the thread data, this app's child with kind, status and rendered body).
The base rows are inserted first, which gives the ids; the thread data that
XtdComment.save would compute one comment at a time (thread, level, the order
within the thread, the number of replies below) is computed in memory from
the plan, in the same shape: depth first, replies in date order. The body is
rendered as Comment.save renders it, @-mentions resolved against the post's
earlier approved comments. Signals are not sent, so the post's cache version
is bumped here, once.
"""

from collections import defaultdict

from django.db import connection
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from comments.caching import versions
from comments.mentions import Candidate
from comments.models import Comment
from comments.rendering import render_body
from comments.wordpress.models import ImportedObject

BATCH = 500


def insert(job, entries):
    """Store `entries` (the plan's new threads, parents before replies)."""
    comments = [job.fill(Comment(**job.base), entry.record) for entry in entries]
    for comment in comments:
        comment.strip_controls()
        comment._sync_flags()
    _insert_base_rows(comments)
    by_wp = {entry.record.wp_id: comment for entry, comment in zip(entries, comments, strict=True)}
    _thread(entries, by_wp)
    _render(job, comments)
    for model in (XtdComment, Comment):
        fields = model._meta.local_concrete_fields
        for start in range(0, len(comments), BATCH):
            model._base_manager._insert(
                comments[start : start + BATCH], fields=fields, using=connection.alias
            )
    ImportedObject.objects.bulk_create(
        [
            ImportedObject(
                source=job.importer.source,
                kind=ImportedObject.Kind.COMMENT,
                wp_id=entry.record.wp_id,
                object_id=comment.pk,
            )
            for entry, comment in zip(entries, comments, strict=True)
        ],
        batch_size=BATCH,
    )
    for comment in comments:
        job.counted(comment, created=True)
    versions.bump(job.page.pk)


def _insert_base_rows(comments):
    names = [field.attname for field in BaseComment._meta.concrete_fields if not field.primary_key]
    rows = [BaseComment(**{name: getattr(c, name) for name in names}) for c in comments]
    BaseComment.objects.bulk_create(rows, batch_size=BATCH)
    for comment, row in zip(comments, rows, strict=True):
        comment.id = comment.comment_ptr_id = comment.xtdcomment_ptr_id = row.pk


def _thread(entries, by_wp):
    """What XtdComment.save computes, for whole threads at once."""
    children = defaultdict(list)
    roots = []
    for entry in entries:
        comment = by_wp[entry.record.wp_id]
        comment.level = entry.level
        if entry.parent is None:
            roots.append(comment)
        else:
            children[entry.parent].append(entry.record.wp_id)
    wp_of = {id(comment): wp_id for wp_id, comment in by_wp.items()}
    for root in roots:
        root.thread_id = root.parent_id = root.pk
        order = 0
        stack = [(root, None)]
        while stack:
            comment, parent = stack.pop()
            order += 1
            comment.thread_id, comment.order = root.pk, order
            if parent is not None:
                comment.parent_id = parent.pk
            replies = [by_wp[wp_id] for wp_id in children[wp_of[id(comment)]]]
            stack.extend((reply, comment) for reply in reversed(replies))
        _count_replies(root, children, by_wp, wp_of)


def _count_replies(root, children, by_wp, wp_of):
    """nested_count: how many comments stand below each one."""

    def below(comment):
        replies = [by_wp[wp_id] for wp_id in children[wp_of[id(comment)]]]
        comment.nested_count = sum(1 + below(reply) for reply in replies)
        return comment.nested_count

    below(root)


def _render(job, comments):
    """Comment.render_body for each, with the candidates its save would find:
    approved comments of the post before it, its parent first."""
    earlier = list(
        Comment.objects.filter(
            content_type=job.base["content_type"],
            object_pk=job.base["object_pk"],
            status=Comment.Status.APPROVED,
            kind=Comment.Kind.COMMENT,
        ).values_list("submit_date", "pk", "user_name")
    )
    earlier += [
        (c.submit_date, c.pk, c.user_name)
        for c in comments
        if c.status == Comment.Status.APPROVED and c.kind == Comment.Kind.COMMENT
    ]
    earlier.sort(reverse=True)
    for comment in comments:
        candidates = []
        if "@" in comment.comment:  # only a mention needs them
            candidates = [
                Candidate(comment_id=pk, name=name)
                for date, pk, name in earlier
                if date < comment.submit_date and pk != comment.pk
            ]
            parent = next((c for c in candidates if c.comment_id == comment.parent_id), None)
            if parent is not None and comment.parent_id != comment.pk:
                candidates.remove(parent)
                candidates.insert(0, parent)
        comment.body_html = render_body(comment.comment, candidates)
