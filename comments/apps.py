from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Comments, moderation, spam filtering and linkbacks."""

    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        from comments import checks  # noqa: F401 (registers the system checks)

        # xtd flips the public flag of a comment's whole subtree when the comment
        # changes; here each comment's status is its own, and the page hides
        # replies to hidden comments when it builds the thread.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")
