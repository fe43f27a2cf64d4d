from bs4 import BeautifulSoup
from django.test import Client


def heading_of_sidebar(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text() for h in soup.select(".sidebar__heading")]


def test_german_is_the_default(client, post):
    response = client.get("/")
    assert response["Content-Language"] == "de"
    assert "Schlagwörter" in heading_of_sidebar(response)
    assert "Beitrag veröffentlicht am" in client.get(post.url).content.decode()


def test_browser_language_is_honoured(client, post):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "en"
    assert "Tags" in heading_of_sidebar(response)
    html = client.get(post.url, headers={"accept-language": "en"}).content.decode()
    assert "Posted on" in html
    assert "Tags:" in html


def test_unsupported_language_falls_back_to_german(client, post):
    response = client.get("/", headers={"accept-language": "fr-FR,fr"})
    assert response["Content-Language"] == "de"


def test_language_switch_sets_a_cookie_and_returns(client, post):
    response = client.post("/i18n/setlang/", {"language": "en", "next": post.url})
    assert response.status_code == 302
    assert response["Location"] == post.url
    assert client.cookies["django_language"].value == "en"
    assert "Posted on" in client.get(post.url).content.decode()


def test_language_switch_refuses_foreign_redirects(client, post):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_language_switch_form_is_on_every_page_and_shareable(client, post):
    """No token on an anonymous page (one cached copy serves everyone): the
    switch is checked by origin instead (caching/csrf.py)."""
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")
    form = soup.select_one("form.language-switch")
    assert form["action"] == "/i18n/setlang/"
    assert not form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert {o["value"] for o in form.select("option")} == {"de", "en"}


def test_language_switch_from_another_site_is_refused(post):
    browser = Client(enforce_csrf_checks=True)
    data = {"language": "en", "next": post.url}
    foreign = browser.post("/i18n/setlang/", data, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "django_language" not in foreign.cookies
    own = browser.post("/i18n/setlang/", data, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 302
    assert own.cookies["django_language"].value == "en"


def test_the_language_cookie_is_for_the_server_only(client, post, settings):
    response = client.post("/i18n/setlang/", {"language": "en", "next": post.url})
    cookie = response.cookies["django_language"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) is bool(settings.LANGUAGE_COOKIE_SECURE)
    assert settings.LANGUAGE_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE
