"""A query string a reader makes up never becomes a new cache entry or a cache
key of its length: otherwise anyone could fill the cache with ?x=1, ?x=2…"""

from django.core.cache import cache

from tests.factories import CommentFactory

LONG = "9" * 60_000
LISTING = 'template.cache."listing"'


def keys(prefix):
    # LocMemCache, as the tests configure it: its keys are "<prefix>:<version>:<key>".
    return [key for key in cache._cache if prefix in key]


def test_a_huge_comment_page_number_makes_no_huge_cache_key(client, post):
    CommentFactory(post=post)
    assert client.get(f"{post.url}?cpage={LONG}").status_code == 200
    assert client.get(f"{post.url}?cpage=1").status_code == 200
    found = keys(":discussion:")
    assert found
    assert max(map(len, found)) < 200


def test_made_up_queries_of_a_feed_share_one_entry(client, post):
    CommentFactory(post=post)
    for number in range(5):
        assert client.get(f"/comments/feed/?x={number}").status_code == 200
    assert len(keys(":feed:")) == 1


def test_made_up_queries_of_a_listing_share_one_fragment(client, post):
    for number in range(5):
        assert client.get(f"/?utm_source={number}").status_code == 200
    assert len(keys(LISTING)) == 1
    assert client.get("/?page=2").status_code == 200  # clamped to the only page
    assert len(keys(LISTING)) == 1
