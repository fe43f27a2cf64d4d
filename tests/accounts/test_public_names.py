"""A reader's public name (issue 11): sign-up asks for it, the account's Name
page changes it, and nothing a reader writes is ever signed with a name made
from their email address: not the page, not the feeds, not the mails, not
allauth's "Successfully signed in as …"."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from comments.accounts import names
from comments.models import Comment
from comments.moderation.permissions import MODERATORS
from comments.moderation.status import set_status
from tests.factories import CommentFactory, UserFactory
from tests.helpers import comment_form_data, facebook_login

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"
EMAIL = "erika.mustermann@example.org"
LEAKS = ("erika.mustermann", "mustermann")


def sign_up(client, name="Erika", email=EMAIL, **extra):
    data = {"name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {**data, **extra})


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node):
    return " ".join(node.get_text().split())


def comment(client, post, words):
    response = client.post(
        "/comments/post/", comment_form_data(post, name="", email="", comment=words)
    )
    assert response.status_code == 303
    return Comment.objects.get(comment=words)


def assert_no_leak(content, where):
    for leak in LEAKS:
        assert leak not in content.casefold(), f"{leak!r} in {where}"


# Sign-up ------------------------------------------------------------------


def test_signup_asks_for_a_name_first(client, site):
    form = soup(client.get("/accounts/signup/")).select_one(".account form")
    names_in_order = [i["name"] for i in form.select("input:not([type=hidden])")]
    assert names_in_order == ["name", "email", "password1", "password2"]
    field = form.select_one("input[name=name]")
    assert text(form.select_one(f"label[for={field['id']}]")) == "Anzeigename:"
    assert field.has_attr("required")
    assert field["maxlength"] == "50"
    assert field["autocomplete"] == "nickname"


def test_signup_without_a_name_is_refused(client, site):
    response = sign_up(client, name="  \u200b ")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email=EMAIL).exists()
    field = soup(response).select_one(".account form input[name=name]")
    assert field["aria-invalid"] == "true"


@pytest.mark.parametrize(
    ("typed", "error"),
    [("E" * 51, "höchstens 50 Zeichen"), ("erika@example.org", "keine E-Mail-Adresse")],
)
def test_a_name_too_long_or_an_email_is_refused(client, site, typed, error):
    response = sign_up(client, name=typed)
    assert response.status_code == 200
    assert error in text(soup(response).select_one(".account form"))
    assert not get_user_model().objects.filter(email=EMAIL).exists()


def test_control_characters_are_stripped_from_the_name(client, site):
    assert sign_up(client, name=" Erika\u202e\u0000 \t M.\n").status_code == 302
    user = get_user_model().objects.get(email=EMAIL)
    assert user.get_full_name() == "Erika M."


def test_the_username_is_not_made_from_the_email(client, site):
    sign_up(client)
    user = get_user_model().objects.get(email=EMAIL)
    assert user.first_name == "Erika"
    assert_no_leak(user.get_username(), "the username")
    assert user.get_username().startswith("reader")


def test_signed_in_message_and_comment_form_show_the_chosen_name(client, post):
    response = sign_up(client, next=post.url)
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    messages = text(soup(page).select_one(".messages"))
    assert "Erfolgreich als Erika angemeldet." in messages
    assert "Angemeldet als Erika." in text(soup(page).select_one("#respond"))
    assert_no_leak(html, "the post page after sign-up")


def test_comments_page_feed_and_mails_never_carry_the_email_name(
    client, post, django_capture_on_commit_callbacks
):
    moderator = UserFactory(username="mia", email="mia@example.org")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(client).status_code == 302
        mine = comment(client, post, "Datenschutz fängt beim Bcc an.")
    assert mine.user_name == "Erika"
    with django_capture_on_commit_callbacks(execute=True):
        set_status(mine, Comment.Status.APPROVED)

    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{mine.pk}")
    assert "Erika" in text(node)
    assert_no_leak(html, "the post page")
    for feed in ("/comments/feed/", "/comments/feed/atom/", f"{post.url}feed/"):
        response = client.get(feed)
        assert response.status_code == 200, feed
        body = response.content.decode()
        assert "Erika" in body, feed
        assert_no_leak(body, feed)
    to_others = [m for m in mail.outbox if EMAIL not in m.to]
    assert to_others, "the author and the moderator heard of the comment"
    for message in mail.outbox:
        assert_no_leak(message.subject + message.body, f"the mail to {message.to}")
        if message not in to_others:
            continue
        assert_no_leak(str(message.message()), f"the mail to {message.to}")


def test_the_confirmation_mail_names_the_reader_by_their_chosen_name(client, site):
    sign_up(client)
    (confirmation,) = mail.outbox
    assert "weil Erika deine E-Mail-Adresse angegeben hat" in confirmation.body
    assert_no_leak(confirmation.body, "the confirmation mail's text")


# Accounts from elsewhere ----------------------------------------------------


def test_a_social_login_without_a_name_gets_a_neutral_one(client, post, fake_facebook):
    fake_facebook.profile.update(name="", first_name="", last_name="", email=EMAIL)
    facebook_login(client, post, fake_facebook)
    user = get_user_model().objects.get(email=EMAIL)
    assert user.get_full_name() == f"Leser {user.pk}"
    assert comment(client, post, "Über Facebook").user_name == f"Leser {user.pk}"
    assert_no_leak(user.get_username(), "the username")


def test_a_provider_name_that_is_an_email_is_not_used(client, post, fake_facebook):
    fake_facebook.profile.update(name=EMAIL, first_name=EMAIL, last_name="", email=EMAIL)
    facebook_login(client, post, fake_facebook)
    user = get_user_model().objects.get(email=EMAIL)
    assert user.get_full_name() == f"Leser {user.pk}"


def test_public_name_rules(db):
    reader = UserFactory(username="erika.mustermann", first_name="", last_name="", email=EMAIL)
    assert names.public_name(reader) == f"Leser {reader.pk}"
    reader.first_name = "Erika\u202e"
    assert names.public_name(reader) == "Erika"
    reader.first_name, reader.last_name = "E" * 40, "M" * 40
    assert len(names.public_name(reader)) == 50
    staff = UserFactory(
        username="chefin", first_name="", last_name="", email="root@example.org", is_staff=True
    )
    assert names.public_name(staff) == "chefin"  # a username staff chose
    staff.email = "chefin@example.org"  # ... unless it was made from the email
    assert names.public_name(staff) == f"Leser {staff.pk}"


def test_an_existing_reader_without_a_name_comments_under_a_neutral_one(client, post):
    user = UserFactory(username="erika.mustermann", first_name="", last_name="", email=EMAIL)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert comment(client, post, "Vor dem Update").user_name == f"Leser {user.pk}"
    assert_no_leak(client.get(post.url).content.decode(), "the post page")
    user.refresh_from_db()
    assert user.get_full_name() == f"Leser {user.pk}"  # stored at login, to be changed


# The Name page -------------------------------------------------------------


@pytest.fixture
def erika(client, site):
    assert sign_up(client).status_code == 302
    return get_user_model().objects.get(email=EMAIL)


def test_the_name_page_is_in_the_account_navigation(client, erika):
    html = soup(client.get("/accounts/name/"))
    nav = html.select_one("nav.account-nav")
    link = nav.select_one("a[href='/accounts/name/']")
    assert text(link) == "Anzeigename"
    assert link["aria-current"] == "page"
    assert text(html.select_one(".account__main h1")) == "Anzeigename"
    assert "Deine Kommentare erscheinen unter dem Namen Erika." in text(html)
    assert html.select_one("input[name=name]")["value"] == "Erika"


def test_my_comments_links_to_the_name_page(client, erika):
    html = soup(client.get("/accounts/comments/"))
    line = html.select_one(".own-comments__name")
    assert "Deine Kommentare erscheinen unter dem Namen Erika." in text(line)
    assert line.select_one("a")["href"] == "/accounts/name/"


def test_a_new_name_signs_new_comments_and_earlier_ones_keep_theirs(client, post, erika):
    before = comment(client, post, "Noch als Erika")
    response = client.post("/accounts/name/", {"name": "E. M."})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/name/"
    page = client.get("/accounts/name/")
    assert "Dein Name wurde geändert." in text(soup(page).select_one(".messages"))
    erika.refresh_from_db()
    assert names.public_name(erika) == "E. M."
    assert comment(client, post, "Jetzt als E. M.").user_name == "E. M."
    before.refresh_from_db()
    assert before.user_name == "Erika"


def test_the_box_renames_earlier_comments_too(client, post, erika):
    before = comment(client, post, "Noch als Erika")
    other = CommentFactory(post=post, user_name="Erika", comment="Eine andere Erika")
    client.post("/accounts/name/", {"name": "E. M.", "earlier_comments": "on"})
    before.refresh_from_db()
    other.refresh_from_db()
    assert before.user_name == "E. M."
    assert other.user_name == "Erika"


def test_the_name_page_refuses_an_empty_name_or_an_email(client, erika):
    for typed in ("", EMAIL):
        response = client.post("/accounts/name/", {"name": typed})
        assert response.status_code == 400
    erika.refresh_from_db()
    assert erika.get_full_name() == "Erika"


def test_the_name_page_needs_a_login(client, site):
    response = client.get("/accounts/name/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# The migration -------------------------------------------------------------

migration = importlib.import_module("comments.migrations.0006_public_names")


def test_the_migration_gives_existing_readers_a_neutral_name(post):
    erika = UserFactory(username="erika.mustermann", first_name="", last_name="", email=EMAIL)
    signed = CommentFactory(post=post, user=erika, user_name="erika.mustermann")
    guest = CommentFactory(post=post, user_name="erika.mustermann", comment="Ein Gast")
    nameless = UserFactory(username="vu", first_name="", last_name="", email="vu@example.org")
    named = UserFactory(
        username="anne.example", first_name="Anne", last_name="", email="anne.example@x.org"
    )
    named_signed = CommentFactory(post=post, user=named, user_name="anne.example")
    admin = UserFactory(
        username="admin", first_name="", last_name="", email="root@x.org", is_staff=True
    )
    staff_from_email = UserFactory(
        username="luca.h", first_name="", last_name="", email="luca.h@x.org", is_staff=True
    )

    migration.give_public_names(apps, None)

    for user in (erika, nameless, named, admin, staff_from_email, signed, guest, named_signed):
        user.refresh_from_db()
    assert erika.first_name == f"Leser {erika.pk}"
    assert signed.user_name == f"Leser {erika.pk}"
    assert guest.user_name == "erika.mustermann"  # a guest's name is theirs to choose
    assert nameless.first_name == f"Leser {nameless.pk}"
    assert (named.first_name, named_signed.user_name) == ("Anne", "Anne")
    assert admin.first_name == ""  # staff chose their usernames
    assert staff_from_email.first_name == f"Leser {staff_from_email.pk}"
    assert names.public_name(erika) == f"Leser {erika.pk}"
