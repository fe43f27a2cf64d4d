"""Trackback: POST <post-url>trackback/ with url, title, excerpt and blog_name."""

import xml.etree.ElementTree as ET
from xmlrpc.client import dumps

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comments.models import Comment
from comments.moderation.status import set_status
from tests.helpers import page_html

ENDPOINT = "/a1-mobilkom/trackback/"


def send(client, path=ENDPOINT, **data):
    return client.post(path, data)


def answer(response):
    """(error, message) of a trackback response, which must be text/xml."""
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "response"
    message = root.find("message")
    return root.findtext("error"), (message.text if message is not None else None)


def trackbacks(post):
    return Comment.objects.for_post(post).filter(kind=Comment.Kind.TRACKBACK)


def fields(source, **extra):
    return {
        "url": source,
        "title": "Social Web und Mobilfunk",
        "excerpt": "A1 hat da noch einiges zu lernen, schreibt Luca.",
        "blog_name": "Ein anderer Blog",
        **extra,
    }


def test_a_trackback_is_stored_with_title_as_name_and_excerpt_as_text(client, post, source_site):
    source = source_site.linking("/2008/a1/")

    response = send(client, **fields(source))

    assert response.status_code == 200
    assert answer(response) == ("0", None)
    assert b"<response>\n<error>0</error>\n</response>" in response.content
    comment = trackbacks(post).get()
    assert comment.kind == "trackback"
    assert comment.user_name == "Social Web und Mobilfunk"
    assert comment.comment == "A1 hat da noch einiges zu lernen, schreibt Luca."
    assert comment.user_url == source
    assert comment.status == Comment.Status.PENDING
    assert source_site.requests == ["/2008/a1/"]


def test_without_an_excerpt_the_text_around_the_link_is_used(client, post, source_site):
    source = source_site.linking("/a/", text="Ein guter Punkt")
    assert answer(send(client, url=source, title="Titel"))[0] == "0"
    assert trackbacks(post).get().comment.startswith("Ein guter Punkt: hier")


def test_without_a_title_the_url_names_it(client, post, source_site):
    source = source_site.linking("/a/")
    assert answer(send(client, url=source, excerpt="Text"))[0] == "0"
    assert trackbacks(post).get().user_name == source


@pytest.mark.parametrize("url", [None, "", "   ", "javascript:alert(1)", "ftp://example.org/"])
def test_a_missing_or_bad_url_is_error_1_with_a_message(client, post, url):
    data = fields(url) if url is not None else {"title": "Ohne url"}
    error, message = answer(send(client, **data))
    assert error == "1"
    assert message and "url" in message
    assert not trackbacks(post).exists()


def test_a_source_that_does_not_link_is_refused_when_verifying(
    client, post, source_site, settings
):
    settings.TRACKBACK_VERIFY = True
    source = source_site.serve("/a/", page_html("Anders", "<p>Kein Link hierher.</p>"))
    error, message = answer(send(client, **fields(source)))
    assert error == "1"
    assert "does not link" in message
    assert not trackbacks(post).exists()


def test_a_missing_source_is_refused_when_verifying(client, post, source_site, settings):
    settings.TRACKBACK_VERIFY = True
    error, message = answer(send(client, **fields(source_site.url("/weg/"))))
    assert error == "1"
    assert "404" in message
    assert not trackbacks(post).exists()


def test_without_verifying_the_source_is_not_even_fetched(client, post, source_site, settings):
    settings.TRACKBACK_VERIFY = False
    source = source_site.serve("/a/", page_html("Anders", "<p>Kein Link hierher.</p>"))
    assert answer(send(client, **fields(source))) == ("0", None)
    assert trackbacks(post).get().user_url == source
    assert source_site.requests == []


def test_a_second_trackback_from_the_same_url_is_refused(client, post, source_site):
    source = source_site.linking("/a/")
    assert answer(send(client, **fields(source)))[0] == "0"
    error, message = answer(send(client, **fields(source, title="Nochmal")))
    assert error == "1"
    assert "already" in message
    assert trackbacks(post).count() == 1


def test_a_pingback_and_a_trackback_of_one_source_are_one_linkback(client, post, source_site):
    source = source_site.linking("/a/")
    client.post(
        "/xmlrpc/",
        dumps((source, "http://testserver/a1-mobilkom/"), "pingback.ping"),
        content_type="text/xml",
    )
    assert answer(send(client, **fields(source)))[0] == "1"
    assert Comment.objects.for_post(post).count() == 1


