"""Issue 11 in a real Chromium: a reader signs up from the comment form, lands
back at the post, and comments under the name they chose, never under one
made from their email address; they change it on their account's Name page;
a login provider without credentials is a 404 page; allauth's pages say "du"."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation

from comments.models import Comment
from comments.moderation.status import set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"
EMAIL = "erika.mustermann@example.org"


def no_email_name(content, where):
    for leak in ("erika.mustermann", "mustermann"):
        assert leak not in content.casefold(), f"{leak!r} in {where}"


def sign_up_from_the_comment_form(page, live_server, post, draft):
    page.goto(live_server.url + post.url)
    page.fill("#id_comment", draft)
    page.locator(".comment-login__button--account").click()
    page.wait_for_url("**/accounts/login/**")
    # The login page's "create one first" link, carrying the way back.
    page.locator("main .account a[href^='/accounts/signup/']").click()
    page.wait_for_url("**/accounts/signup/**")
    account = page.locator("main .account")
    account.get_by_label("Anzeigename").fill("Erika")
    account.get_by_label("E-Mail").fill(EMAIL)
    account.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    account.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    account.get_by_role("button", name="Registrieren").click()


def test_sign_up_from_the_comment_form_and_comment_under_the_chosen_name(live_server, page, post):
    sign_up_from_the_comment_form(page, live_server, post, "Bcc ist kein Hexenwerk.")
    page.wait_for_url(f"{live_server.url}{post.url}#respond")  # back where they came from
    status = page.get_by_role("status")
    assert "Erfolgreich als Erika angemeldet." in status.inner_text()
    respond = page.locator("#respond")
    assert "Angemeldet als Erika." in respond.inner_text()
    assert page.locator("#id_comment").input_value() == "Bcc ist kein Hexenwerk."
    no_email_name(page.content(), "the post page after sign-up")

    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(".comment--mine").wait_for()
    comment = Comment.objects.get()
    assert comment.user_name == "Erika"
    set_status(comment, Comment.Status.APPROVED)
    page.reload()
    shown = page.locator(f"#comment-{comment.pk}")
    assert "Erika" in shown.inner_text()
    no_email_name(page.content(), "the post page")
    feed = page.request.get(live_server.url + "/comments/feed/")
    assert feed.ok and "Erika" in feed.text()
    no_email_name(feed.text(), "the comment feed")
    author_mails = [m for m in mail.outbox if EMAIL not in m.to]
    assert author_mails, "the post's author heard of the comment"
    for message in author_mails:
        no_email_name(str(message.message()), f"the mail to {message.to}")


def log_in(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    account = page.locator("main .account")
    account.get_by_label("E-Mail").fill(EMAIL)
    account.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    account.get_by_role("button", name="Anmeldung").click()
    page.get_by_role("status").wait_for()


@pytest.fixture
def erika(db):
    user = get_user_model().objects.create_user(
        username="erika.mustermann", email=EMAIL, password=PASSWORD
    )  # an account from before sign-up asked for a name
    return user


def test_a_reader_changes_their_name_in_their_account(live_server, page, post, erika):
    log_in(page, live_server)
    status = page.get_by_role("status").inner_text()
    assert f"Erfolgreich als Leser {erika.pk} angemeldet." in status
    page.goto(live_server.url + "/accounts/comments/")
    with translation.override("de"):
        nav_name = translation.gettext("Your account")
    page.get_by_role("navigation", name=nav_name).get_by_role("link", name="Anzeigename").click()
    page.wait_for_url("**/accounts/name/")
    main = page.locator("main .account__main")
    assert f"Deine Kommentare erscheinen unter dem Namen Leser {erika.pk}." in main.inner_text()
    main.get_by_label("Anzeigename").fill("Erika M.")
    main.get_by_role("button", name="Speichern").click()
    assert "Dein Name wurde geändert." in page.get_by_role("status").inner_text()
    assert "unter dem Namen Erika M." in page.locator("main .account__main").inner_text()

    page.goto(live_server.url + post.url)
    assert "Angemeldet als Erika M." in page.locator("#respond").inner_text()
    no_email_name(page.content(), "the post page")


def test_a_provider_without_credentials_is_a_not_found_page(live_server, page, site):
    for path in ("/accounts/github/login/", "/accounts/github/login/callback/?code=x&state=y"):
        response = page.goto(live_server.url + path)
        assert response.status == 404, path
        assert page.locator("main h1").inner_text() == "Seite nicht gefunden"


def test_confirming_access_says_du(live_server, page, site, erika):
    log_in(page, live_server)
    page.goto(live_server.url + "/accounts/delete/")
    page.wait_for_url("**/accounts/reauthenticate/**")
    text = page.locator("main .account").inner_text()
    assert "Bitte melde dich zur Sicherheit deines Kontos noch einmal an." in text
    assert "Gib dein Passwort ein:" in text
    assert not re.search(r"(?<![.!?:\n])\s+Sie\b|\b(Ihr\w*|Ihnen)\b", text), text
