"""A reader opens a post that the fediverse answered and reacted to: in a
real Chromium the reply stands in the thread under its author's name, the
boost and the like are counted, and the browser asks no server but the
blog for anything (no remote avatar, no remote script or style)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from comments.federation.models import Reaction, RemoteNote
from comments.models import Comment
from tests.factories import RemoteActorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "Gelesen und für gut befunden, danke für den Beitrag!"


def remote_actor(n, name):
    # never copied here: its picture is never shown
    return RemoteActorFactory(
        name=name, host=f"social{n}.example", preferred_username=f"person{n}"
    )


def fediverse_reply(post, actor, text):
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=1,
        kind=Comment.Kind.FEDIVERSE,
        user_name=actor.name,
        user_url=actor.uri,
        comment=text,
        submit_date=timezone.now(),
        status=Comment.Status.APPROVED,
    )
    RemoteNote.objects.create(comment=comment, note_id=f"{actor.uri}/statuses/1", actor=actor)
    return comment


def test_a_reader_sees_the_reply_and_the_reactions_and_nothing_remote(live_server, page, post):
    ada = remote_actor(1, "Ada Lovelace")
    comment = fediverse_reply(post, ada, REPLY)
    Reaction.objects.create(
        post=post, actor=remote_actor(2, "Grace Hopper"), kind=Reaction.Kind.LIKE,
        activity_id="https://social2.example/likes/1",
    )  # fmt: skip
    Reaction.objects.create(
        post=post, actor=remote_actor(3, "Linus Lurker"), kind=Reaction.Kind.ANNOUNCE,
        activity_id="https://social3.example/activities/1",
    )  # fmt: skip
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + post.url)

    reply = page.locator(f"#comment-{comment.pk}")
    assert reply.is_visible()
    assert REPLY in reply.inner_text()
    assert reply.locator(".comment__author").inner_text().strip() == "Ada Lovelace"
    summary = page.locator(".reactions__summary")
    assert summary.is_visible()
    assert summary.inner_text() == "1 Boost · 1 Like"
    people = page.locator(".reactions__name").all_inner_texts()
    assert sorted(people) == ["Grace Hopper", "Linus Lurker"]

    ours = urlsplit(live_server.url).netloc
    web = [url for url in requested if url.startswith(("http:", "https:"))]
    assert web, "the page itself was requested"
    assert [url for url in web if urlsplit(url).netloc != ours] == []
