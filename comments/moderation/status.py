"""The single place where a comment's status changes after it was judged.
Each change is written to Wagtail's audit log, teaches Akismet when a
moderator disagrees with it, and queues the mails that are now due."""

from django.db import transaction
from django.dispatch import Signal
from wagtail.log_actions import log

from comments import notifications
from comments.models import Comment
from comments.moderation import reasons, spam

#: A moderator corrected Akismet (spam.SPAM or spam.HAM); moderation.tasks tells it, after commit.
akismet_was_wrong = Signal()

ACTIONS = {
    Comment.Status.APPROVED: "comments.approve",
    Comment.Status.PENDING: "comments.unapprove",
    Comment.Status.SPAM: "comments.spam",
    Comment.Status.TRASH: "comments.trash",
}


def _feedback_kind(old, new):
    """Akismet learns from corrections: spam marked by hand, or spam set free."""
    if new == Comment.Status.SPAM and old != Comment.Status.SPAM:
        return spam.SPAM
    if old == Comment.Status.SPAM and new == Comment.Status.APPROVED:
        return spam.HAM
    return None


@transaction.atomic
def set_status(comment, status, user=None, reason=""):
    old = comment.status
    if old == status:
        return False
    comment.status = status
    comment.status_reason = (reason or reasons.by(reasons.SET_BY, user))[:200]
    comment.save(update_fields=["status", "status_reason", "is_public", "is_removed"])
    log(instance=comment, action=ACTIONS[status], user=user, data={"from": old, "to": status})
    kind = _feedback_kind(old, status)
    if kind:
        akismet_was_wrong.send(Comment, comment_id=comment.pk, kind=kind)
    if status == Comment.Status.APPROVED and old == Comment.Status.PENDING:
        notifications.comment_saved(comment, followers_only=True)
    return True


@transaction.atomic
def delete(comment, user=None):
    log(instance=comment, action="wagtail.delete", user=user)
    comment.delete()
