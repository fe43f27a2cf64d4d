"""The only module that mails readers and authors. Every message is built
for exactly one recipient: one address in To, no Cc, no Bcc, and no other
reader's address anywhere in it. Templates get mail views, never a model.

Nothing here sends: a service announces that mails are due (the signals
below), and the tasks, the top layer, queue them and later ask `build` for
each message. So no request ever waits on SMTP, and no service imports tasks."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from comments import subscriptions
from comments.models import Comment, Subscription
from comments.moderation import reasons
from comments.moderation.permissions import MODERATORS

logger = logging.getLogger(__name__)

AUTHOR, FOLLOWUP, CONFIRM, MODERATOR = "author", "followup", "confirm", "moderator"

#: A comment's mails are due (sent after commit): comment_id, followers_only.
comment_mails_due = Signal()
#: One mail to one recipient is due: kind, object_id (and subscription_id).
mail_due = Signal()
#: One of allauth's account mails is due: subject, body, to, html.
account_mail_due = Signal()


@dataclass(frozen=True)
class MailPost:
    title: str
    url: str


@dataclass(frozen=True)
class MailComment:
    """What a mail may say of a comment: never an address or an IP."""

    name: str
    text: str
    reason: str
    url: str


def comment_saved(comment, followers_only=False):
    """Announce the mails a comment calls for, once it is committed. A held
    comment set free passes followers_only: the author heard when it was held."""
    comment_id = comment.pk
    transaction.on_commit(
        lambda: comment_mails_due.send(
            Comment, comment_id=comment_id, followers_only=followers_only
        )
    )


def subscription_saved(subscription):
    """A guest's new subscription needs their click first (double opt-in)."""
    if subscription.confirmed_at is not None:
        return
    subscription_id = subscription.pk
    transaction.on_commit(
        lambda: mail_due.send(Subscription, kind=CONFIRM, object_id=subscription_id)
    )


def account_mail(subject, body, to, html=None):
    """allauth's mails (address confirmation, password reset) leave the request too."""
    account_mail_due.send(None, subject=subject, body=body, to=to, html=html)


def recipients_for(comment, followers_only=False):
    """(kind, subscription or moderator id, or None) for each mail this comment calls for."""
    post = comment.content_object
    wanted = []
    author = getattr(post, "author", None)
    if not followers_only and author is not None and author.email and comment.user_id != author.pk:
        wanted.append((AUTHOR, None))
    if comment.status == Comment.Status.PENDING and not followers_only:
        wanted.extend((MODERATOR, pk) for pk in _moderators(exclude=author))
    if comment.status == Comment.Status.APPROVED:
        followers = (
            Subscription.objects.active()
            .filter(post_id=post.pk)
            .exclude(email__iexact=comment.user_email)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        wanted.extend((FOLLOWUP, pk) for pk in followers)
    return wanted


def _moderators(exclude=None):
    users = get_user_model().objects.filter(groups__name=MODERATORS, is_active=True)
    users = users.exclude(email="").order_by("pk")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.values_list("pk", flat=True).distinct())


def _base_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _queue_url(comment):
    return _base_url() + reverse("wagtailsnippets_comments_comment:edit", args=[comment.pk])


def _views(comment):
    post = comment.content_object
    url = post.get_full_url() + f"#comment-{comment.pk}"
    return (
        MailPost(title=post.title, url=post.get_full_url()),
        MailComment(
            name=comment.user_name,
            text=comment.comment,
            reason=reasons.describe(comment.status_reason),
            url=url,
        ),
    )


def _message(to, subject, template, context, headers=None):
    body = render_to_string(template, {**context, "base_url": _base_url()})
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )


def _author_mail(comment, to, to_author=True):
    """To the post's author, or (held comments) to one moderator, who is told
    of a comment on a post, not on "your post"."""
    post, view = _views(comment)
    context = {
        "to_author": to_author,
        "post": post,
        "comment": view,
        "held": comment.status == Comment.Status.PENDING,
        "queue_url": _queue_url(comment),
    }
    subject = _("New comment on “%(title)s”") % {"title": post.title}
    return _message(to, subject, "comments/mail/author.txt", context)


def _followup_mail(comment, subscription):
    post, view = _views(comment)
    mute_url = subscriptions.url(subscription, subscriptions.MUTE, _base_url())
    context = {
        "post": post,
        "comment": view,
        "subscriber_name": subscription.name,
        "mute_url": mute_url,
    }
    subject = _("New reply to “%(title)s”") % {"title": post.title}
    headers = {
        "List-Unsubscribe": f"<{mute_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return _message(subscription.email, subject, "comments/mail/followup.txt", context, headers)


def _confirm_mail(subscription):
    post = subscription.post
    context = {
        "post": MailPost(title=post.title, url=post.get_full_url()),
        "subscriber_name": subscription.name,
        "confirm_url": subscriptions.url(subscription, subscriptions.CONFIRM, _base_url()),
    }
    subject = _("Please confirm: follow-up comments on “%(title)s”") % {"title": post.title}
    return _message(subscription.email, subject, "comments/mail/confirm.txt", context)


def _comment_mail(kind, comment, recipient_id):
    if kind == AUTHOR:
        return _author_mail(comment, comment.content_object.author.email)
    if kind == MODERATOR:
        moderator = get_user_model().objects.filter(pk=recipient_id).first()
        if moderator is None or comment.status != Comment.Status.PENDING:
            return None
        return _author_mail(comment, moderator.email, to_author=False)
    subscription = Subscription.objects.filter(pk=recipient_id).first()
    if subscription is None or not subscription.is_active:
        return None
    return _followup_mail(comment, subscription)


def build(kind, object_id, recipient_id=None):
    """The message for one recipient, or None if it is no longer due."""
    with translation.override(settings.LANGUAGE_CODE):
        if kind == CONFIRM:
            subscription = Subscription.objects.filter(pk=object_id).first()
            if subscription is None or subscription.confirmed_at is not None:
                return None
            return _confirm_mail(subscription)
        comment = Comment.objects.filter(pk=object_id).first()
        return None if comment is None else _comment_mail(kind, comment, recipient_id)


def account_message(subject, body, to, html=None):
    """One of allauth's mails, to its one address."""
    message = EmailMultiAlternatives(subject, body, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    return message
