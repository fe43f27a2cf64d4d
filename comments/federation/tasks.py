"""Background work of the fediverse, the top layer: deliveries (one job per
inbox, retried with back-off, given up after FEDERATION_GIVE_UP_SECONDS),
publishing, withdrawing and answering, and copying remote avatars. Jobs
take ids, never objects; services announce, these receivers enqueue."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_tasks import task
from wagtail.signals import page_published, page_unpublished

from comments import notifications, pictures
from comments.federation import delivery, reactions, remote
from comments.federation.models import Delivery, RemoteActor
from comments.linkbacks import send as linkback_sending
from comments.models import Comment, post_model
from comments.tasks import is_last_attempt, retry_later, time_limit

logger = logging.getLogger(__name__)
ATTEMPTS_SETTING = "FEDERATION_MAX_ATTEMPTS"


@task()
def deliver(delivery_id, attempt=1):
    found = Delivery.objects.filter(pk=delivery_id).exclude(state=Delivery.State.SENT).first()
    if found is None or found.state == Delivery.State.FAILED:
        return None
    final = is_last_attempt(deliver, attempt, ATTEMPTS_SETTING)
    with time_limit(settings.TASKS_TIME_LIMIT):
        again = delivery.send(found, final_attempt=final)
    if again:
        retry_later(deliver, (delivery_id,), attempt, ATTEMPTS_SETTING)
    return found.state


@task()
def federate_post(post_id):
    delivery.prune()  # a publish is rare enough, and a task has time
    post = post_model().objects.published().filter(pk=post_id).first()
    return len(delivery.publish(post)) if post is not None else 0


@task()
def withdraw_post(post_id):
    post = post_model().objects.filter(pk=post_id).first()
    return len(delivery.withdraw(post_id, post))


@task()
def answer_comment(comment_id):
    return len(delivery.answer(comment_id))


@task()
def copy_avatar(actor_id, attempt=1):
    actor = RemoteActor.objects.filter(pk=actor_id).exclude(icon_url="").first()
    if actor is None:
        return None
    try:
        copied = pictures.copy(actor.icon_url, owner=actor.picture_owner)
    except pictures.TryLater:
        if not retry_later(copy_avatar, (actor_id,), attempt):
            logger.warning("Giving up on the avatar of %s after %d tries", actor.uri, attempt)
        raise
    if copied:
        reactions.seen_on(actor)  # the identicon gives way to the picture
    return copied


@receiver(delivery.deliveries_due)
def _queue_deliveries(sender, delivery_ids, **kwargs):
    for delivery_id in delivery_ids:
        deliver.enqueue(delivery_id)


@receiver(remote.avatar_wanted)
def _queue_avatar(sender, actor_id, **kwargs):
    icon = RemoteActor.objects.filter(pk=actor_id).values_list("icon_url", flat=True).first()
    if icon and pictures.local_url(icon) is None:
        copy_avatar.enqueue(actor_id)


@receiver(notifications.comment_mails_due)
def _queue_answer(sender, comment_id, **kwargs):
    """A comment is public or held now: if it is an author's answer to a
    fediverse reply, the task sends it back (the task checks which)."""
    if not settings.FEDERATION_ENABLED:
        return
    is_candidate = Comment.objects.filter(
        pk=comment_id,
        kind=Comment.Kind.COMMENT,
        user__isnull=False,
        status=Comment.Status.APPROVED,
    ).exists()
    if is_candidate:
        answer_comment.enqueue(comment_id)


def _wanted(instance):
    return (
        settings.FEDERATION_ENABLED
        and isinstance(instance, post_model())
        and not linkback_sending.is_suppressed()  # an import: the old blog told its readers
    )


@receiver(page_published, dispatch_uid="federation.page_published")
def _queue_publish(sender, instance, **kwargs):
    if not _wanted(instance):
        return
    post_id, job = instance.pk, federate_post
    if instance.is_scheduled and job.get_backend().supports_defer:
        job = job.using(run_after=instance.date)
    transaction.on_commit(lambda: job.enqueue(post_id))


@receiver(page_unpublished, dispatch_uid="federation.page_unpublished")
def _queue_withdraw(sender, instance, **kwargs):
    if _wanted(instance):
        post_id = instance.pk
        transaction.on_commit(lambda: withdraw_post.enqueue(post_id))


@receiver(post_delete, dispatch_uid="federation.post_deleted")
def _queue_withdraw_deleted(sender, instance, **kwargs):
    """A live post deleted outright (Wagtail unpublishes first otherwise)."""
    if _wanted(instance) and instance.live:
        post_id = instance.pk
        transaction.on_commit(lambda: withdraw_post.enqueue(post_id))
