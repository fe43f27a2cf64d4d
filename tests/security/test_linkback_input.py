"""Addresses another site sends are checked before anything parses, queries or
stores them: a broken IPv6 literal, a control character or 2,001 characters
get a reason (400, a trackback error, a pingback fault), never a 500."""

from xmlrpc.client import Fault, dumps, loads

import pytest

from comments.linkbacks.models import IncomingWebmention
from comments.models import Comment
from tests.helpers import POST_URL

BAD_SOURCES = [
    "http://[::1/",
    "http://example.org:99999/",
    "http://exa\x00mple.org/",
    "http://example.org/a b",
    "http://example.org/" + "a" * 2000,
    "javascript:alert(1)",
]


@pytest.mark.parametrize("bad", BAD_SOURCES)
def test_webmention_refuses_bad_sources_with_a_reason(client, post, bad):
    response = client.post("/webmention/", {"source": bad, "target": POST_URL})
    assert response.status_code == 400
    assert response.content
    assert not IncomingWebmention.objects.exists()


@pytest.mark.parametrize("bad", BAD_SOURCES)
def test_trackback_refuses_bad_urls_with_a_reason(client, post, bad):
    response = client.post("/a1-mobilkom/trackback/", {"url": bad, "title": "T"})
    assert response.status_code == 200
    assert b"<error>1</error>" in response.content
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", BAD_SOURCES)
def test_pingback_answers_bad_sources_with_a_fault(client, post, bad):
    body = dumps((bad, POST_URL), "pingback.ping")
    response = client.post("/xmlrpc/", body, content_type="text/xml")
    assert response.status_code == 200
    with pytest.raises(Fault) as fault:
        loads(response.content)
    # A NUL cannot be XML at all: the request itself is malformed (-32700); any
    # other bad source is the spec's "the source URI does not exist" (0x0010).
    assert fault.value.faultCode == (-32700 if "\x00" in bad else 0x0010)


def test_a_huge_xmlrpc_body_is_refused_by_its_size(client, post, caplog):
    body = b"<?xml version='1.0'?><methodCall>" + b"x" * (20 * 1024 * 1024) + b"</methodCall>"
    response = client.post("/xmlrpc/", body, content_type="text/xml")
    assert response.status_code == 413
    with pytest.raises(Fault):
        loads(response.content)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
