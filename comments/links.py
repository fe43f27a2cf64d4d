"""Signed links in mails: confirm or mute a follow-up subscription."""

from django.core import signing
from django.urls import reverse

from comments.models import Subscription

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
