"""What the blog shows the fediverse of itself: actors, collections and
comment notes, built from public data only."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from comments.federation import actors, ids
from comments.federation.models import Follower, LocalActor, RemoteActor
from comments.models import Comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JSON = "application/activity+json"


def _get(client, url):
    response = client.get(url, HTTP_ACCEPT=JSON)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(JSON)
    return response.content.decode(), response.json()


def test_the_blog_actor_shows_its_public_key_only(client, site):
    text, actor = _get(client, "/ap/actors/blog/")
    blog = LocalActor.objects.get(handle="blog")
    assert actor["type"] == "Service" and actor["id"] == ids.actor(blog)
    assert actor["publicKey"] == {
        "id": ids.actor(blog) + "#main-key",
        "owner": ids.actor(blog),
        "publicKeyPem": blog.public_key_pem,
    }
    assert actor["endpoints"]["sharedInbox"] == ids.absolute("/ap/inbox/")
    assert "PRIVATE KEY" not in text and blog.private_key_pem[40:80] not in text
    assert "PRIVATE KEY" not in repr(blog) + str(blog)


def test_an_author_is_a_person_once_they_published(client, post, author):
    author.email = "luca.hammer@example.org"
    author.save()
    text, actor = _get(client, "/ap/actors/luca/")
    assert actor["type"] == "Person" and actor["preferredUsername"] == "luca"
    assert actor["name"] == "Luca Hammer"
    assert "luca.hammer" not in text and "example.org" not in text
    never = UserFactory(username="niemand")
    assert client.get(f"/ap/actors/{never.username}/").status_code == 404


def test_an_email_like_user_name_gives_no_handle(post):
    user = UserFactory(username="anna.muster@example.org")
    assert actors.author_handle(user) == f"author_{user.pk}"


def test_followers_are_a_count_to_the_public(client, site):
    blog = actors.blog_actor()
    remote = RemoteActor.objects.create(
        uri="https://social.example/users/carla", host="social.example",
        inbox="https://social.example/users/carla/inbox", preferred_username="carla",
    )  # fmt: skip
    Follower.objects.create(actor=blog, remote=remote, follow_id=remote.uri + "#follow/1")
    text, collection = _get(client, "/ap/actors/blog/followers/")
    assert collection["totalItems"] == 1
    assert "carla" not in text and "orderedItems" not in collection


def test_a_comment_is_a_note_without_address(client, post):
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=1,
        user_name="Markus",
        user_email="markus.huebner@example.org",
        comment="Gut <b>gesagt</b>",
        status=Comment.Status.APPROVED,
        submit_date=timezone.now(),
    )
    text, note = _get(client, f"/ap/comments/{comment.pk}/")
    assert note["type"] == "Note" and note["inReplyTo"] == ids.post(post)
    assert note["attributedTo"] == ids.actor(actors.blog_actor())
    assert "<b>" not in note["content"] and "&lt;b&gt;" in note["content"]
    assert "markus.huebner" not in text and "example.org" not in text
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
    assert client.get(f"/ap/comments/{comment.pk}/").status_code == 404


def test_the_outbox_lists_published_posts(client, post):
    _text, outbox = _get(client, "/ap/actors/blog/outbox/")
    assert outbox["totalItems"] == 1
    assert outbox["orderedItems"][0]["object"] == ids.post(post)
    assert json.dumps(outbox).count("Create") == 1


def test_inboxes_take_post_only_and_unknown_actors_are_404(client, site):
    assert client.get("/ap/inbox/").status_code == 405
    assert client.post("/ap/actors/nobody/inbox/", b"{}", content_type=JSON).status_code == 404
    assert client.post("/ap/inbox/", b"{}", content_type=JSON).status_code == 401


def test_switched_off_the_blog_says_nothing_to_the_fediverse(client, post, settings):
    settings.FEDERATION_ENABLED = False
    for url in (
        "/.well-known/webfinger?resource=acct:blog@testserver",
        "/.well-known/nodeinfo",
        "/ap/actors/blog/",
        f"/ap/posts/{post.pk}/",
    ):
        assert client.get(url, HTTP_ACCEPT=JSON).status_code == 404, url
    assert client.post("/ap/inbox/", b"{}", content_type=JSON).status_code == 404
    page = client.get(post.url, HTTP_ACCEPT=JSON)
    assert page["Content-Type"].startswith("text/html")
    assert "application/activity+json" not in page.content.decode()
    assert "fediverse:creator" not in page.content.decode()
