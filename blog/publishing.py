"""What happens when a post is published: the blogs it links to are told,
by a background job, so that publishing never waits on them."""

from django.conf import settings
from django.db import transaction


def on_page_published(sender, instance, **kwargs):
    from blog.models import BlogPage

    if not isinstance(instance, BlogPage) or not settings.LINKBACKS_SEND:
        return
    from comments.linkbacks.tasks import send_linkbacks

    post_id = instance.pk
    job = send_linkbacks
    if instance.is_scheduled and job.get_backend().supports_defer:
        job = job.using(run_after=instance.date)  # readers, and pinged blogs, see it then
    transaction.on_commit(lambda: job.enqueue(post_id))
