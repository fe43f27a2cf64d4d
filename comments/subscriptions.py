"""Follow-up subscriptions with double opt-in."""

from django.db import transaction
from django.utils import timezone

from comments import notifications
from comments.models import Subscription


def _trusted_address(comment):
    """A logged-in user's address is already theirs; a guest's is not yet."""
    user = comment.user
    return user is not None and user.email.lower() == comment.user_email.lower()


def subscribe(post, comment, request=None):
    subscription, _ = Subscription.objects.get_or_create(
        post=post,
        email=comment.user_email.lower(),
        defaults={"name": comment.user_name},
    )
    if subscription.is_active:
        return subscription
    if subscription.muted_at is not None:
        subscription.muted_at = None
    if _trusted_address(comment):
        subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        subscription.save()
    else:
        subscription.save()
        if subscription.confirmed_at is None:
            transaction.on_commit(lambda: notifications.confirm_subscription(subscription))
    return subscription


def confirm(subscription):
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.muted_at = None
    subscription.save(update_fields=["confirmed_at", "muted_at"])


def mute(subscription):
    subscription.muted_at = timezone.now()
    subscription.save(update_fields=["muted_at"])
