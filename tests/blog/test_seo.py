import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from tests.factories import BlogPageFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_home_and_live_posts(client, post):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert locations == ["http://testserver/", "http://testserver/a1-mobilkom/"]


def test_robots_txt_points_at_the_sitemap(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_post_head_has_canonical_description_and_social_cards(client, post):
    post.search_description = "Ein Fehler mit tausend Empfängern"
    post.save()
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")

    def meta(attr, name):
        tag = soup.find("meta", attrs={attr: name})
        return tag["content"] if tag else None

    assert soup.find("link", rel="canonical")["href"] == "http://testserver/a1-mobilkom/"
    assert meta("name", "description") == "Ein Fehler mit tausend Empfängern"
    assert meta("property", "og:title") == post.title
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:url") == "http://testserver/a1-mobilkom/"
    assert meta("property", "article:published_time").startswith(str(post.date.year))
    assert meta("name", "twitter:card") == "summary"
    assert soup.find("html")["lang"] == "de"


def test_description_falls_back_to_the_excerpt(client, post):
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert soup.find("meta", attrs={"name": "description"})["content"] == post.excerpt


def test_archive_canonical_ignores_the_query_string(client, post):
    soup = BeautifulSoup(client.get("/tag/a1/?page=1&utm=x").content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/tag/a1/"


def test_post_page_renders_title_and_body(client, post):
    response = client.get(post.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="post__title">{post.title}</h1>' in html
    assert f"Body of {post.title}" in html


def test_listing_page_two_is_its_own_canonical(client, post, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    BlogPageFactory(parent=post.get_parent(), slug="second")
    soup = BeautifulSoup(client.get("/?page=2").content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/?page=2"


def test_tag_of_drafts_only_is_404(client, post):
    BlogPageFactory(parent=post.get_parent(), slug="draft", live=False, tags=["Entwurf"])
    assert client.get("/tag/entwurf/").status_code == 404
    assert client.get("/tag/a1/").status_code == 200
