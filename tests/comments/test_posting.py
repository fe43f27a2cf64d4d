import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from comments.forms import CommentForm
from comments.models import Comment
from tests.factories import CommentFactory
from tests.helpers import comment_form_data

POST_URL = "/comments/post/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def textarea(page):
    """The text a browser shows: HTML drops a textarea's first newline."""
    text = page.select_one("#id_comment").get_text()
    return text[1:] if text.startswith("\n") else text


def test_guest_first_comment_is_held_and_shown_only_to_its_author(client, post):
    response = client.post(POST_URL, comment_form_data(post))
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert response["Location"] == f"/a1-mobilkom/#comment-{comment.pk}"

    page = client.get(post.url).content.decode()
    assert "Dein Kommentar wartet auf Freischaltung." in page
    assert "Hallo! Ein peinlicher Fehler" in page

    stranger = client.__class__()
    other = stranger.get(post.url).content.decode()
    assert "Hallo! Ein peinlicher Fehler" not in other
    assert "Noch keine Kommentare" in other


def test_author_with_an_approved_comment_is_approved_at_once(client, post):
    CommentFactory(post=post, user_email="Marcus@Example.org")
    client.post(POST_URL, comment_form_data(post, comment="Nochmal ich."))
    assert Comment.objects.get(comment="Nochmal ich.").status == "approved"
    page = client.get(post.url).content.decode()
    assert "2 Antworten zu „Wie gut ist die Social Web Kompetenz von A1 Mobilkom?“" in page


def test_heading_counts_honestly(client, post):
    page = client.get(post.url).content.decode()
    assert "Noch keine Kommentare" in page
    CommentFactory(post=post)
    page = client.get(post.url).content.decode()
    assert "1 Antwort zu „Wie gut ist" in page


@pytest.mark.parametrize(
    "fields, field_with_error",
    [
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"comment": "x" * 3001}, "comment"),
    ],
)
def test_invalid_input_shows_inline_errors_and_keeps_the_text(
    client, post, fields, field_with_error
):
    text = fields.get("comment", "Mein langer, sorgfältig geschriebener Kommentar.")
    data = comment_form_data(post, **{"comment": text, **fields})
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    page = soup(response)
    field = page.select_one(f".comment-form__field--{field_with_error}")
    assert field.select_one(".comment-form__error")
    assert textarea(page) == text
    if data["name"]:
        assert page.select_one("#id_name")["value"] == data["name"]
    assert not Comment.objects.exists()


def test_too_long_comment_says_how_long_it_is(client, post):
    response = client.post(POST_URL, comment_form_data(post, comment="x" * 3001))
    error = soup(response).select_one(".comment-form__field--comment .comment-form__error")
    assert "3001" in error.get_text()
    assert "3000" in error.get_text()


def test_expired_form_is_shown_again_with_the_text(client, post):
    data = comment_form_data(post, comment="Nicht verlieren!")
    data["timestamp"] = str(int(data["timestamp"]) - 31 * 24 * 3600)
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    page = soup(response)
    assert textarea(page) == "Nicht verlieren!"
    assert "abgelaufen" in page.select_one("#respond").get_text()
    resend = {i["name"]: i.get("value", "") for i in page.select("#commentform input[name]")}
    resend["comment"] = textarea(page)
    assert client.post(POST_URL, resend).status_code == 303


def test_a_form_from_a_page_cached_for_days_is_accepted(client, post):
    """The page cache may hand out a form rendered days ago (until it is emptied)."""
    data = comment_form_data(post, comment="Aus dem Cache")
    for days, status in ((3, 303), (31, 400)):
        rendered = int(data["timestamp"]) - days * 24 * 3600
        data["security_hash"] = CommentForm(post).initial_security_hash(rendered)
        data["timestamp"] = str(rendered)
        assert client.post(POST_URL, data).status_code == status, days


