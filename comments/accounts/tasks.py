"""allauth's account mails, sent in the background like every other mail, and
the copies of social accounts' pictures, fetched in the background too."""

import logging

from allauth.account.signals import user_logged_in
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.signals import social_account_added
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_tasks import task

from comments import notifications, pictures
from comments.accounts import pictures as social_pictures
from comments.avatars import social_picture_wanted
from comments.tasks import retry_later, send_or_retry

logger = logging.getLogger(__name__)


@task()
def send_account_mail(subject, body, to, html=None, attempt=1):
    """One account mail, to one address; SMTP trouble means a later try."""
    message = notifications.account_message(subject, body, to, html)
    return send_or_retry(send_account_mail, message, (subject, body, to, html), attempt)


@receiver(notifications.account_mail_due)
def _queue_account_mail(sender, subject, body, to, html=None, **kwargs):
    send_account_mail.enqueue(subject, body, to, html)


@task()
def copy_social_picture(user_id, attempt=1):
    """Copy a user's social picture here; an unreachable provider means a later try."""
    try:
        return social_pictures.copy_for(user_id)
    except pictures.TryLater:
        if not retry_later(copy_social_picture, (user_id,), attempt):
            logger.warning("Giving up on the picture of user %s after %d tries", user_id, attempt)
        raise


@receiver(social_picture_wanted)
def _queue_wanted_picture(sender, user_id, **kwargs):
    copy_social_picture.enqueue(user_id)


@receiver(user_logged_in)
def _queue_picture_at_login(sender, request, user, sociallogin=None, **kwargs):
    """Each social login brings the provider's picture URL as it is now
    (allauth has just stored it): a new URL means a new copy."""
    if sociallogin is not None:
        copy_social_picture.enqueue(user.pk)


@receiver(social_account_added)
def _queue_picture_of_new_account(sender, request, sociallogin, **kwargs):
    copy_social_picture.enqueue(sociallogin.user.pk)


post_delete.connect(
    social_pictures.account_deleted, sender=SocialAccount, dispatch_uid="pictures.account_gone"
)
