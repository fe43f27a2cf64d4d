"""Turning a valid comment form into a stored comment, and editing it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments import notifications, subscriptions
from comments.models import Comment, post_model
from comments.moderation.pipeline import REFUSE, Feedback, judge
from comments.readers import client_ip, remember


def commentable_post(data):
    """The post a form names: only a live, public post can be commented on."""
    try:
        pk = int(data.get("object_pk", ""))
    except ValueError:
        return None
    return post_model().objects.published().filter(pk=pk).first()


class Refused(Exception):
    """The pipeline refused the comment: nothing was stored; the reason says why."""


def _parent(comment, post):
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


def _verdict(comment, **kwargs):
    verdict = judge(Feedback.from_comment(comment, **kwargs))
    if verdict.outcome == REFUSE:
        raise Refused(verdict.reason)
    comment.status, comment.status_reason = verdict.status, verdict.reason[:200]
    return verdict


@transaction.atomic
def submit(form, request, post):
    comment = form.get_comment_object(site_id=settings.SITE_ID)
    comment.ip_address = client_ip(request)
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    comment.referrer = request.META.get("HTTP_REFERER", "")[:500]
    comment.parent_id = _parent(comment, post)
    _verdict(comment, honeypot=form.data.get("honeypot", ""))
    comment.save()
    if comment.status == Comment.Status.SPAM:
        return comment
    remember(request, comment)
    if form.cleaned_data.get("followup") and comment.user_email:
        notifications.subscription_saved(subscriptions.subscribe(post, comment))
    notifications.comment_saved(comment)
    return comment


@transaction.atomic
def edit(comment, text):
    was_approved = comment.is_approved
    comment.comment = text
    _verdict(comment, is_edit=True)
    comment.edited_at = timezone.now()
    comment.body_html = ""
    comment.save()
    if was_approved and not comment.is_approved:
        notifications.comment_saved(comment)
    return comment


@transaction.atomic
def reply_as(user, parent, text):
    """A reply written in the admin by a logged-in moderator or author."""
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
    _verdict(comment)
    comment.save()
    notifications.comment_saved(comment)
    return comment
