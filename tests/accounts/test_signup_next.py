"""After signing up, the reader is back where they came from: `next` travels
from the comment form to the login page, over its sign-up link, through the
sign-up form, and only ever to this site."""

from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from tests.helpers import comment_form_data

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"


def signup_data(**extra):
    return {
        "name": "Erika",
        "email": "erika.mustermann@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_from_the_comment_form_over_the_login_page_to_signup_and_back(client, post):
    draft = comment_form_data(post, name="", email="", comment="Mein Entwurf")
    to_login = client.post("/comments/login/account/", draft)
    assert to_login.status_code == 302
    login_page = BeautifulSoup(client.get(to_login["Location"]).content, "html.parser")
    signup_link = login_page.select_one("main .account a[href^='/accounts/signup/']")
    assert signup_link is not None
    signup_page = BeautifulSoup(client.get(signup_link["href"]).content, "html.parser")
    form = signup_page.select_one("main .account form")
    hidden_next = form.select_one("input[name=next]")["value"]
    assert hidden_next == f"{post.url}#respond"

    done = client.post(form["action"], signup_data(next=hidden_next))
    assert done.status_code == 302
    assert done["Location"] == f"{post.url}#respond"
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert "Angemeldet als Erika." in page.select_one("#respond").get_text(" ", strip=True)
    assert page.select_one("#id_comment").get_text().strip() == "Mein Entwurf"


def test_next_survives_a_form_error(client, post):
    url = "/accounts/signup/?" + urlencode({"next": post.url})
    again = client.post(url, signup_data(password2="anders", next=post.url))
    assert again.status_code == 200
    form = BeautifulSoup(again.content, "html.parser").select_one("main .account form")
    assert form.select_one("input[name=next]")["value"] == post.url
    done = client.post(url, signup_data(next=post.url))
    assert done["Location"] == post.url


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_signup_never_redirects_off_the_site(client, site, evil):
    done = client.post("/accounts/signup/?" + urlencode({"next": evil}), signup_data(next=evil))
    assert done.status_code == 302
    assert urlsplit(done["Location"]).netloc in ("", "testserver")
    assert "evil.example" not in done["Location"]
    assert get_user_model().objects.filter(email="erika.mustermann@example.org").exists()
