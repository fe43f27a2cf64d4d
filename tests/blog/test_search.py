import pytest
from bs4 import BeautifulSoup

from tests.factories import BlogPageFactory


@pytest.fixture
def searchable(site, blog_index):
    return [
        BlogPageFactory(
            parent=blog_index,
            title="Netbook leak",
            slug="netbook",
            body=[{"type": "paragraph", "value": "<p>Über tausend Empfänger im Verteiler</p>"}],
        ),
        BlogPageFactory(parent=blog_index, title="Twitter for companies", slug="twitter"),
    ]


def result_titles(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".post-card__title a")]


def test_search_finds_posts_by_title_and_body(client, searchable):
    assert result_titles(client.get("/search/", {"q": "netbook"})) == ["Netbook leak"]
    assert result_titles(client.get("/search/", {"q": "Verteiler"})) == ["Netbook leak"]


def test_search_requires_all_words(client, searchable):
    assert result_titles(client.get("/search/", {"q": "netbook twitter"})) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        "*",
        "AND OR NOT",
        "a" * 5000,
        "'; DROP TABLE blog_blogpage; --",
        "netbook)(",
        "\x00",
        "<script>alert(1)</script>",
    ],
)
def test_bad_or_empty_queries_give_an_empty_page_never_an_error(client, searchable, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_results_are_not_indexed_by_robots(client, searchable):
    assert '<meta name="robots" content="noindex">' in client.get("/search/?q=x").content.decode()
