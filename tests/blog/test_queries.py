"""Listing pages cost a fixed number of SQL queries, however many posts they show."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BlogCategoryFactory, BlogPageFactory


def add_posts(blog_index, count, start):
    category = BlogCategoryFactory(slug="news", name="News")
    for n in range(start, start + count):
        BlogPageFactory(
            parent=blog_index, slug=f"p{n}", tags=["A1", f"tag{n}"], categories=[category]
        )


def queries_for(client, url):
    client.get(url)  # warm caches that are filled once per process, not per request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/tag/a1/", "/category/news/", "/YEAR/", "/author/luca/"])
def test_listing_query_count_does_not_grow_with_posts(
    client, site, blog_index, author, url, django_assert_num_queries, settings
):
    settings.BLOG_POSTS_PER_PAGE = 20
    url = url.replace("YEAR", str(BlogPageFactory.build().date.year))
    BlogPageFactory(parent=blog_index, slug="first", author=author, tags=["A1"])
    add_posts(blog_index, 2, start=0)
    few = queries_for(client, url)
    for n in range(2, 12):
        BlogPageFactory(parent=blog_index, slug=f"more{n}", author=author, tags=["A1", f"x{n}"])
    client.get(url)
    with django_assert_num_queries(few):
        client.get(url)


def test_post_page_query_count_is_bounded(client, post, django_assert_max_num_queries):
    client.get(post.url)
    with django_assert_max_num_queries(12):
        assert client.get(post.url).status_code == 200


def test_a_post_page_built_from_scratch_stays_bounded(client, post, django_assert_max_num_queries):
    """Every cache empty: the discussion, the post, the sidebar and the form are built."""
    client.get(post.url)
    cache.clear()
    with django_assert_max_num_queries(20):
        assert client.get(post.url).status_code == 200
