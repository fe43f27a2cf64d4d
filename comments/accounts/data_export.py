"""Everything the blog keeps about one reader, as JSON they can download:
their profile, addresses, linked accounts, comments and subscriptions.
Only their own: nothing of another person travels with it."""

import operator
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from comments.accounts.erasure import user_emails
from comments.models import Comment, Subscription
from comments.moderation.purge import forget_after


def _when(value):
    return value.isoformat() if value else None


def _profile(user):
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def _addresses(user):
    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in user.emailaddress_set.order_by("email")
    ]


def _social_accounts(user):
    """What the provider told us at login; tokens are never stored."""
    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": _when(account.date_joined),
            "last_login": _when(account.last_login),
            "data": account.extra_data,
        }
        for account in user.socialaccount_set.order_by("provider", "uid")
    ]


def _comment(comment):
    post = comment.content_object
    return {
        "id": comment.pk,
        "post": post.title if post else None,
        "post_url": post.full_url if post else None,
        "in_reply_to": comment.parent_id if comment.parent_id != comment.pk else None,
        "submitted": _when(comment.submit_date),
        "edited": _when(comment.edited_at),
        "status": comment.status,
        "name": comment.user_name,
        "email": comment.user_email,
        "website": comment.user_url,
        "text": comment.comment,
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "referrer": comment.referrer,
        # Until when the three above are kept (None: already deleted).
        "network_data_kept_until": _when(forget_after(comment))
        if comment.ip_address or comment.user_agent or comment.referrer
        else None,
    }


def _subscriptions(user):
    emails = user_emails(user)
    if not emails:
        return []
    mine = Subscription.objects.filter(
        reduce(operator.or_, (Q(email__iexact=email) for email in emails))
    ).select_related("post")
    return [
        {
            "post": s.post.title,
            "email": s.email,
            "created": _when(s.created_at),
            "confirmed": _when(s.confirmed_at),
            "muted": _when(s.muted_at),
        }
        for s in mine
    ]


def export(user):
    comments = Comment.objects.filter(user=user).order_by("submit_date", "pk")
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": _profile(user),
        "email_addresses": _addresses(user),
        "social_accounts": _social_accounts(user),
        "comments": [_comment(c) for c in comments.prefetch_related("content_object")],
        "subscriptions": _subscriptions(user),
    }
