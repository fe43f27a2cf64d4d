"""allauth's pages in the site's theme, in a real Chromium: sign up, see the
account pages, log out through the account navigation's POST button."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"


def test_sign_up_then_log_out_through_the_account_navigation(live_server, page, site):
    page.goto(live_server.url + "/accounts/signup/")
    account = page.locator("main .account")
    assert account.get_by_role("heading", level=1).inner_text() == "Registrieren"
    assert page.locator(".site-header").is_visible()
    assert page.evaluate("document.compatMode") == "CSS1Compat"  # a proper <!DOCTYPE html>
    # The themed button, not allauth's bare one: the site's accent colour.
    submit = account.get_by_role("button", name="Registrieren")
    assert submit.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 92, 173)"

    account.get_by_label("Anzeigename").fill("Markus")
    account.get_by_label("E-Mail").fill("markus@example.org")
    account.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    account.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    submit.click()
    status = page.get_by_role("status")
    status.wait_for()
    assert "Wir haben dir eine Mail geschickt" in status.inner_text()  # the confirmation mail
    assert "markus@example.org" not in status.inner_text()  # messages never show addresses
    assert get_user_model().objects.get(email="markus@example.org")

    page.goto(live_server.url + "/accounts/email/")
    with translation.override("de"):
        nav_name = translation.gettext("Your account")
    nav = page.get_by_role("navigation", name=nav_name)
    assert nav.locator("[aria-current=page]").inner_text() == "E-Mail-Adressen"
    assert "Unbestätigt" in page.locator(".account__main").inner_text()

    nav.get_by_role("button", name="Abmelden").click()
    page.get_by_role("status").filter(has_text="abgemeldet").wait_for()
    page.goto(live_server.url + "/accounts/email/")
    assert page.url.startswith(live_server.url + "/accounts/login/")
    assert page.locator("main .account h1").inner_text() == "Anmeldung"
    assert page.get_by_role("navigation", name=nav_name).count() == 0
