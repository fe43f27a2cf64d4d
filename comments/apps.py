from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Room for comments, moderation, spam and linkbacks (built in later issues)."""

    name = "comments"
    verbose_name = _("Comments")
