"""Turning a valid comment into a stored one, and a changed one into its new
state: judged by the pipeline, stored, then the mails queued after commit.
Comments from the form, replies from the admin and linkbacks all pass here."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments import notifications, subscriptions
from comments.models import MAX_ID, Comment, post_model
from comments.moderation import pipeline, reasons, status
from comments.readers import client_ip, remember


def commentable_post(data):
    """The post a form names: only a live, public post can be commented on."""
    try:
        pk = int(data.get("object_pk", ""))
    except ValueError:
        return None
    if not 0 < pk <= MAX_ID:  # beyond a 64-bit column: no such post, not a 500
        return None
    return post_model().objects.published().filter(pk=pk).first()


def parent_for(comment, post):
    """A reply attaches to a visible comment of the same post; past the depth
    limit it becomes a sibling, as WordPress does."""
    if not comment.parent_id:
        return 0
    parent = Comment.objects.for_post(post).approved().filter(pk=comment.parent_id).first()
    if parent is None:
        return 0
    if parent.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
        return parent.parent_id
    return parent.pk


def store(comment, after_save=None, **context):
    """Judge a new comment of any kind and save it; raises pipeline.Refused.
    Spam is stored for the moderators but announced to nobody.

    The judge may wait seconds for Akismet, so it runs before any transaction:
    a database lock held that long would stall every other writer. The save is
    one short transaction under the comment write lock, in which the rules
    about other comments (flood, duplicates) are checked once more."""
    pipeline.apply(comment, **context)
    with transaction.atomic():
        Comment.objects.lock_for_writing()
        pipeline.recheck(comment, **context)
        comment.save()
        if comment.status != Comment.Status.SPAM:
            notifications.comment_saved(comment)
            if after_save is not None:
                after_save(comment)
    return comment


def revise(comment):
    """A comment whose text changed (its writer edited it, or its linkback's
    source changed) is judged again, outside any transaction; if it was public
    and no longer is, the moderators hear of it."""
    was_approved = comment.is_approved
    pipeline.apply(comment, is_edit=True)
    comment.edited_at = timezone.now()
    comment.body_html = ""
    with transaction.atomic():
        comment.save()
        if was_approved and not comment.is_approved:
            notifications.comment_saved(comment)
    return comment


def submit(form, request, post):
    comment = form.get_comment_object(site_id=settings.SITE_ID)
    comment.ip_address = client_ip(request)
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    comment.referrer = request.META.get("HTTP_REFERER", "")[:500]
    comment.parent_id = parent_for(comment, post)

    def follow_up(saved):
        if form.cleaned_data.get("followup") and saved.user_email:
            notifications.subscription_saved(subscriptions.subscribe(post, saved))

    store(comment, after_save=follow_up, honeypot=form.data.get("honeypot", ""))
    if comment.status != Comment.Status.SPAM:
        remember(request, comment)
    return comment


def edit(comment, text):
    comment.comment = text
    return revise(comment)


def _hidden_ancestor(comment):
    """The id of the nearest comment above this one that readers do not see, or None.
    The page shows a reply only under visible comments, so a reply below a
    hidden one must not be public anywhere else (feeds) either."""
    seen = set()
    ancestor_id = comment.parent_id
    while ancestor_id and ancestor_id not in seen:
        seen.add(ancestor_id)
        found = Comment.objects.filter(pk=ancestor_id).values_list("status", "parent_id").first()
        if found is None:
            return None
        status_now, parent_id = found
        if status_now != Comment.Status.APPROVED:
            return ancestor_id
        if parent_id == ancestor_id:
            return None
        ancestor_id = parent_id
    return None


@transaction.atomic
def reply_as(user, parent, text, approve_parent=False):
    """A reply written in the admin by a logged-in moderator or author.
    approve_parent approves a pending parent first (both or neither, should the
    reply be refused). A reply under a comment that readers do not see is
    held with it, whatever the pipeline said, so that it is never public alone."""
    if approve_parent and parent.status == Comment.Status.PENDING:
        status.set_status(
            parent, Comment.Status.APPROVED, user, reasons.by(reasons.APPROVED_BY, user)
        )
    comment = Comment(
        content_type_id=parent.content_type_id,
        object_pk=parent.object_pk,
        site_id=parent.site_id,
        user=user,
        user_name=(user.get_full_name() or user.get_username())[:50],
        user_email=user.email,
        comment=text,
        submit_date=timezone.now(),
        parent_id=parent.pk
        if parent.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        else parent.parent_id,
    )
    pipeline.apply(comment)
    hidden = _hidden_ancestor(comment)
    if hidden is not None and comment.status == Comment.Status.APPROVED:
        comment.status = Comment.Status.PENDING
        comment.status_reason = reasons.stored(reasons.HELD_WITH_PARENT, parent=hidden)
    comment.save()
    if comment.status != Comment.Status.SPAM:
        notifications.comment_saved(comment)
    return comment
