"""Forms on shared pages are checked by origin; a reader with a session, a
logged-in one above all, still needs Django's token."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.helpers import comment_form_data, make_reader

POST_URL = "/comments/post/"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site's page
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
def test_a_cross_site_post_without_a_session_is_refused(post, headers):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(POST_URL, comment_form_data(post), headers=headers)
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}],
)
def test_a_post_from_this_site_without_a_session_is_accepted(post, headers):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(POST_URL, comment_form_data(post), headers=headers).status_code == 303


def test_trusted_origins_count_as_this_site(post, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://blog.example.org"]
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        POST_URL, comment_form_data(post), headers={"Origin": "https://blog.example.org"}
    )
    assert response.status_code == 303


def test_a_logged_in_reader_needs_the_token_even_from_this_site(post):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_reader())
    same = {"Sec-Fetch-Site": "same-origin"}
    data = comment_form_data(post, comment="Mit Sitzung")
    for field in ("name", "email", "url"):
        data.pop(field, None)
    assert browser.post(POST_URL, data, headers=same).status_code == 403
    page = browser.get(post.url)
    assert "private" in page["Cache-Control"]
    marker = 'name="csrfmiddlewaretoken" value="'
    token = page.content.decode().split(marker, 1)[1].split('"', 1)[0]
    data["csrfmiddlewaretoken"] = token
    assert browser.post(POST_URL, data, headers=same).status_code == 303
    assert Comment.objects.get().comment == "Mit Sitzung"
