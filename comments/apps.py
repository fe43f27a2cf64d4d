from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

# Modules that connect receivers or register checks when imported.
SIGNAL_MODULES = [
    "comments.tasks",
    "comments.accounts.tasks",
    "comments.moderation.tasks",
    "comments.moderation.checks",
    "comments.caching.receivers",
    "comments.federation.tasks",
]


class CommentsConfig(AppConfig):
    """Comments, moderation, spam filtering, reader accounts and linkbacks."""

    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        # Imports here, once the app registry is ready: the task modules connect
        # their receivers to what the services announce, checks register.
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save
        from wagtail.signals import page_published

        from comments.linkbacks import tasks as linkback_tasks

        for module in SIGNAL_MODULES:
            import_module(module)

        # xtd flips the public flag of a comment's whole subtree when the comment
        # changes; here each comment's status is its own, and the page hides
        # replies to hidden comments when it builds the thread.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")
        page_published.connect(
            linkback_tasks.on_page_published, dispatch_uid="comments.send_linkbacks"
        )
