"""Background jobs of the comments app, the top layer: they take plain ids,
never objects, and react to what the services announce (see notifications).
Here too is the one retry-with-backoff helper every task module uses."""

import logging
import signal
import smtplib
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from comments import notifications
from comments.models import Comment

logger = logging.getLogger(__name__)


def is_last_attempt(job, attempt, setting="TASKS_MAX_ATTEMPTS"):
    """No try is left after this one, or the queue cannot run a job later."""
    return attempt >= getattr(settings, setting) or not job.get_backend().supports_defer


def retry_later(job, args, attempt, setting="TASKS_MAX_ATTEMPTS"):
    """Queue `job(*args, attempt + 1)` after TASKS_RETRY_SECONDS, then twice as
    long each time (2, 4, 8… minutes by default). False when this was the last
    attempt: the caller then gives up (and says so)."""
    if is_last_attempt(job, attempt, setting):
        return False
    delay = timedelta(seconds=settings.TASKS_RETRY_SECONDS * 2 ** (attempt - 1))
    job.using(run_after=timezone.now() + delay).enqueue(*args, attempt + 1)
    return True


class TimeLimitExceeded(TimeoutError):
    """A job ran past TASKS_TIME_LIMIT: a network failure like any other."""


@contextmanager
def time_limit(seconds):
    """Interrupt the block after `seconds`. EMAIL_TIMEOUT bounds each SMTP
    step, but a server that answers one byte per step would hold the worker,
    and every job behind it, for as long as it likes; this bounds the whole.

    Only where a signal can do it: in the main thread, where db_worker runs
    its jobs, and unless a timer already runs (RQ's work horse has its own
    job timeout, by the same signal). Elsewhere the block runs unbounded."""
    usable = (
        seconds
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def send_or_retry(job, message, args, attempt):
    """Send one mail within TASKS_TIME_LIMIT; on SMTP trouble queue the next
    try, then raise, so that the queue records this try as failed (it was),
    not as done."""
    try:
        with time_limit(settings.TASKS_TIME_LIMIT):
            message.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Mail %s failed (attempt %d): %s", job.name, attempt, error)
        if not retry_later(job, args, attempt):
            logger.error("Giving up on mail %s after %d attempts", job.name, attempt)
        raise
    return True


@task()
def notify_about_comment(comment_id, followers_only=False):
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return 0
    wanted = notifications.recipients_for(comment, followers_only)
    for kind, recipient_id in wanted:
        deliver.enqueue(kind, comment_id, recipient_id)
    return len(wanted)


@task()
def deliver(kind, object_id, recipient_id=None, attempt=1):
    """Send one mail to one recipient; on an SMTP failure, try again later."""
    message = notifications.build(kind, object_id, recipient_id)
    if message is None:
        return False
    return send_or_retry(deliver, message, (kind, object_id, recipient_id), attempt)


@receiver(notifications.comment_mails_due)
def _queue_comment_mails(sender, comment_id, followers_only, **kwargs):
    notify_about_comment.enqueue(comment_id, followers_only)


@receiver(notifications.mail_due)
def _queue_mail(sender, kind, object_id, recipient_id=None, **kwargs):
    deliver.enqueue(kind, object_id, recipient_id)
