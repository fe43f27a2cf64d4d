"""Pingback 1.0 at /xmlrpc/: real XML-RPC bodies in, real faults out, the
source fetched from a server on loopback."""

from xmlrpc.client import Fault, dumps, loads

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comments.models import Comment
from comments.moderation.status import set_status
from tests.factories import CommentFactory
from tests.helpers import POST_URL, page_html

ENDPOINT = "/xmlrpc/"


def call(client, method, *params):
    return client.post(ENDPOINT, dumps(params, method), content_type="text/xml")


def result_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    (value,), _method = loads(response.content)
    return value


def fault_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    with pytest.raises(Fault) as caught:
        loads(response.content)
    return caught.value.faultCode


def ping(client, source, target=POST_URL):
    return call(client, "pingback.ping", source, target)


def pingbacks(post):
    return Comment.objects.for_post(post).filter(kind=Comment.Kind.PINGBACK)


def long_article(target=POST_URL):
    before = " ".join(f"vorher{i:03d}" for i in range(1, 201))
    after = " ".join(f"nachher{i:03d}" for i in range(1, 201))
    return page_html(
        "Mobilfunker im Social Web",
        f'<nav>Menü</nav><p>{before} <a href="{target}">Lucas Artikel</a> {after}</p>',
    )


# --- success -------------------------------------------------------------


def test_a_ping_stores_a_pending_pingback_with_title_url_and_excerpt(client, post, source_site):
    source = source_site.serve("/2008/09/mobilfunker/", long_article())

    value = result_of(ping(client, source))

    assert "registered" in value
    comment = pingbacks(post).get()
    assert comment.status == Comment.Status.PENDING
    assert comment.user_name == "Mobilfunker im Social Web"
    assert comment.user_url == source
    words = comment.comment.split()
    assert 90 <= len(words) <= 100
    for near in ("vorher199", "vorher200", "Lucas", "Artikel", "nachher001", "nachher002"):
        assert near in words
    assert "vorher001" not in words
    assert "nachher200" not in words
    assert source_site.requests == ["/2008/09/mobilfunker/"]


def test_a_short_page_gives_its_whole_text_and_no_head_or_script(client, post, source_site):
    source = source_site.serve(
        "/kurz/",
        page_html(
            "Kurz",
            f'<script>var geheim = 1;</script><p>Siehe <a href="{POST_URL}">dort</a> bitte.</p>',
        ),
    )
    result_of(ping(client, source))
    assert pingbacks(post).get().comment == "Siehe dort bitte."


def test_punctuation_next_to_the_link_stays_attached(client, post, source_site):
    source = source_site.serve(
        "/komma/",
        page_html("Komma", f'<p>Siehe <a href="{POST_URL}">dort</a>, oder <em>hier</em>.</p>'),
    )
    result_of(ping(client, source))
    assert pingbacks(post).get().comment == "Siehe dort, oder hier."


def test_a_charset_declared_in_meta_is_honoured(client, post, source_site):
    body = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
        "<title>Grüße aus Österreich</title></head>"
        f"<body><p>Schön <a href='{POST_URL}'>hier</a> bitte</p></body></html>"
    ).encode("latin-1")
    source = source_site.serve("/latin1/", body, content_type="text/html")
    result_of(ping(client, source))
    comment = pingbacks(post).get()
    assert (comment.user_name, comment.comment) == ("Grüße aus Österreich", "Schön hier bitte")


def test_a_charset_in_the_content_type_header_is_honoured(client, post, source_site):
    body = page_html("Grüße", f"<p>Schön <a href='{POST_URL}'>hier</a> bitte</p>")
    source = source_site.serve(
        "/latin1/", body.encode("latin-1"), content_type="text/html; charset=ISO-8859-1"
    )
    result_of(ping(client, source))
    comment = pingbacks(post).get()
    assert (comment.user_name, comment.comment) == ("Grüße", "Schön hier bitte")


