import pytest

from tests.factories import BlogPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_opens_home_follows_the_post_and_sees_its_title(live_server, page, post):
    BlogPageFactory(parent=post.get_parent(), title="Another post", slug="another")
    page.goto(live_server.url + "/")
    assert page.locator(".post-card__title").count() == 2
    page.get_by_role("link", name=post.title, exact=True).click()
    page.wait_for_url(f"{live_server.url}/a1-mobilkom/")
    assert page.locator("h1").inner_text() == post.title
    assert "Beitrag veröffentlicht am" in page.locator(".post-meta").inner_text()


def test_reader_switches_the_language(live_server, page, post):
    page.goto(live_server.url + post.url)
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_url(f"{live_server.url}{post.url}")
    assert "Posted on" in page.locator(".post-meta").inner_text()
