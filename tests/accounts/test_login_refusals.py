"""What must not work, or must fail gracefully: a cancelled Facebook login, a
forged OAuth state, redirects off the site, password guessing, logout by GET."""

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from tests.factories import UserFactory
from tests.helpers import comment_form_data, facebook_login

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"


def page_of(client, post):
    return BeautifulSoup(client.get(post.url).content, "html.parser")


def test_cancelled_login_returns_to_the_post_with_a_message_and_the_draft(
    client, post, fake_facebook
):
    fake_facebook.deny = True
    done = facebook_login(client, post, fake_facebook, draft="Mein Entwurf, trotz Abbruch")
    assert done.status_code == 302
    assert done["Location"] == f"{post.url}#respond"
    page = page_of(client, post)
    assert "Die Anmeldung wurde abgebrochen." in page.select_one(".messages").get_text()
    assert page.select_one("#id_comment").get_text().strip() == "Mein Entwurf, trotz Abbruch"
    assert page.select_one(".comment-form__logged-in") is None
    assert not get_user_model().objects.filter(email=fake_facebook.profile["email"]).exists()


def _dialog(client, post):
    client.post("/comments/login/facebook/", comment_form_data(post, name="", email=""))
    to_facebook = client.post("/accounts/facebook/login/?" + urlencode({"next": post.url}))
    return to_facebook["Location"]


@pytest.mark.parametrize("forged", ["wrong-state", None])
def test_a_forged_or_missing_state_is_refused(client, post, fake_facebook, forged):
    dialog = _dialog(client, post)
    back = urlsplit(httpx.get(dialog, follow_redirects=False).headers["Location"])
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    if forged:
        query["state"] = forged
    else:
        del query["state"]
    response = client.get(f"{back.path}?{urlencode(query)}")
    assert response.status_code == 401  # allauth's error page, in the site's theme
    assert BeautifulSoup(response.content, "html.parser").select_one("main .account")
    assert not get_user_model().objects.filter(email=fake_facebook.profile["email"]).exists()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def reader(db):
    user = UserFactory(username="anne", email="anne@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_login_never_redirects_off_the_site(client, site, reader, evil):
    response = client.post(
        "/accounts/login/?" + urlencode({"next": evil}),
        {"login": reader.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.netloc in ("", "testserver")
    assert "evil.example" not in response["Location"]
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_social_login_never_redirects_off_the_site(client, post, fake_facebook):
    client.post("/accounts/facebook/login/?" + urlencode({"next": "https://evil.example/"}))
    dialog = client.post(
        "/accounts/facebook/login/?" + urlencode({"next": "https://evil.example/"})
    )["Location"]
    back = urlsplit(httpx.get(dialog, follow_redirects=False).headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    assert "evil.example" not in done["Location"]
    assert client.session["_auth_user_id"]


def test_password_guessing_is_stopped(client, site, reader):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": reader.email, "password": "falsch"})
        assert response.status_code == 200
    refused = client.post("/accounts/login/", {"login": reader.email, "password": PASSWORD})
    assert refused.status_code == 429 or "_auth_user_id" not in client.session
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_returns_to_the_post(client, post, reader):
    client.post("/accounts/login/", {"login": reader.email, "password": PASSWORD})
    page = page_of(client, post)
    form = page.select_one("#logout-form")
    assert form["method"] == "post"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert page.select_one("button[form=logout-form]") is not None
    # A GET only asks; the reader is still logged in.
    asked = client.get("/accounts/logout/")
    assert asked.status_code == 200
    assert client.session["_auth_user_id"] == str(reader.pk)
    done = client.post(form["action"], {"next": form.select_one("input[name=next]")["value"]})
    assert done.status_code == 302
    assert done["Location"] == f"{post.url}#respond"
    assert "_auth_user_id" not in client.session