def test_a_page_without_title_is_named_by_its_host(client, post, source_site):
    source = source_site.serve("/ohne/", f'<p><a href="{POST_URL}">Link</a></p>')
    result_of(ping(client, source))
    assert pingbacks(post).get().user_name == "127.0.0.1"


def test_the_target_may_differ_by_fragment_and_trailing_slash(client, post, source_site):
    source = source_site.linking("/frei/", target="http://testserver/a1-mobilkom")
    result_of(ping(client, source, POST_URL + "#comments"))
    assert pingbacks(post).count() == 1


# --- faults --------------------------------------------------------------


def test_a_source_answering_404_is_fault_0x0010(client, post, source_site):
    assert fault_of(ping(client, source_site.url("/gibt-es-nicht/"))) == 0x0010
    assert not pingbacks(post).exists()


def test_an_unreachable_source_is_fault_0x0010(client, post, allow_private_hosts, closed_port):
    source = f"http://127.0.0.1:{closed_port}/artikel/"
    assert fault_of(ping(client, source)) == 0x0010
    assert not pingbacks(post).exists()


def test_a_private_source_is_not_fetched_without_the_setting(client, post, source_site, settings):
    source = source_site.linking("/privat/")
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    assert fault_of(ping(client, source)) == 0x0010
    assert source_site.requests == []


def test_a_source_without_the_link_is_fault_0x0011(client, post, source_site):
    source = source_site.serve(
        "/anderes/", page_html("Anderes", '<p><a href="http://testserver/andere/">x</a></p>')
    )
    assert fault_of(ping(client, source)) == 0x0011
    assert not pingbacks(post).exists()


@pytest.mark.parametrize(
    "target",
    [
        "http://example.com/a1-mobilkom/",
        "http://testserver/gibt-es-nicht/",
        "ftp://testserver/a1-mobilkom/",
        "kein link",
    ],
)
def test_a_target_that_is_not_our_post_is_fault_0x0020(client, post, source_site, target):
    source = source_site.linking("/a/", target=target)
    assert fault_of(ping(client, source, target)) == 0x0020
    assert source_site.requests == []


def test_a_post_without_allow_pings_is_fault_0x0021(client, post, source_site):
    post.allow_pings = False
    post.save()
    assert fault_of(ping(client, source_site.linking("/a/"))) == 0x0021
    assert not pingbacks(post).exists()
    assert source_site.requests == []


@pytest.mark.parametrize("switch", ["PINGBACK_ENABLED", "LINKBACKS_ENABLED"])
def test_pingbacks_switched_off_is_fault_0x0021(client, post, source_site, settings, switch):
    setattr(settings, switch, False)
    assert fault_of(ping(client, source_site.linking("/a/"))) == 0x0021
    assert not pingbacks(post).exists()


def test_the_other_protocols_switched_off_leave_pingbacks_open(
    client, post, source_site, settings
):
    settings.TRACKBACK_ENABLED = False
    settings.WEBMENTION_ENABLED = False
    result_of(ping(client, source_site.linking("/a/")))
    assert pingbacks(post).count() == 1


def test_a_second_ping_of_the_same_source_is_fault_0x0030(client, post, source_site):
    source = source_site.linking("/a/")
    result_of(ping(client, source))
    assert fault_of(ping(client, source)) == 0x0030
    assert pingbacks(post).count() == 1


def test_a_trashed_pingback_may_be_sent_again(client, post, source_site):
    source = source_site.linking("/a/")
    result_of(ping(client, source))
    set_status(pingbacks(post).get(), Comment.Status.TRASH)
    result_of(ping(client, source))
    assert list(pingbacks(post).values_list("status", flat=True).order_by("pk")) == [
        "trash",
        "pending",
    ]


def test_too_many_pings_are_fault_0x0031(client, post, source_site, settings):
    settings.LINKBACKS_RATE_LIMIT = "2/600"
    result_of(ping(client, source_site.linking("/eins/")))
    result_of(ping(client, source_site.linking("/zwei/")))
    assert fault_of(ping(client, source_site.linking("/drei/"))) == 0x0031
    assert sorted(pingbacks(post).values_list("user_url", flat=True)) == [
        source_site.url("/eins/"),
        source_site.url("/zwei/"),
    ]
    assert "/drei/" not in source_site.requests


# --- the XML-RPC layer ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName><params>",
        b"das ist kein XML",
        b"",
    ],
)
def test_malformed_xml_is_a_parse_fault_not_a_500(client, post, body):
    response = client.post(ENDPOINT, body, content_type="text/xml")
    assert fault_of(response) == -32700


def test_an_unknown_method_is_a_fault(client, post):
    assert fault_of(call(client, "blogger.getUsersBlogs", "a", "b")) == -32601


@pytest.mark.parametrize(
    "params",
    [(), ("http://127.0.0.1/a/",), ("http://127.0.0.1/a/", POST_URL, "x"), (1, 2)],
)
def test_wrong_params_are_a_fault(client, post, params):
    assert fault_of(call(client, "pingback.ping", *params)) == -32602
    assert not pingbacks(post).exists()


def test_list_methods_names_pingback_ping(client, post):
    methods = result_of(call(client, "system.listMethods"))
    assert "pingback.ping" in methods


def test_get_is_not_allowed(client, post):
    response = client.get(ENDPOINT)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_no_csrf_token_is_needed(post, source_site):
    strict = Client(enforce_csrf_checks=True)
    result_of(ping(strict, source_site.linking("/a/")))
    assert pingbacks(post).count() == 1


# --- moderation and display ----------------------------------------------


def comment_node(client, post, comment):
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    return page, page.select_one(f"#comment-{comment.pk}")


def test_a_pending_pingback_is_not_on_the_page(client, post, source_site):
    result_of(ping(client, source_site.linking("/a/", title="Noch geheim")))
    comment = pingbacks(post).get()
    page, node = comment_node(client, post, comment)
    assert node is None
    assert "Noch geheim" not in page.get_text()


def test_an_approved_pingback_shows_as_a_linkback_reply(client, post, source_site):
    CommentFactory(post=post, user_name="Vu")
    source = source_site.serve("/artikel/", long_article())
    result_of(ping(client, source))
    comment = pingbacks(post).get()
    set_status(comment, Comment.Status.APPROVED)

    page, node = comment_node(client, post, comment)

    assert node is not None
    assert "comment--pingback" in node["class"]
    link = node.select_one(".comment__author a")
    assert link.get_text() == "Mobilfunker im Social Web"
    assert link["href"] == source
    assert {"nofollow", "ugc"} <= set(link["rel"])
    content = node.select_one(".comment__content").get_text()
    assert content.startswith("[…] vorher")
    assert content.endswith("[…]")
    assert "Lucas Artikel nachher001" in content
    assert node.select_one(".comment__avatar") is None
    assert node.select_one(".comment__kind").get_text() == "Pingback"
    assert node.select_one(".comment__reply") is None
    assert page.select_one("#comments-title").get_text().split()[0] == "2"


def test_a_second_pingback_from_an_approved_site_is_approved_at_once(client, post, source_site):
    result_of(ping(client, source_site.linking("/erster/")))
    set_status(pingbacks(post).get(), Comment.Status.APPROVED)

    result_of(ping(client, source_site.linking("/zweiter/")))

    second = pingbacks(post).get(user_url=source_site.url("/zweiter/"))
    assert second.status == Comment.Status.APPROVED


def test_an_approved_site_does_not_vouch_for_another_site(
    client, post, source_site, start_source_site
):
    result_of(ping(client, source_site.linking("/erster/")))
    set_status(pingbacks(post).get(), Comment.Status.APPROVED)
    other = start_source_site().linking("/zweiter/")

    result_of(ping(client, other))

    assert pingbacks(post).get(user_url=other).status == Comment.Status.PENDING
