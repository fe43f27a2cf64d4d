import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_comments.models import Comment as BaseComment

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory
from tests.helpers import comment_form_data

ATOM = "{http://www.w3.org/2005/Atom}"


def test_post_comment_feed_has_approved_comments_without_emails(client, post):
    CommentFactory(
        post=post,
        user_name="Anne",
        user_email="anne.secret@example.org",
        comment="Natürlich <b>nicht</b> schön",
    )
    CommentFactory(post=post, user_name="Held", status="pending")
    response = client.get(post.url + "feed/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "anne.secret" not in body
    assert "@example.org" not in body
    items = ET.fromstring(response.content).find("channel").findall("item")
    assert [i.findtext("title") for i in items] == [f"Anne zu „{post.title}“"]
    assert "&lt;b&gt;" in items[0].findtext("description")
    assert items[0].findtext("link").startswith("http://testserver/a1-mobilkom/#comment-")


def test_site_comment_feeds_rss_and_atom(client, post):
    CommentFactory(post=post, user_name="Roman", user_email="roman.secret@example.org")
    rss = client.get("/comments/feed/")
    atom = client.get("/comments/feed/atom/")
    for response in (rss, atom):
        assert response.status_code == 200
        assert "roman.secret" not in response.content.decode()
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Roman"
    assert entries[0].find(f"{ATOM}author").find(f"{ATOM}email") is None


def test_post_page_links_its_comment_feeds(client, post):
    html = client.get(post.url).content.decode()
    assert 'href="http://testserver/a1-mobilkom/feed/"' in html
    assert 'href="http://testserver/a1-mobilkom/feed/atom/"' in html


def test_site_comment_feed_queries_do_not_grow_with_commenters(client, post):
    """Commenters with accounts (and their social logins) load with the comments."""

    def count_queries():
        client.get("/comments/feed/")  # what the process keeps per version
        cache.clear()  # the feed as built, not as kept
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/comments/feed/").status_code == 200
        return len(queries)

    CommentFactory(post=post, user=UserFactory(username="erste"))
    few = count_queries()
    for n in range(5):
        CommentFactory(post=post, user=UserFactory(username=f"leserin{n}"))
    assert count_queries() == few


def test_a_feed_is_built_once_per_change(client, post):
    CommentFactory(post=post, comment="Erster")
    client.get("/comments/feed/")
    with CaptureQueriesContext(connection) as kept:
        assert b"Erster" in client.get("/comments/feed/").content
    CommentFactory(post=post, comment="Zweiter")
    with CaptureQueriesContext(connection) as rebuilt:
        assert b"Zweiter" in client.get("/comments/feed/").content
    assert len(kept) < len(rebuilt)


def test_a_control_character_in_a_name_is_dropped_and_breaks_no_feed(client, post):
    """A known address is approved at once; its name once carried \\x02 into
    every comment feed, which XML 1.0 cannot hold (500)."""
    CommentFactory(post=post, user_name="Marcus", user_email="marcus@example.org")
    data = comment_form_data(post, name="Marcus\x02Greyer", comment="Mit\x07 Steuerzeichen")
    assert client.post("/comments/post/", data).status_code == 303
    stored = Comment.objects.latest("pk")
    assert (stored.user_name, stored.comment) == ("MarcusGreyer", "Mit Steuerzeichen")
    for url in ("/comments/feed/", "/comments/feed/atom/", post.url + "feed/"):
        assert client.get(url).status_code == 200, url


def test_a_feed_survives_control_characters_stored_behind_the_models_back(client, post):
    comment = CommentFactory(post=post)
    BaseComment.objects.filter(pk=comment.pk).update(user_name="Böse\x0bName")
    cache.clear()
    feed = client.get("/comments/feed/")
    assert feed.status_code == 200
    assert "BöseName" in feed.content.decode()
