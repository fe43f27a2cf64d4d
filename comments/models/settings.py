"""The moderation rules an administrator tunes in the Wagtail admin."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def _default_max_links():
    return settings.COMMENTS_MAX_LINKS


def _default_flood_seconds():
    return settings.COMMENTS_FLOOD_SECONDS


@register_setting(icon="warning")
class ModerationSettings(BaseSiteSetting):
    """The moderation rules an administrator tunes in the Wagtail admin."""

    disallowed_keys = models.TextField(
        _("disallowed keys"),
        blank=True,
        help_text=_(
            "One word, phrase or IP address per line. A comment whose name, email, website, "
            "text or IP contains one goes straight to spam."
        ),
    )
    moderation_keys = models.TextField(
        _("moderation keys"),
        blank=True,
        help_text=_("One per line. A comment that contains one is held for moderation."),
    )
    max_links = models.PositiveIntegerField(
        _("links before a comment is held"), default=_default_max_links
    )
    flood_seconds = models.PositiveIntegerField(
        _("seconds between two comments from one person"), default=_default_flood_seconds
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("disallowed_keys"), FieldPanel("moderation_keys")], heading=_("Keys")
        ),
        MultiFieldPanel(
            [FieldPanel("max_links"), FieldPanel("flood_seconds")], heading=_("Limits")
        ),
    ]

    class Meta:
        verbose_name = _("comment moderation")

    @staticmethod
    def _lines(text):
        return [line.strip().casefold() for line in text.splitlines() if line.strip()]

    @property
    def disallowed(self):
        return self._lines(self.disallowed_keys)

    @property
    def held(self):
        return self._lines(self.moderation_keys)
