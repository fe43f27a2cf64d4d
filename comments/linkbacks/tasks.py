"""Background jobs of linkbacks: they take ids, never objects, and never run
in the request that caused them. Publishing a post starts the outgoing pings."""

from django.conf import settings
from django.db import transaction
from django_tasks import task

from comments.linkbacks import send as sending
from comments.linkbacks import webmention
from comments.linkbacks.models import IncomingWebmention, OutgoingPing
from comments.models import post_model
from comments.tasks import is_last_attempt, retry_later

ATTEMPTS_SETTING = "LINKBACKS_MAX_ATTEMPTS"


@task()
def verify_webmention(mention_id):
    mention = IncomingWebmention.objects.filter(
        pk=mention_id, state=IncomingWebmention.State.QUEUED
    ).first()
    return webmention.process(mention) if mention else None


@task()
def send_linkbacks(post_id):
    """Run when a post is published: one job per target that is due."""
    post = post_model().objects.filter(pk=post_id).first()
    if post is None or not post.live:
        return 0
    due = sending.plan(post)
    for ping_id in due:
        send_ping.enqueue(ping_id)
    return len(due)


@task()
def send_ping(ping_id, attempt=1):
    ping = OutgoingPing.objects.select_related("post").filter(pk=ping_id).first()
    if ping is None or not ping.in_post:
        return None
    final = is_last_attempt(send_ping, attempt, ATTEMPTS_SETTING)
    if sending.send(ping, final_attempt=final):
        retry_later(send_ping, (ping_id,), attempt, ATTEMPTS_SETTING)
    return ping.outcome


def on_page_published(sender, instance, **kwargs):
    """Wagtail's page_published: the blogs a post links to are told by a
    background job, so that publishing never waits on them."""
    if not isinstance(instance, post_model()) or not settings.LINKBACKS_SEND:
        return
    if sending.is_suppressed():
        return
    post_id = instance.pk
    job = send_linkbacks
    if instance.is_scheduled and job.get_backend().supports_defer:
        job = job.using(run_after=instance.date)  # readers, and pinged blogs, see it then
    transaction.on_commit(lambda: job.enqueue(post_id))
