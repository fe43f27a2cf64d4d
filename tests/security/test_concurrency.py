"""Rules about other comments hold when comments arrive at once, and Akismet
is asked outside any database transaction, on SQLite and on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import close_old_connections

from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory
from tests.helpers import comment_form_data

pytestmark = pytest.mark.django_db(transaction=True)


def send(base_url, data, ip="203.0.113.1"):
    with httpx.Client(base_url=base_url, timeout=60) as http:
        # The test client's address is always 127.0.0.1; the live server is not behind
        # a proxy, so the flood rule sees 127.0.0.1 for every request.
        return http.post("/comments/post/", data=data, headers={"Origin": base_url}).status_code


def test_fifty_identical_comments_at_once_store_one(live_server, post, settings):
    settings.COMMENTS_RATE_LIMIT = "1000/60"
    settings.COMMENTS_FLOOD_SECONDS = 0
    CommentFactory(post=post, user_email="marcus@example.org")  # known: approved at once
    forms = [
        comment_form_data(post, name=f"Leser {n}", email=f"l{n}@example.org", comment="Genau so.")
        for n in range(50)
    ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda data: send(live_server.url, data), forms))
    assert Comment.objects.filter(comment="Genau so.").count() == 1
    assert sorted(set(codes)) == [303, 403]


def test_fifty_posts_from_one_address_inside_the_flood_window_store_one(
    live_server, post, settings
):
    settings.COMMENTS_RATE_LIMIT = "1000/60"
    settings.COMMENTS_FLOOD_SECONDS = 600
    forms = [
        comment_form_data(post, name=f"Leser {n}", email=f"l{n}@example.org", comment=f"Nr. {n}")
        for n in range(50)
    ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda data: send(live_server.url, data), forms))
    assert Comment.objects.count() == 1


def test_akismet_is_asked_outside_the_transaction(live_server, post, fake_akismet, settings):
    """While the first comment's Akismet call hangs, another writer gets through:
    nothing holds the database's write lock (SQLite) or a transaction (PostgreSQL)."""
    settings.AKISMET_TIMEOUT = 30
    fake_akismet.mode = "hold"
    other_post = BlogPageFactory(parent=post.get_parent(), slug="anderer")
    first = {}
    posting = threading.Thread(
        target=lambda: first.update(code=send(live_server.url, comment_form_data(post)))
    )
    posting.start()
    try:
        assert fake_akismet.holding.wait(30), "Akismet was never asked"

        def write():
            CommentFactory(post=other_post, comment="Dazwischen")
            close_old_connections()

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(30)
        assert not writer.is_alive(), "the second writer waited for the first comment's Akismet"
        assert posting.is_alive()  # the first comment is still being judged
    finally:
        fake_akismet.release.set()
        posting.join(60)
    assert first["code"] == 303
    assert Comment.objects.filter(comment="Dazwischen").exists()
    assert Comment.objects.count() == 2
