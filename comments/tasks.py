"""Background jobs of the comments app: they take plain ids, never objects."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from comments import notifications
from comments.models import Comment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


@task()
def notify_about_comment(comment_id, followers_only=False):
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return 0
    wanted = notifications.recipients_for(comment, followers_only)
    for kind, subscription_id in wanted:
        deliver.enqueue(kind, comment_id, subscription_id)
    return len(wanted)


@task()
def deliver(kind, object_id, subscription_id=None, attempt=1):
    """Send one mail to one recipient; on an SMTP failure, try again later."""
    message = notifications.build(kind, (object_id, subscription_id))
    if message is None:
        return False
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        _retry_later(kind, object_id, subscription_id, attempt, error)
        return False
    return True


def _retry_later(kind, object_id, subscription_id, attempt, error):
    logger.warning("Mail %s for %s failed (attempt %d): %s", kind, object_id, attempt, error)
    backend = deliver.get_backend()
    if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
        logger.error("Giving up on mail %s for %s after %d attempts", kind, object_id, attempt)
        raise error
    delay = timedelta(minutes=2**attempt)
    deliver.using(run_after=timezone.now() + delay).enqueue(
        kind, object_id, subscription_id, attempt + 1
    )


@task()
def send_spam_feedback(comment_id, kind, attempt=1):
    """Tell Akismet it was wrong (submit-spam or submit-ham), as its WordPress plugin does."""
    from comments import pipeline, spam

    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return False
    feedback = pipeline.Feedback.from_comment(comment)
    data = pipeline.akismet_data(feedback)
    try:
        return spam.submit(kind, data, pipeline.blog_url(feedback.post))
    except Exception as error:
        logger.warning("Akismet %s feedback for comment %s failed: %s", kind, comment_id, error)
        backend = send_spam_feedback.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            raise
        send_spam_feedback.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
            comment_id, kind, attempt + 1
        )
        return False


@task()
def purge_old_comments():
    from comments.purge import purge

    return purge()


@task()
def send_account_mail(subject, body, to, html=None, attempt=1):
    """One account mail (allauth's), to one address; SMTP trouble means a later try."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject, body, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Account mail failed (attempt %d): %s", attempt, error)
        backend = send_account_mail.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            raise
        send_account_mail.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
            subject, body, to, html, attempt + 1
        )
        return False
    return True