def test_csrf_failure_keeps_the_text(post):
    browser = Client(enforce_csrf_checks=True)
    data = comment_form_data(post, comment="Trotz CSRF behalten")
    response = browser.post(POST_URL, data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert not Comment.objects.exists()
    page = soup(response)
    assert textarea(page) == "Trotz CSRF behalten"
    resend = {i["name"]: i.get("value", "") for i in page.select("#commentform input[name]")}
    resend.update(comment="Trotz CSRF behalten")
    sent_here = browser.post(POST_URL, resend, headers={"Origin": "http://testserver"})
    assert sent_here.status_code == 303
    assert Comment.objects.get().comment == "Trotz CSRF behalten"


def test_honeypot_is_refused_by_the_pipeline_and_keeps_the_text(client, post):
    data = comment_form_data(post, honeypot="spam", comment="Mein Text bleibt")
    response = client.post(POST_URL, data)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Dein Kommentar sieht nach Spam aus" in page
    assert "Mein Text bleibt" in page
    assert not Comment.objects.exists()


def test_closed_comments_refuse_posts_and_say_so(client, post):
    post.allow_comments = False
    post.save()
    page = client.get(post.url).content.decode()
    assert "Die Kommentare sind geschlossen." in page
    assert 'id="commentform"' not in page
    response = client.post(POST_URL, comment_form_data(post))
    assert response.status_code == 403
    assert "Die Kommentare sind geschlossen." in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_close_after_n_days(client, post, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    post.date = timezone.now() - datetime.timedelta(days=15)
    post.save()
    assert client.post(POST_URL, comment_form_data(post)).status_code == 403
    post.date = timezone.now() - datetime.timedelta(days=13)
    post.save()
    assert client.post(POST_URL, comment_form_data(post)).status_code == 303


def test_unknown_or_draft_post_is_refused(client, post):
    assert client.post(POST_URL, comment_form_data(post, object_pk="99999")).status_code == 400
    post.unpublish()
    assert client.post(POST_URL, comment_form_data(post)).status_code == 400


def test_reply_without_javascript(client, post):
    parent = CommentFactory(post=post, user_name="Vu")
    page = soup(client.get(f"{post.url}?replytocom={parent.pk}"))
    assert (
        page.select_one("#reply-title")
        .get_text(" ", strip=True)
        .startswith("Antworte auf den Kommentar von Vu")
    )
    assert page.select_one("input[name=reply_to]")["value"] == str(parent.pk)
    CommentFactory(post=post, user_email="nila@example.org")
    client.post(
        POST_URL,
        comment_form_data(
            post,
            name="Nila",
            email="nila@example.org",
            comment="@Vu: Nur, dass ...",
            reply_to=str(parent.pk),
        ),
    )
    reply = Comment.objects.get(user_name="Nila", comment__startswith="@Vu")
    assert reply.parent_id == parent.pk
    assert reply.level == 1
    assert f'href="/comments/{parent.pk}/"' in reply.body_html


def test_replies_nest_no_deeper_than_the_limit(client, post, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 1
    top = CommentFactory(post=post)
    child = CommentFactory(post=post, parent_id=top.pk)
    assert child.level == 1
    CommentFactory(post=post, user_email="marcus@example.org")
    client.post(POST_URL, comment_form_data(post, reply_to=str(child.pk), comment="Tief"))
    deep = Comment.objects.get(comment="Tief")
    assert deep.level == 1
    assert deep.parent_id == top.pk
    page = soup(client.get(post.url))
    assert page.select_one(f"#comment-{child.pk} .comment__reply") is None
    assert page.select_one(f"#comment-{top.pk} .comment__reply") is not None


def test_save_info_cookie_only_when_ticked(client, post):
    client.post(POST_URL, comment_form_data(post))
    assert "kommentar_author" not in client.cookies
    client.post(POST_URL, comment_form_data(post, comment="Zweiter", save_info="on"))
    assert "kommentar_author" in client.cookies
    assert client.cookies["kommentar_author"]["httponly"]
    page = soup(client.get(post.url))
    assert page.select_one("#id_name")["value"] == "Marcus Greyer"
    assert page.select_one("#id_save_info").has_attr("checked")
    client.post(POST_URL, comment_form_data(post, comment="Dritter"))
    assert client.cookies["kommentar_author"].value == ""


def test_logged_in_user_sees_who_they_are_and_no_name_fields(client, post, author):
    author.email = "luca@example.org"
    author.save()
    client.force_login(author)
    page = soup(client.get(post.url))
    assert "Angemeldet als Luca Hammer." in page.select_one("#respond").get_text(" ", strip=True)
    assert page.select_one("#id_name")["type"] == "hidden"
    assert page.select_one(".comment-form__notes") is None
    data = comment_form_data(post, name="", email="", comment="Als Autor")
    assert client.post(POST_URL, data).status_code == 303
    comment = Comment.objects.get(comment="Als Autor")
    assert (comment.user, comment.user_name, comment.status) == (author, "Luca Hammer", "approved")
    badge = soup(client.get(post.url)).select_one(f"#comment-{comment.pk}.comment--by-author")
    assert badge.select_one(".comment__badge").get_text() == "Autor"


def test_form_follows_wordpress_order_and_words(client, post):
    page = soup(client.get(post.url))
    form = page.select_one("#commentform")
    assert page.select_one(".comment-respond__heading").get_text() == "Schreibe einen Kommentar"
    labels = [
        " ".join(label.get_text().split())
        for label in form.select("label")
        if "comment-form__field--honeypot" not in label.parent.get("class", [])
    ]
    assert labels == [
        "Kommentar *",
        "Name *",
        "E-Mail *",
        "Website",
        "Name, E-Mail-Adresse und Website in diesem Browser für meinen nächsten Kommentar "
        "speichern.",
        "Benachrichtige mich über nachfolgende Kommentare per E-Mail.",
    ]
    assert form.select_one("button.comment-form__button").get_text() == "Kommentar abschicken"
    assert form["action"] == "/comments/post/#respond"  # the error page opens at the form


def test_a_long_paste_is_not_cut_by_the_browser(client, post):
    page = soup(client.get(post.url))
    assert not page.select_one("#id_comment").has_attr("maxlength")
    counter = page.select_one(".comment-form__counter")
    assert (counter["data-counter-for"], counter["data-limit"]) == ("id_comment", "3000")
    assert counter["aria-live"] == "polite"
    response = client.post(POST_URL, comment_form_data(post, comment="ä" * 3100))
    error = soup(response).select_one(".comment-form__field--comment .comment-form__error")
    assert error.get_text() == "Dein Kommentar hat 3100 Zeichen; erlaubt sind höchstens 3000."
    assert textarea(soup(response)) == "ä" * 3100


def test_the_heading_never_says_none_above_the_readers_own_held_comment(client, post):
    client.post(POST_URL, comment_form_data(post))
    assert Comment.objects.get().status == "pending"
    heading = soup(client.get(post.url)).select_one("#comments-title").get_text(" ", strip=True)
    assert heading == "Dein Kommentar"
    stranger = Client()
    other = soup(stranger.get(post.url)).select_one("#comments-title").get_text(strip=True)
    assert other == "Noch keine Kommentare"


def test_edit_and_delete_share_one_row_without_a_form_in_a_paragraph(client, post):
    client.post(POST_URL, comment_form_data(post))
    actions = soup(client.get(post.url)).select_one(".comment--mine .comment__actions")
    assert actions.name == "div"
    assert actions.select_one("a.comment__edit") and actions.select_one("form.comment__delete")


def test_login_buttons_invite_in_english_too(client, post):
    page = soup(client.get(post.url, headers={"accept-language": "en"}))
    intro = page.select_one(".comment-login__intro").get_text()
    assert intro == "Comment as a guest or log in with your account"
    buttons = page.select(".comment-login__buttons button.comment-login__button")
    assert [b.get_text() for b in buttons] == ["Facebook", "Email and password"]


def test_the_error_page_sends_the_language_switch_and_login_back_to_the_post(client, post):
    response = client.post(POST_URL, comment_form_data(post, name=""))
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("form.language-switch input[name=next]")["value"] == post.url
    login = page.select_one(".site-header__account a")["href"]
    assert login == f"/accounts/login/?next={post.url}"