def test_a_post_without_allow_pings_refuses(client, post, source_site):
    post.allow_pings = False
    post.save()
    error, message = answer(send(client, **fields(source_site.linking("/a/"))))
    assert error == "1"
    assert message
    assert not trackbacks(post).exists()
    assert source_site.requests == []


@pytest.mark.parametrize("switch", ["TRACKBACK_ENABLED", "LINKBACKS_ENABLED"])
def test_trackbacks_switched_off_refuse(client, post, source_site, settings, switch):
    setattr(settings, switch, False)
    error, _message = answer(send(client, **fields(source_site.linking("/a/"))))
    assert error == "1"
    assert not trackbacks(post).exists()


@pytest.mark.parametrize("path", ["/gibt-es-nicht/trackback/", "/a1/b2/trackback/"])
def test_an_unknown_post_is_404_with_error_1(client, post, source_site, path):
    response = send(client, path, **fields(source_site.linking("/a/")))
    assert response.status_code == 404
    error, message = answer(response)
    assert error == "1"
    assert message
    assert not Comment.objects.exists()


def test_get_is_not_allowed(client, post):
    assert client.get(ENDPOINT).status_code == 405


def test_no_csrf_token_is_needed(post, source_site):
    strict = Client(enforce_csrf_checks=True)
    response = send(strict, **fields(source_site.linking("/a/")))
    assert response.status_code == 200
    assert answer(response) == ("0", None)
    assert trackbacks(post).count() == 1


def test_too_many_trackbacks_are_refused(client, post, source_site, settings):
    settings.LINKBACKS_RATE_LIMIT = "2/600"
    for path in ("/eins/", "/zwei/"):
        assert answer(send(client, **fields(source_site.linking(path))))[0] == "0"
    error, message = answer(send(client, **fields(source_site.linking("/drei/"))))
    assert error == "1"
    assert "Too many" in message
    assert trackbacks(post).count() == 2


def test_html_in_title_excerpt_and_blog_name_is_stripped(client, post, source_site):
    source = source_site.linking("/a/")
    response = send(
        client,
        url=source,
        title="<script>alert('t')</script><b>Fetter</b> Titel",
        excerpt='<p>Ein <a href="http://spam.example/">Link</a><script>alert("e")</script></p>',
        blog_name="<i>Blog</i>",
    )
    assert answer(response)[0] == "0"
    comment = trackbacks(post).get()
    assert "<" not in comment.user_name
    assert "<" not in comment.comment
    assert comment.user_name == "alert('t')Fetter Titel"
    assert comment.comment.startswith("Ein Link")
    set_status(comment, Comment.Status.APPROVED)

    html = client.get(post.url).content.decode()

    assert "<script>alert" not in html
    assert "spam.example" not in html
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__author a").get_text() == "alert('t')Fetter Titel"
    assert node.select("script") == []


def test_an_approved_trackback_shows_its_label_and_excerpt(client, post, source_site):
    source = source_site.linking("/a/")
    send(client, **fields(source))
    comment = trackbacks(post).get()
    set_status(comment, Comment.Status.APPROVED)

    page = BeautifulSoup(client.get(post.url).content, "html.parser")

    node = page.select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__kind").get_text() == "Trackback"
    link = node.select_one(".comment__author a")
    assert (link.get_text(), link["href"]) == ("Social Web und Mobilfunk", source)
    assert {"nofollow", "ugc"} <= set(link["rel"])
    assert node.select_one(".comment__content").get_text() == (
        "[…] A1 hat da noch einiges zu lernen, schreibt Luca. […]"
    )
    assert node.select_one(".comment__avatar") is None
    assert page.select_one("#comments-title").get_text().split()[0] == "1"


def test_a_second_trackback_from_an_approved_site_is_approved_at_once(client, post, source_site):
    send(client, **fields(source_site.linking("/erster/")))
    set_status(trackbacks(post).get(), Comment.Status.APPROVED)
    send(client, **fields(source_site.linking("/zweiter/")))
    assert trackbacks(post).get(user_url=source_site.url("/zweiter/")).status == "approved"
