"""allauth's pages in the site's theme: the site's header and footer around an
.account wrapper, German by default and English on request, and for a
logged-in reader an account navigation whose logout is a POST form."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from tests.helpers import READER_PASSWORD, log_in, make_reader

PASSWORD = READER_PASSWORD

ENTRANCE_PAGES = {
    # url: {language: (<title>, <h1>)}, as allauth words and translates them
    "/accounts/login/": {"de": ("Anmeldung", "Anmeldung"), "en": ("Sign In", "Sign In")},
    "/accounts/signup/": {"de": ("Registrieren", "Registrieren"), "en": ("Signup", "Sign Up")},
    "/accounts/password/reset/": {
        "de": ("Passwort zurücksetzen", "Passwort zurücksetzen"),
        "en": ("Password Reset", "Password Reset"),
    },
    "/accounts/confirm-email/": {
        "de": ("Bestätige deine E-Mail-Adresse", "Bestätige deine E-Mail-Adresse"),
        "en": ("Verify Your Email Address", "Verify Your Email Address"),
    },
    "/accounts/3rdparty/login/cancelled/": {
        "de": ("Anmeldung abgebrochen", "Anmeldung abgebrochen"),
        "en": ("Login Cancelled", "Login Cancelled"),
    },
}


def german(message):
    """The German of a msgid new with these templates, whether or not the
    catalogue has it yet."""
    with translation.override("de"):
        return translation.gettext(message)


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node):
    return " ".join(node.get_text().split())


@pytest.fixture
def reader(db):
    return make_reader()


@pytest.fixture
def logged_in(client, reader, site):
    return log_in(client, reader)


def assert_themed(html, title, heading=None, *, lang):
    assert html.html["lang"] == lang
    assert html.select_one("header.site-header") is not None
    assert html.select_one("footer.site-footer") is not None
    account = html.select_one("main#main > .account")
    assert account is not None, "the page's content sits in .account inside the site's <main>"
    assert text(account.select_one(".account__main h1")) == (heading or title)
    assert text(html.title) == f"{title} – Kommentar"
    assert "account-page" in html.body["class"]
    return account


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_pages_are_themed_and_german_by_default(client, site, url):
    html = soup(client.get(url))
    account = assert_themed(html, *ENTRANCE_PAGES[url]["de"], lang="de")
    assert account.select_one(".account-nav") is None, "no account navigation for a visitor"


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_pages_in_english(client, site, url):
    html = soup(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert_themed(html, *ENTRANCE_PAGES[url]["en"], lang="en")


def test_login_form_has_visible_labels_and_a_themed_button(client, site):
    account = soup(client.get("/accounts/login/")).select_one(".account")
    form = account.select_one("form.account-form")
    assert form["method"] == "post" and form["action"] == "/accounts/login/"
    for name, label in [("login", "E-Mail:"), ("password", "Passwort:")]:
        field = form.select_one(f"input[name={name}]")
        assert text(form.select_one(f"label[for={field['id']}]")) == label
        assert field.find_parent(class_="account-field") is not None
    remember = form.select_one("input[name=remember]")
    assert text(form.select_one(f"label[for={remember['id']}]")) == "Angemeldet bleiben"
    button = form.select_one(".account-form__actions button.account-button[type=submit]")
    assert text(button) == "Anmeldung"
    providers = account.select(".account-providers a.account-provider")
    assert [text(a) for a in providers] == ["Facebook"]


def test_a_wrong_password_is_announced(client, site, reader):
    response = client.post("/accounts/login/", {"login": reader.email, "password": "falsch"})
    errors = soup(response).select_one(".account form .account-form__errors")
    assert errors["role"] == "alert"
    assert "Passwort" in text(errors)


def test_field_errors_are_tied_to_their_input(client, site):
    response = client.post(
        "/accounts/signup/",
        {"email": "kein-at-zeichen", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    form = BeautifulSoup(response.content.decode(), "html.parser").select_one(".account form")
    email = form.select_one("input[name=email]")
    assert email["aria-invalid"] == "true"
    error = form.select_one(f"#{email['id']}_error")
    assert error is not None and email["id"] + "_error" in email["aria-describedby"].split()
    assert "E-Mail-Adresse" in text(error)
    assert email.find_parent(class_="account-field--invalid") is not None


def test_logged_in_pages_show_the_account_navigation(logged_in):
    html = soup(logged_in.get("/accounts/email/"))
    account = assert_themed(html, "E-Mail-Adressen", lang="de")
    nav = account.select_one("nav.account-nav")
    assert nav["aria-label"] == german("Your account")
    links = {text(a): a for a in nav.select("a")}
    assert {label: a["href"] for label, a in links.items()} == {
        "Meine Kommentare": "/accounts/comments/",
        "Anzeigename": "/accounts/name/",
        "E-Mail-Adressen": "/accounts/email/",
        "Passwort": "/accounts/password/change/",
        "Konto-Verknüpfungen": "/accounts/3rdparty/",
        german("Download my data"): "/accounts/export/",
        "Konto löschen": "/accounts/delete/",
    }
    assert [text(a) for a in nav.select("[aria-current=page]")] == ["E-Mail-Adressen"]
    assert nav.select_one("a[href='/accounts/logout/']") is None, "logging out is never a GET"
    logout = nav.select_one("form.account-nav__logout")
    assert logout["method"] == "post" and logout["action"] == "/accounts/logout/"
    assert logout.select_one("input[name=csrfmiddlewaretoken]")["value"]
    assert text(logout.select_one("button[type=submit]")) == "Abmelden"


def test_allauths_extra_body_scripts_still_load(logged_in):
    """email.html puts its scripts in allauth's extra_body block."""
    account = soup(logged_in.get("/accounts/email/")).select_one(".account")
    sources = [script.get("src") for script in account.select("script")]
    assert "/static/account/js/account.js" in sources
    assert account.select_one("script[data-allauth-onload]") is not None


def test_navigation_in_english_marks_the_current_page(logged_in):
    html = soup(logged_in.get("/accounts/3rdparty/", HTTP_ACCEPT_LANGUAGE="en"))
    nav = assert_themed(html, "Account Connections", lang="en").select_one("nav.account-nav")
    assert [text(a) for a in nav.select("a")] == [
        "My comments",
        "Name",
        "Email Addresses",
        "Password",
        "Account Connections",
        "Download my data",
        "Delete account",
    ]
    assert [text(a) for a in nav.select("[aria-current=page]")] == ["Account Connections"]
    assert text(nav.select_one("form button")) == "Sign Out"


def test_the_sites_own_account_pages_share_the_layout(logged_in):
    """My comments extends allauth/layouts/manage.html, as allauth's pages do."""
    html = soup(logged_in.get("/accounts/comments/"))
    account = assert_themed(html, "Meine Kommentare", lang="de")
    current = account.select("nav.account-nav [aria-current=page]")
    assert [a["href"] for a in current] == ["/accounts/comments/"]


def test_messages_show_once_as_a_status(logged_in):
    response = logged_in.post(
        "/accounts/email/", {"action_add": "", "email": "zweite@example.org"}, follow=True
    )
    html = soup(response)
    messages = html.select("ul.messages")
    assert len(messages) == 1
    assert messages[0]["role"] == "status"
    # Messages may show on any page, so they never carry the address itself.
    assert "Wir haben dir eine Mail geschickt" in text(messages[0])
    assert "zweite@example.org" not in text(messages[0])
    assert messages[0].find_parent("main") is not None
