"""Webmention: synchronous checks answer 400, an accepted one answers 202 with
a status URL, and the verification job (immediate in tests, run on commit)
stores, updates or removes the mention."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comments.linkbacks.models import IncomingWebmention
from comments.models import Comment
from comments.moderation.status import set_status
from tests.helpers import POST_URL, page_html

ENDPOINT = "/webmention/"


@pytest.fixture
def mention(client, django_capture_on_commit_callbacks):
    """POST a Webmention and run what was queued on commit (the job)."""

    def send(source, target=POST_URL, via=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (via or client).post(ENDPOINT, {"source": source, "target": target})

    return send


def status_of(client, response):
    assert response.status_code == 202
    location = response["Location"]
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    assert parts.path.startswith("/webmention/status/")
    answer = client.get(parts.path)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    return answer.json()


def mentions(post):
    return Comment.objects.for_post(post).filter(kind=Comment.Kind.WEBMENTION)


def h_entry(content, author="Anna Autorin", title="Annas Blog"):
    return page_html(
        title,
        '<article class="h-entry">'
        f'<a class="p-author h-card" href="http://anna.example/">{author}</a>'
        f'<div class="e-content">{content}</div>'
        "</article>",
    )


# --- accepted ------------------------------------------------------------


def test_a_webmention_is_accepted_verified_and_stored(client, post, source_site, mention):
    source = source_site.linking("/notiz/", title="Eine Notiz", text="Gut gesagt")

    response = mention(source)

    assert response.status_code == 202
    token = IncomingWebmention.objects.get().token
    assert response["Location"] == f"http://testserver/webmention/status/{token}/"
    status = status_of(client, response)
    assert status["status"] == "accepted"
    assert (status["source"], status["target"]) == (source, POST_URL)
    comment = mentions(post).get()
    assert comment.kind == "webmention"
    assert comment.status == Comment.Status.PENDING
    assert comment.user_name == "Eine Notiz"
    assert comment.user_url == source
    assert comment.comment.startswith("Gut gesagt: hier")
    assert IncomingWebmention.objects.get().comment == comment
    assert source_site.requests == ["/notiz/"]


def test_nothing_is_fetched_in_the_request_itself(client, post, source_site):
    """Before commit the job has not run: the answer does not wait for the source."""
    source = source_site.linking("/notiz/")
    response = client.post(ENDPOINT, {"source": source, "target": POST_URL})
    assert response.status_code == 202
    assert source_site.requests == []
    assert status_of(client, response)["status"] == "queued"
    assert not mentions(post).exists()


def test_an_h_entry_gives_author_and_content(client, post, source_site, mention):
    source = source_site.serve(
        "/2024/antwort/",
        h_entry(f'Ich stimme <a href="{POST_URL}">Luca</a> zu: A1 muss zuhören.'),
    )
    assert status_of(client, mention(source))["status"] == "accepted"
    comment = mentions(post).get()
    assert comment.user_name == "Anna Autorin"
    assert comment.comment == "Ich stimme Luca zu: A1 muss zuhören."
    assert comment.user_url == source


def test_resending_a_changed_source_updates_the_same_comment(client, post, source_site, mention):
    source = source_site.serve("/a/", h_entry(f'Erste <a href="{POST_URL}">Fassung</a>.'))
    mention(source)
    first = mentions(post).get()
    assert first.comment == "Erste Fassung."

    source_site.serve("/a/", h_entry(f'Zweite, bessere <a href="{POST_URL}">Fassung</a>.'))
    response = mention(source)

    assert status_of(client, response)["status"] == "accepted"
    comment = mentions(post).get()
    assert comment.pk == first.pk
    assert comment.comment == "Zweite, bessere Fassung."
    assert "Zweite" in comment.body_html
    assert comment.edited_at is not None


def test_an_updated_mention_from_a_known_site_stays_approved_with_its_new_text(
    client, post, source_site, mention
):
    mention(source_site.linking("/erste/"))
    set_status(mentions(post).get(), Comment.Status.APPROVED)
    source = source_site.serve("/a/", h_entry(f'Alt <a href="{POST_URL}">x</a>.'))
    mention(source)
    assert mentions(post).get(user_url=source).status == "approved"
    source_site.serve("/a/", h_entry(f'Neu <a href="{POST_URL}">x</a>.'))

    mention(source)

    assert mentions(post).get(user_url=source).status == "approved"
    text = BeautifulSoup(client.get(post.url).content, "html.parser").get_text()
    assert "Neu x." in text
    assert "Alt x." not in text


def test_a_changed_source_is_judged_again(client, post, source_site, mention):
    """The only approved mention of a site vouches for no one but others:
    changed, it is held again, as an edited comment is re-checked."""
    source = source_site.serve("/a/", h_entry(f'Alt <a href="{POST_URL}">x</a>.'))
    mention(source)
    set_status(mentions(post).get(), Comment.Status.APPROVED)
    source_site.serve("/a/", h_entry(f'Neu <a href="{POST_URL}">x</a>.'))

    mention(source)

    comment = mentions(post).get()
    assert (comment.status, comment.comment) == ("pending", "Neu x.")
    assert "Neu x." not in client.get(post.url).content.decode()


# --- removed and rejected ------------------------------------------------


def test_a_source_now_gone_moves_the_mention_to_trash(client, post, source_site, mention):
    source = source_site.linking("/a/")
    mention(source)
    comment = mentions(post).get()
    set_status(comment, Comment.Status.APPROVED)
    source_site.serve("/a/", "Gone", status=410, content_type="text/plain")

    response = mention(source)

    assert status_of(client, response)["status"] == "removed"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert mentions(post).count() == 1
    assert f"comment-{comment.pk}" not in client.get(post.url).content.decode()


def test_a_source_no_longer_linking_moves_the_mention_to_trash(client, post, source_site, mention):
    source = source_site.linking("/a/")
    mention(source)
    source_site.serve("/a/", page_html("Geändert", "<p>Der Link ist weg.</p>"))

    status = status_of(client, mention(source))

    assert status["status"] == "removed"
    assert "does not link" in status["detail"]
    assert mentions(post).get().status == Comment.Status.TRASH


def test_a_source_that_never_linked_is_rejected(client, post, source_site, mention):
    source = source_site.serve("/a/", page_html("Nichts", "<p>Kein Link.</p>"))
    status = status_of(client, mention(source))
    assert status["status"] == "rejected"
    assert status["detail"]
    assert not Comment.objects.exists()


def test_a_missing_source_is_rejected(client, post, source_site, mention):
    status = status_of(client, mention(source_site.url("/weg/")))
    assert status["status"] == "rejected"
    assert "404" in status["detail"]
    assert not Comment.objects.exists()


def test_a_gone_source_never_stored_is_rejected(client, post, source_site, mention):
    source = source_site.serve("/a/", "Gone", status=410, content_type="text/plain")
    assert status_of(client, mention(source))["status"] == "rejected"
    assert not Comment.objects.exists()


def test_a_trashed_mention_comes_back_when_the_link_does(client, post, source_site, mention):
    source = source_site.linking("/a/")
    mention(source)
    source_site.serve("/a/", page_html("Weg", "<p>-</p>"))
    mention(source)
    source_site.linking("/a/")
    assert status_of(client, mention(source))["status"] == "accepted"
    assert sorted(mentions(post).values_list("status", flat=True)) == ["pending", "trash"]


# --- synchronous checks: 400 ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"target": POST_URL}, "source"),
        ({"source": "", "target": POST_URL}, "source"),
        ({"source": "kein link", "target": POST_URL}, "source"),
        ({"source": "ftp://example.org/a", "target": POST_URL}, "source"),
        ({"source": "http:///nur-pfad", "target": POST_URL}, "source"),
        ({"source": "http://example.org/a"}, "target"),
        ({"source": "http://example.org/a", "target": "mailto:luca@example.org"}, "target"),
        ({"source": POST_URL, "target": POST_URL}, "differ"),
        ({"source": POST_URL + "#x", "target": POST_URL}, "differ"),
        (
            {"source": "http://example.org/a", "target": "http://example.com/a1-mobilkom/"},
            "not a post",
        ),
        (
            {"source": "http://example.org/a", "target": "http://testserver/gibt-es-nicht/"},
            "not a post",
        ),
    ],
)
def test_bad_requests_are_400_with_a_reason(client, post, data, reason):
    response = client.post(ENDPOINT, data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not IncomingWebmention.objects.exists()


def test_a_post_without_allow_pings_is_400(client, post, source_site):
    post.allow_pings = False
    post.save()
    response = client.post(ENDPOINT, {"source": source_site.linking("/a/"), "target": POST_URL})
    assert response.status_code == 400
    assert "does not accept" in response.content.decode()
    assert not IncomingWebmention.objects.exists()


@pytest.mark.parametrize("switch", ["WEBMENTION_ENABLED", "LINKBACKS_ENABLED"])
def test_webmentions_switched_off_are_404(client, post, source_site, settings, switch):
    setattr(settings, switch, False)
    response = client.post(ENDPOINT, {"source": source_site.linking("/a/"), "target": POST_URL})
    assert response.status_code == 404
    assert not IncomingWebmention.objects.exists()


def test_get_is_not_allowed(client, post):
    assert client.get(ENDPOINT).status_code == 405


def test_an_unknown_status_token_is_404(client, post):
    assert client.get("/webmention/status/gibt-es-nicht/").status_code == 404


def test_no_csrf_token_is_needed(post, source_site, mention):
    strict = Client(enforce_csrf_checks=True)
    response = mention(source_site.linking("/a/"), via=strict)
    assert response.status_code == 202
    assert mentions(post).count() == 1


def test_too_many_webmentions_are_429(client, post, source_site, mention, settings):
    settings.LINKBACKS_RATE_LIMIT = "2/600"
    assert mention(source_site.linking("/eins/")).status_code == 202
    assert mention(source_site.linking("/zwei/")).status_code == 202
    assert mention(source_site.linking("/drei/")).status_code == 429
    assert IncomingWebmention.objects.count() == 2


# --- display and moderation ----------------------------------------------


def test_an_approved_mention_shows_as_erwaehnung(client, post, source_site, mention):
    source = source_site.serve("/a/", h_entry(f'Siehe <a href="{POST_URL}">Luca</a>.'))
    mention(source)
    comment = mentions(post).get()
    set_status(comment, Comment.Status.APPROVED)

    page = BeautifulSoup(client.get(post.url).content, "html.parser")

    node = page.select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__kind").get_text() == "Erwähnung"
    link = node.select_one(".comment__author a")
    assert (link.get_text(), link["href"]) == ("Anna Autorin", source)
    assert {"nofollow", "ugc"} <= set(link["rel"])
    assert node.select_one(".comment__content").get_text() == "[…] Siehe Luca. […]"
    assert node.select_one(".comment__avatar") is None
    assert page.select_one("#comments-title").get_text().split()[0] == "1"


def test_a_pending_mention_is_not_shown_or_counted(client, post, source_site, mention):
    mention(source_site.serve("/a/", h_entry(f'Geheim <a href="{POST_URL}">x</a>.')))
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert "Anna Autorin" not in page.get_text()
    assert page.select(".comment") == []
    assert not page.select_one("#comments-title").get_text().strip()[0].isdigit()


def test_a_second_mention_from_an_approved_site_is_approved_at_once(
    client, post, source_site, mention
):
    mention(source_site.linking("/erste/"))
    set_status(mentions(post).get(), Comment.Status.APPROVED)
    response = mention(source_site.linking("/zweite/"))
    assert status_of(client, response)["status"] == "accepted"
    assert mentions(post).get(user_url=source_site.url("/zweite/")).status == "approved"
