"""Rules about other comments hold when comments and pings arrive at once, and
Akismet is asked outside any database transaction, on SQLite and on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from xmlrpc.client import Fault, dumps, loads

import httpx
import pytest
from django.db import close_old_connections

from comments.linkbacks import pingback
from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory
from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.helpers import POST_URL, comment_form_data, page_html
from tests.security import figures

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
    stored = Comment.objects.filter(comment="Genau so.").count()
    figures.record(
        "Concurrency",
        "50 parallel identical comments: stored other than once",
        tried=50,
        failed=abs(stored - 1),
    )
    assert stored == 1
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
    stored = Comment.objects.count()
    figures.record(
        "Concurrency",
        "50 parallel posts from one address in the flood window: stored other than once",
        tried=50,
        failed=abs(stored - 1),
    )
    assert stored == 1


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


class _LinkingPage(QuietHandler):
    """Another blog's article that links to the post."""

    def do_GET(self):
        self.answer(
            200, page_html("Ein anderer Blog", f'<p><a href="{POST_URL}">Lesenswert</a></p>')
        )


def ping(base_url, source):
    """pingback.ping over real HTTP: the result string, or the fault's code."""
    body = dumps((source, POST_URL), "pingback.ping")
    with httpx.Client(base_url=base_url, timeout=60) as http:
        response = http.post("/xmlrpc/", content=body, headers={"Content-Type": "text/xml"})
    if response.status_code != 200:
        return response.status_code
    try:
        return loads(response.content)[0][0]
    except Fault as fault:
        return fault.faultCode


def test_twenty_parallel_pingbacks_from_one_source_store_one(live_server, post, settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True  # the source is on loopback
    settings.LINKBACKS_RATE_LIMIT = "1000/600"  # the duplicate rule must refuse, not this
    source_site = LoopbackServer(_LinkingPage).start()
    try:
        source = source_site.url + "/2009/01/a1/"
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(lambda _: ping(live_server.url, source), range(20)))
    finally:
        source_site.shutdown()
        source_site.server_close()
    stored = Comment.objects.filter(kind=Comment.Kind.PINGBACK, user_url=source).count()
    registered = [a for a in answers if isinstance(a, str) and "registered" in a]
    refused = (pingback.ALREADY_REGISTERED, pingback.ACCESS_DENIED)
    other = [a for a in answers if a not in registered and a not in refused]
    figures.record(
        "Concurrency",
        "20 parallel pingbacks from one source: stored other than once",
        tried=20,
        failed=min(20, abs(stored - 1) + len(other)),
    )
    assert stored == 1
    assert len(registered) == 1, answers
    assert other == [], answers
