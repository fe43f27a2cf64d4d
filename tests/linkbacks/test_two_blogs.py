"""End to end between two live blogs: A publishes a post linking to B, and B
learns of it by Webmention, pingback or trackback, as real blogs would.

Both run as gunicorn processes on 127.0.0.1 (tests/linkbacks/two_blogs.py),
so every request here is real HTTP between two separate processes and
databases; the immediate task backend makes each publish return only once
its pings (and B's verification of them) are done.
"""

import re

import httpx
import pytest

from tests.linkbacks import two_blogs
from tests.linkbacks.two_blogs import (
    SEED_SLUG,
    approve,
    incoming_webmentions,
    linkbacks,
    publish_post,
)

# Fixtures from elsewhere, under their own names.
blogs = two_blogs.blogs
blog_pair = two_blogs.blog_pair
blog_a = two_blogs.blog_a
blog_b = two_blogs.blog_b
blog_b_without_webmention = two_blogs.blog_b_without_webmention


def b_seed_via_localhost(blog):
    """B's seed post under the other name of 127.0.0.1, which B accepts (ALLOWED_HOSTS);
    another test links to B as it names itself, http://127.0.0.1:<B's port>/."""
    return f"http://localhost:{blog.port}/{SEED_SLUG}/"


@pytest.mark.browser
def test_webmention_from_a_reaches_b_and_shows_once_approved(blog_a, blog_b, page):
    target = b_seed_via_localhost(blog_b)
    title = "Noch ein Blick auf die Social Web Kompetenz"
    sent = publish_post(
        blog_a,
        title=title,
        slug="noch-ein-blick",
        paragraphs=[
            f'<p>Drüben gibt es eine lesenswerte Zusammenfassung: <a href="{target}">die '
            "Geschichte mit A1</a>, samt Kürbisgewächsen und Quittenmarmelade.</p>"
        ],
    )
    source = sent["url"]
    assert source == blog_a.at("/noch-ein-blick/")

    # A: one ping, to B, by Webmention, answered 202 (B took it and verified it).
    assert [(p["target"], p["protocol"], p["outcome"], p["attempts"]) for p in sent["pings"]] == [
        (target, "webmention", "sent", 1)
    ]
    assert sent["pings"][0]["detail"] == "HTTP 202"

    # B: the mention was verified against A's live page and held for moderation.
    [mention] = incoming_webmentions(blog_b, source)
    assert (mention["state"], mention["target"]) == ("accepted", target)
    [stored] = linkbacks(blog_b, source_prefix=source)
    assert stored["kind"] == "webmention"
    assert stored["status"] == "pending"
    assert stored["user_url"] == source
    assert title in stored["user_name"]
    assert "Quittenmarmelade" in stored["comment"]

    # Status URL of the mention, read over HTTP.
    status = httpx.get(blog_b.at(f"/webmention/status/{mention['token']}/"), timeout=5)
    assert status.json()["status"] == "accepted"

    # Held mentions are not shown to readers.
    page.goto(blog_b.seed_url)
    assert page.locator(f'.comment a[href="{source}"]').count() == 0

    assert approve(blog_b, stored["pk"])["status"] == "approved"

    page.goto(blog_b.seed_url)
    reply = page.locator("li.comment--webmention", has=page.locator(f'a[href="{source}"]'))
    assert reply.count() == 1
    link = reply.locator(".comment__author a")
    assert title in link.inner_text()
    assert link.get_attribute("href") == source
    assert reply.locator(".comment__kind").inner_text().strip() == "Erwähnung"
    excerpt = reply.locator(".comment__content").inner_text().strip()
    assert excerpt.startswith("[…]")
    assert excerpt.endswith("[…]")
    assert "Kürbisgewächsen und Quittenmarmelade" in excerpt


