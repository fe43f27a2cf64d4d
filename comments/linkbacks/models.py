"""What the blog remembers of linkbacks beyond the comments they become:
each outgoing ping and its outcome, and each incoming Webmention's progress."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class Protocol(models.TextChoices):
    WEBMENTION = "webmention", _("Webmention")
    PINGBACK = "pingback", _("Pingback")
    TRACKBACK = "trackback", _("Trackback")


class OutgoingPing(models.Model):
    """One external link (or trackback address) of one post, and what became of telling it."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        NO_ENDPOINT = "no-endpoint", _("No endpoint")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    post = models.ForeignKey(
        "blog.BlogPage", on_delete=models.CASCADE, related_name="outgoing_pings"
    )
    target = models.URLField(_("target"), max_length=2000)
    is_trackback = models.BooleanField(_("trackback address"), default=False)
    protocol = models.CharField(_("protocol"), max_length=12, choices=Protocol.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.QUEUED
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # False once the link is gone from the post: if it comes back, it is pinged again.
    in_post = models.BooleanField(_("still in the post"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing ping")
        verbose_name_plural = _("outgoing pings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "target", "is_trackback"], name="one_ping_per_post_and_target"
            )
        ]

    def __str__(self):
        return f"{self.post_id} → {self.target}: {self.outcome}"


def _token():
    return secrets.token_urlsafe(16)


class IncomingWebmention(models.Model):
    """A Webmention accepted for checking; its status URL shows how it went."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued for verification")
        ACCEPTED = "accepted", _("Verified")
        REJECTED = "rejected", _("Rejected")
        REMOVED = "removed", _("Removed")

    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    source = models.URLField(_("source"), max_length=2000)
    target = models.URLField(_("target"), max_length=2000)
    post = models.ForeignKey(
        "blog.BlogPage", on_delete=models.CASCADE, related_name="incoming_webmentions"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incoming Webmention")
        verbose_name_plural = _("incoming Webmentions")

    def __str__(self):
        return f"{self.source} → {self.target}: {self.state}"
