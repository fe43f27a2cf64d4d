"""The only module that mails readers and authors. Every message is built
for exactly one recipient: one address in To, no Cc, no Bcc, and no other
reader's address anywhere in it. Sending happens in tasks, never in a request."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from comments import links
from comments.models import Comment, Subscription

logger = logging.getLogger(__name__)

AUTHOR, FOLLOWUP, CONFIRM, MODERATOR = "author", "followup", "confirm", "moderator"


def comment_saved(comment, followers_only=False):
    """Queue the mails a comment calls for, once it is committed. A held comment
    set free passes followers_only: the author already heard when it was held."""
    from comments import tasks

    comment_id = comment.pk
    transaction.on_commit(lambda: tasks.notify_about_comment.enqueue(comment_id, followers_only))


def confirm_subscription(subscription):
    from comments import tasks

    tasks.deliver.enqueue(CONFIRM, subscription.pk)


def recipients_for(comment, followers_only=False):
    """(kind, subscription id or None) for each mail this comment calls for."""
    post = comment.content_object
    wanted = []
    author = getattr(post, "author", None)
    if not followers_only and author is not None and author.email and comment.user_id != author.pk:
        wanted.append((AUTHOR, None))
    if comment.status == Comment.Status.PENDING and not followers_only:
        wanted.extend((MODERATOR, pk) for pk in _moderators(exclude=author))
    if comment.status == Comment.Status.APPROVED:
        followers = (
            Subscription.objects.filter(
                post_id=post.pk, confirmed_at__isnull=False, muted_at__isnull=True
            )
            .exclude(email__iexact=comment.user_email)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        wanted.extend((FOLLOWUP, pk) for pk in followers)
    return wanted


def _moderators(exclude=None):
    from django.contrib.auth import get_user_model

    from comments.permissions import MODERATORS

    users = get_user_model().objects.filter(groups__name=MODERATORS, is_active=True)
    users = users.exclude(email="").order_by("pk")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.values_list("pk", flat=True).distinct())


def _queue_url(comment):
    return _base_url() + reverse("wagtailsnippets_comments_comment:edit", args=[comment.pk])


def _base_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _message(to, subject, template, context, headers=None):
    body = render_to_string(template, {**context, "base_url": _base_url()})
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )


def _author_mail(comment, to=None):
    """To the post's author, or (held comments) to one moderator."""
    post = comment.content_object
    context = {
        "post": post,
        "comment": comment,
        "comment_url": post.get_full_url() + f"#comment-{comment.pk}",
        "held": comment.status == Comment.Status.PENDING,
        "queue_url": _queue_url(comment),
    }
    subject = _("New comment on “%(title)s”") % {"title": post.title}
    return _message(to or post.author.email, subject, "comments/mail/author.txt", context)


def _followup_mail(comment, subscription):
    post = comment.content_object
    mute_url = links.url(subscription, links.MUTE, _base_url())
    context = {
        "post": post,
        "comment": comment,
        "subscriber": subscription,
        "comment_url": post.get_full_url() + f"#comment-{comment.pk}",
        "mute_url": mute_url,
    }
    subject = _("New reply to “%(title)s”") % {"title": post.title}
    headers = {
        "List-Unsubscribe": f"<{mute_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return _message(subscription.email, subject, "comments/mail/followup.txt", context, headers)


def _confirm_mail(subscription):
    context = {
        "post": subscription.post,
        "subscriber": subscription,
        "confirm_url": links.url(subscription, links.CONFIRM, _base_url()),
    }
    subject = _("Please confirm: follow-up comments on “%(title)s”") % {
        "title": subscription.post.title
    }
    return _message(subscription.email, subject, "comments/mail/confirm.txt", context)


def build(kind, object_id):
    """The message for one recipient, or None if it is no longer due."""
    with translation.override(settings.LANGUAGE_CODE):
        if kind == CONFIRM:
            subscription = Subscription.objects.filter(pk=object_id[0]).first()
            if subscription is None or subscription.confirmed_at is not None:
                return None
            return _confirm_mail(subscription)
        comment = Comment.objects.filter(pk=object_id[0]).first()
        if comment is None:
            return None
        if kind == AUTHOR:
            return _author_mail(comment)
        if kind == MODERATOR:
            from django.contrib.auth import get_user_model

            moderator = get_user_model().objects.filter(pk=object_id[1]).first()
            if moderator is None or comment.status != Comment.Status.PENDING:
                return None
            return _author_mail(comment, to=moderator.email)
        subscription = Subscription.objects.filter(pk=object_id[1]).first()
        if subscription is None or not subscription.is_active:
            return None
        return _followup_mail(comment, subscription)