def test_webmention_to_b_at_its_own_address_on_the_same_host(blog_a, blog_b):
    """The link as B itself names its post: http://127.0.0.1:<B's port>/…/."""
    sent = publish_post(
        blog_a,
        title="Derselbe Rechner, ein anderer Blog",
        slug="derselbe-rechner",
        paragraphs=[f'<p>Siehe <a href="{blog_b.seed_url}">den Beitrag drüben</a>.</p>'],
    )
    assert [(p["target"], p["protocol"], p["outcome"]) for p in sent["pings"]] == [
        (blog_b.seed_url, "webmention", "sent")
    ]
    [stored] = linkbacks(blog_b, source_prefix=sent["url"])
    assert stored["kind"] == "webmention"


def test_pingback_when_b_takes_no_webmentions(blog_a, blog_b_without_webmention):
    receiver = blog_b_without_webmention
    seed = httpx.get(receiver.seed_url, timeout=5)
    assert "webmention" not in seed.headers.get("link", "")  # nothing to discover
    assert seed.headers["x-pingback"] == receiver.at("/xmlrpc/")

    target = b_seed_via_localhost(receiver)
    sent = publish_post(
        blog_a,
        title="Pingback wie früher",
        slug="pingback-wie-frueher",
        paragraphs=[f'<p>Ein Klassiker: <a href="{target}">dieser Beitrag</a>. Rhabarber.</p>'],
    )
    source = sent["url"]
    assert [(p["target"], p["protocol"], p["outcome"]) for p in sent["pings"]] == [
        (target, "pingback", "sent")
    ]
    assert sent["pings"][0]["detail"] == "accepted"

    [stored] = linkbacks(receiver, source_prefix=source)
    assert stored["kind"] == "pingback"
    assert stored["user_url"] == source
    assert "Rhabarber" in stored["comment"]
    assert incoming_webmentions(receiver, source) == []


def test_trackback_posted_to_b_is_stored(blog_a, blog_b):
    # A's page links to B's post as B names it; publish=False: no pings of A's own.
    made = publish_post(
        blog_a,
        title="Ein Trackback nach alter Art",
        slug="trackback-nach-alter-art",
        paragraphs=[f'<p>Siehe <a href="{blog_b.seed_url}">drüben</a>.</p>'],
        publish=False,
    )
    source = made["url"]
    assert made["pings"] == []

    answer = httpx.post(
        blog_b.seed_url + "trackback/",
        data={
            "url": source,
            "title": "Ein Trackback nach alter Art",
            "excerpt": "Wie gut kennt sich A1 mit dem Social Web aus?",
            "blog_name": "Blog A",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert re.search(r"<error>0</error>", answer.text), answer.text
    assert "<message>" not in answer.text

    [stored] = linkbacks(blog_b, source_prefix=source)
    assert stored["kind"] == "trackback"
    assert stored["user_url"] == source
    assert stored["user_name"] == "Ein Trackback nach alter Art"
    assert stored["comment"] == "Wie gut kennt sich A1 mit dem Social Web aus?"

    # The same again is refused, and nothing more is stored.
    again = httpx.post(blog_b.seed_url + "trackback/", data={"url": source}, timeout=10)
    assert "<error>1</error>" in again.text
    assert len(linkbacks(blog_b, source_prefix=source)) == 1


def test_b_rejects_a_webmention_whose_source_does_not_link(blog_a, blog_b):
    source = blog_a.at("/bcc-ist-kein-hexenwerk/")  # a live page of A without a link to B
    assert httpx.get(source, timeout=5).status_code == 200

    answer = httpx.post(
        blog_b.at("/webmention/"), data={"source": source, "target": blog_b.seed_url}, timeout=10
    )
    assert answer.status_code == 202
    status_url = answer.headers["location"]
    assert status_url.startswith(blog_b.at("/webmention/status/"))

    status = httpx.get(status_url, timeout=5).json()
    assert status["status"] == "rejected"
    assert status["source"] == source
    assert "does not link" in status["detail"]
    assert linkbacks(blog_b, source_prefix=source) == []
    assert [m["state"] for m in incoming_webmentions(blog_b, source)] == ["rejected"]
