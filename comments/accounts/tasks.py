"""allauth's account mails, sent in the background like every other mail."""

from django.dispatch import receiver
from django_tasks import task

from comments import notifications
from comments.tasks import send_or_retry


@task()
def send_account_mail(subject, body, to, html=None, attempt=1):
    """One account mail, to one address; SMTP trouble means a later try."""
    message = notifications.account_message(subject, body, to, html)
    return send_or_retry(send_account_mail, message, (subject, body, to, html), attempt)


@receiver(notifications.account_mail_due)
def _queue_account_mail(sender, subject, body, to, html=None, **kwargs):
    send_account_mail.enqueue(subject, body, to, html)
