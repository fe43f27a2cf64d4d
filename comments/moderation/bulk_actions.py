"""Bulk moderation in the Wagtail admin; every change goes through
moderation.status.set_status, so it is logged and teaches Akismet."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from comments.models import Comment
from comments.moderation import reasons
from comments.moderation.status import set_status


class _StatusBulkAction(SnippetBulkAction):
    models = [Comment]
    template_name = "comments/admin/confirm_bulk_status.html"
    target = None
    reason = reasons.SET_BY
    icon_name = None
    done_message = ""

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return sum(cls.perform(comment, user) for comment in objects), 0

    @classmethod
    def perform(cls, comment, user):
        """One comment, from the bulk action or the row's button; True if it changed."""
        return set_status(comment, cls.target, user, reasons.by(cls.reason, user))

    def get_execution_context(self):
        # Wagtail passes no user to execute_action: without this the reason says "by None".
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d comment changed.", "%(count)d comments changed.", num_parent_objects
        ) % {"count": num_parent_objects}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    from_statuses = ()

    @classmethod
    def applies_to(cls, status):
        return status in cls.from_statuses


class ApproveBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.PENDING,)
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected comments")
    action_priority = 10
    target = Comment.Status.APPROVED
    reason = reasons.APPROVED_BY
    icon_name = "check"
    done_message = _("The comment by %(name)s is approved.")


class UnapproveBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.APPROVED,)
    display_name = _("Unapprove")
    action_type = "unapprove"
    aria_label = _("Unapprove selected comments")
    action_priority = 11
    target = Comment.Status.PENDING
    reason = reasons.UNAPPROVED_BY
    icon_name = "no-view"
    done_message = _("The comment by %(name)s is unapproved.")


class SpamBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.PENDING, Comment.Status.APPROVED)
    display_name = _("Spam")
    action_type = "spam"
    aria_label = _("Mark selected comments as spam")
    action_priority = 12
    target = Comment.Status.SPAM
    reason = reasons.SPAM_BY
    icon_name = "warning"
    done_message = _("The comment by %(name)s is marked as spam.")


class NotSpamBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.SPAM,)
    display_name = _("Not spam")
    action_type = "not-spam"
    aria_label = _("Mark selected comments as not spam")
    action_priority = 13
    target = Comment.Status.APPROVED
    reason = reasons.NOT_SPAM_BY
    icon_name = "circle-check"
    done_message = _("The comment by %(name)s is marked as not spam and approved.")


class TrashBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.SPAM)
    display_name = _("Trash")
    action_type = "trash"
    aria_label = _("Move selected comments to the trash")
    action_priority = 14
    target = Comment.Status.TRASH
    reason = reasons.TRASHED_BY
    icon_name = "bin"
    done_message = _("The comment by %(name)s is in the trash.")


class RestoreBulkAction(_StatusBulkAction):
    from_statuses = (Comment.Status.TRASH,)
    display_name = _("Restore")
    action_type = "restore"
    aria_label = _("Restore selected comments from the trash for moderation")
    action_priority = 15
    target = Comment.Status.PENDING
    reason = reasons.RESTORED_BY
    icon_name = "rotate"
    done_message = _("The comment by %(name)s is restored and waits for moderation.")


BULK_ACTIONS = [
    ApproveBulkAction,
    UnapproveBulkAction,
    SpamBulkAction,
    NotSpamBulkAction,
    TrashBulkAction,
    RestoreBulkAction,
]
