from django.utils.translation import gettext_lazy as _
from wagtail import hooks

LOG_ACTIONS = [
    ("comments.approve", _("Approve comment"), _("Comment approved")),
    ("comments.unapprove", _("Unapprove comment"), _("Comment unapproved")),
    ("comments.spam", _("Mark comment as spam"), _("Comment marked as spam")),
    ("comments.trash", _("Move comment to trash"), _("Comment moved to trash")),
]


@hooks.register("register_log_actions")
def comment_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)
