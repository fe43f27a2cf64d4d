"""Follow-up subscriptions: who wants to hear of new comments on a post."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and not muted: these hear of new comments."""
        return self.filter(confirmed_at__isnull=False, muted_at__isnull=True)


class Subscription(models.Model):
    """A reader's wish to hear of new comments on one post. Guests confirm it
    by mail first (double opt-in), so nobody can subscribe someone else."""

    post = models.ForeignKey(
        "blog.BlogPage", on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    muted_at = models.DateTimeField(_("muted"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up subscription")
        verbose_name_plural = _("follow-up subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["post", "email"], name="one_subscription_per_post")
        ]

    def __str__(self):
        return f"{self.name} → {self.post_id}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.muted_at is None
