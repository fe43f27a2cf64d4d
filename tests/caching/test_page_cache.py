"""Anonymous pages are shareable (no cookie, no token, public Cache-Control),
answer conditional requests without rendering, and are written for nginx to
serve; a change empties the page cache once committed."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from comments.caching import pagecache, versions
from comments.models import Comment
from tests.factories import CommentFactory
from tests.helpers import comment_form_data

ASKED_FOR_DE = {"HTTP_X_PAGE_CACHE_LANGUAGE": "de", "HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def cache_dir(settings, tmp_path):
    settings.PAGE_CACHE_DIR = str(tmp_path / "pages")
    return tmp_path / "pages"


def test_an_anonymous_page_carries_nothing_personal(client, post):
    response = client.get(post.url)
    assert response.status_code == 200
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response["ETag"].startswith('W/"')
    assert "Last-Modified" in response
    assert "Accept-Language" in response["Vary"]


def test_a_reader_with_a_session_gets_a_private_page_with_a_token(client, post):
    client.post("/comments/post/", comment_form_data(post, email="neu@example.org"))
    response = client.get(post.url)
    assert "private" in response["Cache-Control"]
    assert b"csrfmiddlewaretoken" in response.content
    assert "ETag" not in response


def test_a_conditional_request_is_answered_without_rendering(
    client, post, django_assert_max_num_queries
):
    first = client.get(post.url)
    with django_assert_max_num_queries(1):
        again = client.get(post.url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    by_date = client.get(post.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


def test_a_change_makes_the_old_etag_stale(client, post):
    first = client.get(post.url)
    CommentFactory(post=post, comment="Neu")
    again = client.get(post.url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_english_and_german_get_different_etags(client, post):
    german = client.get(post.url, HTTP_ACCEPT_LANGUAGE="de")
    english = client.get(post.url, HTTP_ACCEPT_LANGUAGE="en")
    assert german["ETag"] != english["ETag"]
    assert (
        client.get(
            post.url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=german["ETag"]
        ).status_code
        == 200
    )


def test_feeds_answer_conditional_requests(client, post):
    CommentFactory(post=post)
    feed = client.get("/comments/feed/")
    assert feed["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert client.get("/comments/feed/", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304


def test_the_page_is_written_where_nginx_looks(client, post, cache_dir):
    response = client.get(post.url, **ASKED_FOR_DE)
    written = cache_dir / post.url.strip("/") / "index.de.html"
    assert written.read_bytes() == response.content
    client.get(post.url + "?cpage=2", **ASKED_FOR_DE)
    assert (cache_dir / post.url.strip("/") / "index.de-cpage-2.html").exists()


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {"HTTP_ACCEPT_LANGUAGE": "de"}),  # nginx did not ask: a bypassing request
        ("", {"HTTP_X_PAGE_CACHE_LANGUAGE": "en", "HTTP_ACCEPT_LANGUAGE": "de"}),
        ("?replytocom=1", ASKED_FOR_DE),
        ("?cpage=02", ASKED_FOR_DE),
        ("", {**ASKED_FOR_DE, "HTTP_COOKIE": "kommentar_author=x"}),
    ],
)
def test_no_file_unless_nginx_would_serve_exactly_this(client, post, cache_dir, query, headers):
    client.get(post.url + query, **headers)
    assert not cache_dir.exists() or not any(cache_dir.rglob("*.html"))


def test_a_change_committed_empties_the_cache(
    client, post, cache_dir, django_capture_on_commit_callbacks
):
    client.get(post.url, **ASKED_FOR_DE)
    client.get("/", **ASKED_FOR_DE)
    assert len(list(cache_dir.rglob("*.html"))) == 2
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(post=post)
    assert not cache_dir.exists()
    assert not any(cache_dir.parent.glob("pages.old-*"))


def test_a_page_rendered_across_a_change_is_not_kept(client, post, cache_dir, monkeypatch):
    """The version moved while the page was being rendered: the file undoes itself."""
    real_fresh = versions.fresh

    def changed_meanwhile(key):
        CommentFactory(post=post)
        return real_fresh(key)

    monkeypatch.setattr(versions, "fresh", changed_meanwhile)
    client.get(post.url, **ASKED_FOR_DE)
    assert not any(cache_dir.rglob("*.html"))


def test_a_pending_comment_does_not_empty_the_cache(
    client, post, cache_dir, django_capture_on_commit_callbacks
):
    client.get(post.url, **ASKED_FOR_DE)
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(post=post, status=Comment.Status.PENDING)
    assert any(cache_dir.rglob("*.html"))


@pytest.mark.parametrize("path", ["/../etc/", "/a/./b/", "/x\\y/", "/no-slash"])
def test_unsafe_paths_are_never_files(rf, settings, tmp_path, path):
    settings.PAGE_CACHE_DIR = str(tmp_path)
    request = rf.get("/")
    request.path = path
    assert pagecache.file_for(request, "de") is None


def test_every_personal_cookie_is_personal(rf):
    for name in ("sessionid", "kommentar_author", "messages", "django_language"):
        request = rf.get("/")
        request.COOKIES[name] = "x"
        assert pagecache.is_personal(request)
    request = rf.get("/")
    request.COOKIES["csrftoken"] = "x"
    assert not pagecache.is_personal(request)


def test_posting_from_a_shared_page_works_without_javascript(post):
    """The browser's form POST from a cached page: no token, its own origin."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(post.url)
    assert b"csrfmiddlewaretoken" not in page.content
    data = comment_form_data(post, comment="Vom geteilten Blatt")
    sent = browser.post("/comments/post/", data, headers={"Sec-Fetch-Site": "same-origin"})
    assert sent.status_code == 303
    assert Comment.objects.get().comment == "Vom geteilten Blatt"


def test_making_a_page_private_empties_the_cache(
    client, post, cache_dir, django_capture_on_commit_callbacks
):
    client.get(post.url, **ASKED_FOR_DE)
    assert any(cache_dir.rglob("*.html"))
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=post, restriction_type="login")
    assert not cache_dir.exists()
    assert client.get(post.url, **ASKED_FOR_DE).status_code == 302
    assert not cache_dir.exists()
