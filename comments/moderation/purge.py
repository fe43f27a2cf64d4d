"""Spam and trash do not pile up: after COMMENTS_PURGE_SPAM_DAYS they are deleted."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comments.models import Comment


def purge(days=None):
    days = settings.COMMENTS_PURGE_SPAM_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.TRASH], submit_date__lt=cutoff
    )
    count = old.count()
    for comment in old.iterator():
        comment.delete()
    return count
