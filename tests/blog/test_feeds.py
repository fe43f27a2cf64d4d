import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import BlogCategoryFactory, BlogPageFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_posts(site, blog_index, author):
    news = BlogCategoryFactory(name="News", slug="news")
    older = timezone.now() - datetime.timedelta(days=30)
    return [
        BlogPageFactory(
            parent=blog_index,
            title="First & <older>",
            slug="first",
            author=author,
            date=older,
            tags=["A1"],
            categories=[news],
            body=[
                {
                    "type": "paragraph",
                    "value": '<p>Full text with <a href="/first/">a relative link</a>.</p>',
                }
            ],
        ),
        BlogPageFactory(parent=blog_index, title="Second", slug="second", tags=["Twitter"]),
    ]


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_site_rss_feed_is_valid_with_absolute_urls(client, feed_posts):
    channel, items = rss_items(client.get("/feed/"))
    assert channel.findtext("link") == "http://testserver/"
    assert [item.findtext("title") for item in items] == ["Second", "First & <older>"]
    first = items[1]
    assert first.findtext("link") == "http://testserver/first/"
    assert first.findtext("guid") == "http://testserver/first/"
    assert first.findtext("pubDate")
    assert "A1" in [c.text for c in first.findall("category")]
    description = first.findtext("description")
    assert 'href="http://testserver/first/"' in description
    assert 'href="/first/"' not in description


def test_feed_can_carry_excerpts_only(client, feed_posts, settings):
    settings.BLOG_FEED_FULL_TEXT = False
    _, items = rss_items(client.get("/feed/"))
    assert items[1].findtext("description") == "Excerpt of First & <older>"


def test_site_atom_feed(client, feed_posts):
    response = client.get("/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Second", "First & <older>"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == ["http://testserver/second/", "http://testserver/first/"]


@pytest.mark.parametrize(
    "url",
    ["/tag/a1/feed/", "/category/news/feed/", "/tag/a1/feed/atom/", "/category/news/feed/atom/"],
)
def test_tag_and_category_feeds_hold_only_their_posts(client, feed_posts, url):
    root = ET.fromstring(client.get(url).content)
    titles = [t.text for t in root.iter() if t.tag in ("title", f"{ATOM}title")]
    assert "First & <older>" in titles
    assert "Second" not in titles


def test_unknown_tag_feed_is_404(client, feed_posts):
    assert client.get("/tag/nope/feed/").status_code == 404


def test_pages_link_their_feeds_in_the_head(client, feed_posts):
    html = client.get("/tag/a1/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="http://testserver/tag/a1/feed/"' in html
    assert 'href="http://testserver/tag/a1/feed/atom/"' in html


def test_atom_entries_without_an_author_inherit_the_blogs(client, site, blog_index):
    BlogPageFactory(parent=blog_index, title="Anonym", slug="anonym", author=None)
    root = ET.fromstring(client.get("/feed/atom/").content)
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Kommentar"
