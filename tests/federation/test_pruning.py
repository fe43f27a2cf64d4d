"""Old deliveries do not pile up: settled ones go after
FEDERATION_KEEP_DELIVERIES_DAYS, except what later deliveries look up,
which inbox got which post (the skeleton of each Create)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.federation import actors, delivery, ids
from comments.federation.models import Delivery, Follower
from comments.federation.tasks import federate_post
from tests.factories import RemoteActorFactory

pytestmark = pytest.mark.django_db
State = Delivery.State


def _delivery(blog, post, kind, state, age_days, inbox="https://gone.example/inbox"):
    activity = delivery.build(
        kind, blog, {"id": ids.post(post), "type": "Article", "content": "x" * 5000}
    )
    row = Delivery.objects.create(
        inbox=inbox, actor=blog, activity=activity, activity_type=kind, post=post, state=state
    )
    Delivery.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(days=age_days))
    return row


def test_settled_deliveries_go_and_creates_shrink_to_what_is_looked_up(post, settings):
    settings.FEDERATION_KEEP_DELIVERIES_DAYS = 30
    blog = actors.blog_actor()
    create = _delivery(blog, post, "Create", State.SENT, 40)
    old_update = _delivery(blog, post, "Update", State.SENT, 40)
    old_accept = _delivery(blog, post, "Accept", State.FAILED, 31)
    still_trying = _delivery(blog, post, "Update", State.RETRYING, 40)
    recent = _delivery(blog, post, "Update", State.SENT, 29)
    aged = Delivery.objects.get(pk=create.pk).updated_at

    assert delivery.prune() == (2, 1)
    left = set(Delivery.objects.values_list("pk", flat=True))
    assert left == {create.pk, still_trying.pk, recent.pk}
    assert not Delivery.objects.filter(pk__in=[old_update.pk, old_accept.pk]).exists()
    create.refresh_from_db()
    assert create.activity == {
        "id": create.activity["id"],
        "type": "Create",
        "object": {"id": ids.post(post), "type": "Article"},
    }
    assert create.updated_at == aged  # shrinking does not make it new again
    assert len(Delivery.objects.get(pk=recent.pk).activity["object"]["content"]) == 5000
    assert delivery.prune() == (0, 0)


def test_after_pruning_an_edit_is_still_an_update_and_a_deletion_reaches_old_inboxes(post):
    blog = actors.blog_actor()
    _delivery(blog, post, "Create", State.SENT, 400, inbox="https://gone.example/inbox")
    delivery.prune()
    follower = RemoteActorFactory(host="social.example")
    Follower.objects.create(actor=blog, remote=follower, follow_id=f"{follower.uri}#f")

    delivery.publish(post)
    assert Delivery.objects.filter(activity_type="Update").count() == 1
    assert not Delivery.objects.filter(activity_type="Create", state=State.QUEUED).exists()

    delivery.withdraw(post.pk, post)
    inboxes = set(Delivery.objects.filter(activity_type="Delete").values_list("inbox", flat=True))
    assert inboxes == {"https://gone.example/inbox", follower.delivery_inbox}


def test_publishing_prunes(post, settings):
    blog = actors.blog_actor()
    _delivery(blog, post, "Update", State.SENT, settings.FEDERATION_KEEP_DELIVERIES_DAYS + 1)
    federate_post.call(post.pk)
    assert not Delivery.objects.filter(activity_type="Update").exists()
