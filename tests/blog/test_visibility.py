"""Drafts, scheduled posts and private posts stay hidden from anonymous readers."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.factories import BlogPageFactory, UserFactory


@pytest.fixture
def hidden_posts(site, blog_index):
    draft = BlogPageFactory(parent=blog_index, title="Secret draft", slug="draft", live=False)
    scheduled = BlogPageFactory(parent=blog_index, title="Future post", slug="future", live=False)
    revision = scheduled.save_revision()
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=3)
    revision = scheduled.save_revision()
    revision.publish()
    scheduled.refresh_from_db()
    private = BlogPageFactory(parent=blog_index, title="Members only", slug="private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    visible = BlogPageFactory(parent=blog_index, title="Public post", slug="public", tags=["A1"])
    return {"draft": draft, "scheduled": scheduled, "private": private, "visible": visible}


def test_scheduled_post_is_not_live_yet(hidden_posts):
    assert hidden_posts["scheduled"].live is False
    assert hidden_posts["scheduled"].go_live_at is not None


@pytest.mark.parametrize(
    "url", ["/", "/tag/a1/", "/feed/", "/feed/atom/", "/sitemap.xml", "/search/?q=post"]
)
def test_hidden_posts_appear_nowhere(client, hidden_posts, url):
    html = client.get(url).content.decode()
    for key in ("draft", "scheduled", "private"):
        assert hidden_posts[key].title not in html, (key, url)
        assert f"/{hidden_posts[key].slug}/" not in html, (key, url)
    assert "/public/" in html


@pytest.mark.parametrize("slug", ["draft", "future"])
def test_unpublished_post_is_404_by_direct_url(client, hidden_posts, slug):
    assert client.get(f"/{slug}/").status_code == 404


def test_private_post_asks_for_the_password(client, hidden_posts):
    response = client.get("/private/")
    assert response.status_code == 200
    assert "Members only" not in response.content.decode()


def test_future_dated_post_waits(client, site, blog_index):
    post = BlogPageFactory(
        parent=blog_index,
        title="Kommt noch",
        slug="later",
        date=timezone.now() + datetime.timedelta(days=30),
    )
    for url in ("/", "/feed/", "/sitemap.xml"):
        html = client.get(url).content.decode()
        assert "Kommt noch" not in html and "/later/" not in html, url
    assert client.get("/later/").status_code == 404
    post.date = timezone.now() - datetime.timedelta(minutes=1)
    post.save()
    assert client.get("/later/").status_code == 200


def test_author_archive_only_for_people_who_published(client, site, blog_index, author):
    UserFactory(username="reader42")
    assert client.get("/author/reader42/").status_code == 404
    BlogPageFactory(parent=blog_index, author=author)
    assert client.get(f"/author/{author.username}/").status_code == 200
