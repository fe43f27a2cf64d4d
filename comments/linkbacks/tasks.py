"""Background jobs of linkbacks: they take ids, never objects, and never run
in the request that caused them."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from comments.linkbacks import send as sending
from comments.linkbacks import webmention
from comments.linkbacks.records import IncomingWebmention, OutgoingPing

MAX_ATTEMPTS = 3


@task()
def verify_webmention(mention_id):
    mention = IncomingWebmention.objects.filter(
        pk=mention_id, state=IncomingWebmention.State.QUEUED
    ).first()
    return webmention.process(mention) if mention else None


@task()
def send_linkbacks(post_id):
    """Run when a post is published: one job per target that is due."""
    from blog.models import BlogPage

    post = BlogPage.objects.filter(pk=post_id).first()
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
    backend = send_ping.get_backend()
    final = attempt >= MAX_ATTEMPTS or not backend.supports_defer
    if sending.send(ping, final_attempt=final):
        delay = timedelta(minutes=2**attempt)  # 2, then 4 minutes
        send_ping.using(run_after=timezone.now() + delay).enqueue(ping_id, attempt + 1)
    return ping.outcome
