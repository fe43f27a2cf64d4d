"""Background jobs of moderation: teaching Akismet, purging old spam."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from comments.models import Comment
from comments.moderation import spam, status
from comments.moderation.pipeline import Feedback
from comments.moderation.purge import forget_addresses, purge
from comments.tasks import retry_later

logger = logging.getLogger(__name__)


@task()
def send_spam_feedback(comment_id, kind, attempt=1):
    """Tell Akismet it was wrong (submit-spam or submit-ham), as its WordPress plugin does."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return False
    feedback = Feedback.from_comment(comment)
    try:
        return spam.submit(kind, spam.payload(feedback), spam.blog_address(feedback.post))
    except Exception as error:
        logger.warning("Akismet %s feedback for comment %s failed: %s", kind, comment_id, error)
        if not retry_later(send_spam_feedback, (comment_id, kind), attempt):
            raise
        return False


@task()
def purge_old_comments():
    return purge(), forget_addresses()


@receiver(status.akismet_was_wrong)
def _queue_spam_feedback(sender, comment_id, kind, **kwargs):
    transaction.on_commit(lambda: send_spam_feedback.enqueue(comment_id, kind))
