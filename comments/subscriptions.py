"""Follow-up subscriptions with double opt-in, and the signed links in mails
that confirm or mute one."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from comments.models import Subscription


def _trusted_address(comment):
    """A logged-in user's address is already theirs; a guest's is not yet."""
    user = comment.user
    return user is not None and user.email.lower() == comment.user_email.lower()


def subscribe(post, comment):
    """A guest's subscription waits for their click (see notifications.subscription_saved)."""
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
    return subscription


def confirm(subscription):
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.muted_at = None
    subscription.save(update_fields=["confirmed_at", "muted_at"])


def mute(subscription):
    subscription.muted_at = timezone.now()
    subscription.save(update_fields=["muted_at"])


_SALT = "kommentar.subscription"
CONFIRM, MUTE = "confirm", "mute"


def token(subscription, action):
    return signing.dumps({"s": subscription.pk, "a": action}, salt=_SALT, compress=True)


def from_token(value, action):
    """The subscription a link names, or None when the link is forged or for another action."""
    try:
        data = signing.loads(value, salt=_SALT)
    except signing.BadSignature:
        return None
    if data.get("a") != action:
        return None
    return Subscription.objects.filter(pk=data.get("s")).select_related("post").first()


def url(subscription, action, base_url):
    name = "comments:confirm" if action == CONFIRM else "comments:mute"
    return base_url.rstrip("/") + reverse(name, args=[token(subscription, action)])
