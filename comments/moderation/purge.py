"""Spam and trash do not pile up: after COMMENTS_PURGE_SPAM_DAYS they are
deleted. A comment's network data (IP address, user agent, referrer) serves
spam filtering and abuse reports only: after COMMENTS_IP_RETENTION_DAYS it is
deleted too."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
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


def forget_after(comment):
    """When a comment's network data is deleted."""
    return comment.submit_date + timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)


def forget_addresses(days=None):
    """Delete the IP address, user agent and referrer of older comments."""
    days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    kept = Q(ip_address__isnull=False) | ~Q(user_agent="") | ~Q(referrer="")
    return (
        Comment.objects.filter(submit_date__lt=cutoff)
        .filter(kept)
        .update(ip_address=None, user_agent="", referrer="")
    )
