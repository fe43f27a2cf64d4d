import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.factories import BlogCategoryFactory, BlogPageFactory, CommentFactory, UserFactory


def titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".post-card__title a")]


def at(year, month, day=10):
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


@pytest.fixture
def posts(site, blog_index, author):
    news = BlogCategoryFactory(name="News", slug="news")
    other = UserFactory(username="werner", first_name="Werner", last_name="Reiter")
    return {
        "may": BlogPageFactory(
            parent=blog_index,
            title="May post",
            date=at(2009, 5),
            author=author,
            tags=["A1"],
            categories=[news],
        ),
        "june": BlogPageFactory(
            parent=blog_index,
            title="June post",
            date=at(2009, 6),
            author=author,
            tags=["Twitter"],
        ),
        "2010": BlogPageFactory(
            parent=blog_index,
            title="Next year",
            date=at(2010, 1),
            author=other,
            tags=["A1"],
        ),
    }


def test_home_lists_posts_newest_first_with_their_details(client, posts):
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["Next year", "June post", "May post"]
    html = response.content.decode()
    assert "Excerpt of May post" in html
    assert 'href="/tag/a1/"' in html
    assert "Werner Reiter" in html
    assert "0 Kommentare" in html


def test_home_paginates(client, posts, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    assert titles(client.get("/")) == ["Next year", "June post"]
    assert titles(client.get("/?page=2")) == ["May post"]
    # Bad page numbers never fail: they fall back to a valid page.
    assert titles(client.get("/?page=abc")) == ["Next year", "June post"]
    assert titles(client.get("/?page=99")) == ["May post"]


def test_tag_archive(client, posts):
    response = client.get("/tag/a1/")
    assert response.status_code == 200
    assert titles(response) == ["Next year", "May post"]
    assert client.get("/tag/unknown/").status_code == 404


def test_category_archive(client, posts):
    assert titles(client.get("/category/news/")) == ["May post"]
    assert client.get("/category/unknown/").status_code == 404


def test_year_and_month_archives(client, posts):
    assert titles(client.get("/2009/")) == ["June post", "May post"]
    assert titles(client.get("/2009/06/")) == ["June post"]
    assert titles(client.get("/2011/")) == []
    assert client.get("/2009/13/").status_code == 404


def test_author_archive(client, posts):
    response = client.get("/author/werner/")
    assert titles(response) == ["Next year"]
    assert "Werner Reiter" in response.content.decode()
    assert client.get("/author/nobody/").status_code == 404


def test_sidebar_counts_tags_categories_and_months(client, posts):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    sidebar = soup.select_one(".sidebar").get_text(" ", strip=True)
    assert "A1 (2)" in sidebar
    assert "News (1)" in sidebar
    assert "Juni 2009 (1)" in sidebar
    links = {a["href"] for a in soup.select(".sidebar a")}
    assert {"/tag/a1/", "/category/news/", "/2009/06/", "/2010/01/"} <= links


def test_post_page_shows_the_meta_line(client, posts):
    response = client.get(posts["may"].url)
    text = BeautifulSoup(response.content, "html.parser").select_one(".post-meta")
    line = " ".join(text.get_text(" ", strip=True).split())
    assert (
        line == "Beitrag veröffentlicht am 10. Mai 2009 in News von Luca Hammer · Schlagwörter: A1"
    )


def test_listing_counts_only_approved_comments(client, post):
    CommentFactory(post=post, status="approved")
    for status in ("pending", "spam", "trash"):
        CommentFactory(post=post, status=status)
    html = client.get("/").content.decode()
    assert "1 Kommentar<" in html
