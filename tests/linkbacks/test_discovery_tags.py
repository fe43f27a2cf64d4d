"""How a post page tells other blogs where to ping it: headers, <link> tags
and the trackback RDF comment, each only while its protocol is open."""

import re

import pytest
from bs4 import BeautifulSoup, Comment

PINGBACK = "http://testserver/xmlrpc/"
WEBMENTION = "http://testserver/webmention/"
TRACKBACK = "http://testserver/a1-mobilkom/trackback/"


def discovery(client, post):
    """What a sender can discover: (headers, <link> hrefs by rel, trackback ping URLs)."""
    response = client.get(post.url)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    links = {
        rel: [tag["href"] for tag in page.select(f'head link[rel="{rel}"]')]
        for rel in ("pingback", "webmention")
    }
    rdf = [
        text
        for text in page.find_all(string=lambda s: isinstance(s, Comment))
        if "rdf:RDF" in text
    ]
    pings = [m for text in rdf for m in re.findall(r'trackback:ping="([^"]*)"', text)]
    headers = {name: response.get(name) for name in ("X-Pingback", "Link")}
    return headers, links, pings, rdf


def test_an_open_post_advertises_all_three(client, post):
    headers, links, pings, rdf = discovery(client, post)
    assert headers == {"X-Pingback": PINGBACK, "Link": f'<{WEBMENTION}>; rel="webmention"'}
    assert links == {"pingback": [PINGBACK], "webmention": [WEBMENTION]}
    assert pings == [TRACKBACK]
    assert 'rdf:about="http://testserver/a1-mobilkom/"' in rdf[0]
    assert 'dc:identifier="http://testserver/a1-mobilkom/"' in rdf[0]


def test_the_advertised_endpoints_answer(client, post):
    """What is advertised is where the endpoints really are."""
    assert client.get(PINGBACK).status_code == 405  # POST only, but there
    assert client.get(WEBMENTION).status_code == 405
    response = client.post(TRACKBACK, {})
    assert response.status_code == 200
    assert b"<error>1</error>" in response.content


def test_pingback_switched_off(client, post, settings):
    settings.PINGBACK_ENABLED = False
    headers, links, pings, _rdf = discovery(client, post)
    assert headers["X-Pingback"] is None
    assert links["pingback"] == []
    assert headers["Link"] == f'<{WEBMENTION}>; rel="webmention"'
    assert links["webmention"] == [WEBMENTION]
    assert pings == [TRACKBACK]


def test_webmention_switched_off(client, post, settings):
    settings.WEBMENTION_ENABLED = False
    headers, links, pings, _rdf = discovery(client, post)
    assert headers["Link"] is None
    assert links["webmention"] == []
    assert headers["X-Pingback"] == PINGBACK
    assert links["pingback"] == [PINGBACK]
    assert pings == [TRACKBACK]


def test_trackback_switched_off(client, post, settings):
    settings.TRACKBACK_ENABLED = False
    headers, links, pings, rdf = discovery(client, post)
    assert pings == []
    assert rdf == []
    assert "trackback:ping" not in client.get(post.url).content.decode()
    assert headers["X-Pingback"] == PINGBACK
    assert links["webmention"] == [WEBMENTION]


def nothing_advertised(client, post):
    headers, links, pings, rdf = discovery(client, post)
    assert headers == {"X-Pingback": None, "Link": None}
    assert links == {"pingback": [], "webmention": []}
    assert (pings, rdf) == ([], [])
    html = client.get(post.url).content.decode()
    for url in (PINGBACK, WEBMENTION, TRACKBACK):
        assert url not in html


def test_all_linkbacks_switched_off(client, post, settings):
    settings.LINKBACKS_ENABLED = False
    nothing_advertised(client, post)


def test_a_post_without_allow_pings_advertises_nothing(client, post):
    post.allow_pings = False
    post.save()
    nothing_advertised(client, post)


@pytest.mark.parametrize("setting", ["PINGBACK_ENABLED", "WEBMENTION_ENABLED"])
def test_the_headers_follow_the_setting_on_each_request(client, post, settings, setting):
    """No cached page keeps advertising an endpoint that was switched off."""
    name = {"PINGBACK_ENABLED": "X-Pingback", "WEBMENTION_ENABLED": "Link"}[setting]
    assert client.get(post.url).get(name)
    setattr(settings, setting, False)
    assert client.get(post.url).get(name) is None
