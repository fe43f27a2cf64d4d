"""Behind a trusted proxy the reader's own address counts (rate limits, the
flood rule, Akismet, the stored comment); a forged X-Forwarded-For does not."""

import pytest

from comments.client_address import client_address, networks
from comments.models import Comment
from tests.helpers import comment_form_data

TRUSTED = networks(["127.0.0.1", "10.0.0.0/8", "::1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "reader"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # nginx on this host
        ("127.0.0.1", "forged, 203.0.113.9", "203.0.113.9"),  # the reader wrote the first
        ("127.0.0.1", "198.51.100.7, 203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two proxies
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # straight from a reader: ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "10.0.0.4, 10.0.0.5", "10.0.0.4"),  # all trusted: the first hop
    ],
)
def test_the_readers_address(peer, forwarded, reader):
    assert client_address(peer, forwarded, TRUSTED) == reader


def test_a_comment_stores_the_address_behind_the_proxy(client, post, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/comments/post/",
        comment_form_data(post),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="forged, 203.0.113.9",
    )
    assert Comment.objects.get().ip_address == "203.0.113.9"


def test_without_trusted_proxies_the_header_means_nothing(client, post, settings):
    settings.TRUSTED_PROXIES = []
    client.post(
        "/comments/post/",
        comment_form_data(post),
        REMOTE_ADDR="198.51.100.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert Comment.objects.get().ip_address == "198.51.100.1"
