"""The German UI says "du", on allauth's pages and in its mails too, although
allauth's own German catalogue says "Sie" in places (issue 11). Our
locale/de takes precedence; these tests read what a reader gets."""

import gettext
import re
from pathlib import Path

import allauth
import pytest
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import translation

from tests.helpers import READER_PASSWORD, log_in, make_reader

PASSWORD = READER_PASSWORD
# "Sie" mid-sentence is always formal; a sentence may start with "Sie" (they).
# "Ihr", "Ihre", "Ihnen" … capitalised are formal wherever they stand here.
FORMAL_ANYWHERE = re.compile(r"\b(Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen)\b")
FORMAL_MID_SENTENCE = re.compile(r"(?<![.!?:\n])\s+Sie\b")
ALLAUTH_GERMAN = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"


def formal(text):
    return FORMAL_ANYWHERE.findall(text) + FORMAL_MID_SENTENCE.findall(text)


def _allauths_formal_messages():
    with ALLAUTH_GERMAN.open("rb") as catalogue:
        entries = gettext.GNUTranslations(catalogue)._catalog
    found = []
    for key, german in entries.items():
        if not key or not re.search(r"\b(Sie|Ihr\w*|Ihnen)\b", german):
            continue
        found.append(key)
    return found


ALLAUTHS_FORMAL = _allauths_formal_messages()


def test_allauth_still_says_sie_somewhere():
    """Else these tests check nothing: a newer allauth may have changed its German."""
    assert len(ALLAUTHS_FORMAL) > 20


@pytest.mark.parametrize("key", ALLAUTHS_FORMAL, ids=lambda key: str(key)[:60])
def test_every_formal_allauth_message_has_a_du_translation(key):
    with translation.override("de"):
        if isinstance(key, tuple):  # (singular, plural form index)
            singular, index = key
            ours = translation.ngettext(singular, singular, 1 if index == 0 else 2)
        elif "\x04" in key:
            context, message = key.split("\x04", 1)
            ours = translation.pgettext(context, message)
        else:
            ours = translation.gettext(key)
    assert not re.search(r"\b(Sie|Ihr\w*|Ihnen)\b", ours), ours


@pytest.fixture
def reader(db):
    user = make_reader(first_name="Markus")
    SocialAccount.objects.create(user=user, provider="facebook", uid="10001", extra_data={})
    return user


@pytest.fixture
def logged_in(client, reader, site):
    return log_in(client, reader)


def page_text(response):
    assert response.status_code in (200, 401), response.status_code
    main = BeautifulSoup(response.content.decode(), "html.parser").select_one("main")
    return " ".join(main.get_text(" ").split())


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/3rdparty/login/cancelled/",
        # allauth's error page: a callback without OAuth state.
        "/accounts/facebook/login/callback/?code=abc",
    ],
)
def test_entrance_pages_say_du(client, site, url):
    text = page_text(client.get(url))
    assert not formal(text), text


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/accounts/reauthenticate/", "Gib dein Passwort ein:"),
        ("/accounts/3rdparty/", "Du kannst dich mit jedem der folgenden Drittanbieterkonten"),
        ("/accounts/email/", "E-Mail-Adressen"),
        ("/accounts/password/change/", "Passwort"),
        ("/accounts/logout/", "Abmelden"),
    ],
)
def test_account_pages_say_du(logged_in, url, says):
    text = page_text(logged_in.get(url))
    assert says in text
    assert not formal(text), text
    assert "Sie können" not in text and "Geben Sie" not in text


def test_the_error_page_of_a_failed_social_login_says_du(client, site):
    text = page_text(client.get("/accounts/facebook/login/callback/?code=abc"))
    assert "Bei der Anmeldung über dein Drittanbieterkonto ist ein Fehler aufgetreten." in text


def test_the_confirmation_mail_says_du(client, site):
    client.post(
        "/accounts/signup/",
        {
            "name": "Erika",
            "email": "erika@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    (message,) = mail.outbox
    body = message.body
    assert "Du erhältst diese E-Mail, weil Erika deine E-Mail-Adresse angegeben hat" in body
    assert "Um zu bestätigen, dass das stimmt, öffne http://testserver/accounts/confirm-" in body
    assert not formal(message.subject + "\n" + message.body), message.body


def test_the_password_reset_mail_says_du(client, reader, site):
    client.post("/accounts/password/reset/", {"email": reader.email})
    (message,) = mail.outbox
    assert "Du erhältst diese E-Mail" in message.body
    assert not formal(message.subject + "\n" + message.body), message.body
