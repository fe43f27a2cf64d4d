"""Fifty readers post at once against a running server: every comment is
stored once, with a status. Runs on SQLite (WAL) and on PostgreSQL in CI."""

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from comments.models import Comment
from tests.helpers import comment_form_data

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_one(base_url, path, data):
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as http:
        page = http.get(path)
        data = {**data, "csrfmiddlewaretoken": TOKEN.search(page.text)[1]}
        return http.post("/comments/post/", data=data).status_code


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
