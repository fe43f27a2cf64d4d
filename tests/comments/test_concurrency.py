"""Fifty readers post at once against a running server: every comment is
stored once, with a status. Runs on SQLite (WAL) and on PostgreSQL in CI."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from comments.models import Comment
from tests.helpers import comment_form_data

pytestmark = pytest.mark.django_db(transaction=True)


def post_one(base_url, path, data):
    """As a browser does from the shared (cached) page: no token, its own Origin."""
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as http:
        page = http.get(path)
        assert "csrfmiddlewaretoken" not in page.text
        return http.post("/comments/post/", data=data, headers={"Origin": base_url}).status_code


def test_fifty_concurrent_comments_are_all_stored_once(live_server, post, settings):
    settings.COMMENTS_RATE_LIMIT = "1000/60"
    forms = [
        comment_form_data(
            post,
            name=f"Leser {n}",
            email=f"leser{n}@example.org",
            comment=f"Gleichzeitiger Kommentar Nummer {n}",
        )
        for n in range(50)
    ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda data: post_one(live_server.url, post.url, data), forms))
    assert codes == [303] * 50
    stored = list(Comment.objects.values_list("comment", "status"))
    assert sorted(text for text, _ in stored) == sorted(f["comment"] for f in forms)
    assert all(status in {"approved", "pending", "spam"} for _, status in stored)
