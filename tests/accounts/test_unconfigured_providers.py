"""A login provider without credentials is not there: its login and callback
addresses answer 404 (they raised SocialApp.DoesNotExist, a 500, before)."""

import pytest
from django.urls import reverse

from tests.helpers import comment_form_data

# Installed providers; the test settings configure only Facebook (and the OIDC
# address takes any provider id).
UNCONFIGURED = [
    reverse("github_login"),
    reverse("github_callback"),
    reverse("google_login"),
    reverse("google_callback"),
    "/accounts/oidc/keycloak/login/",
    "/accounts/oidc/keycloak/login/callback/",
]


@pytest.fixture
def client_500(client):
    """A client that answers with the 500 page instead of raising."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", UNCONFIGURED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unconfigured_provider_is_not_found(client_500, site, url, method):
    response = getattr(client_500, method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_callback_with_a_code_and_state_is_not_found_either(client_500, site, method):
    url = reverse("github_callback") + "?code=abc&state=xyz"
    assert getattr(client_500, method)(url).status_code == 404


@pytest.mark.parametrize("url", [reverse("facebook_login"), reverse("facebook_callback")])
def test_facebook_without_credentials_is_not_found(client_500, site, settings, url):
    settings.SOCIALACCOUNT_PROVIDERS = {"facebook": {}}
    assert client_500.get(url).status_code == 404
    assert client_500.post(url).status_code == 404


def test_the_comment_forms_login_button_for_it_is_not_found(client_500, post):
    response = client_500.post("/comments/login/github/", comment_form_data(post, name=""))
    assert response.status_code == 404


def test_a_configured_provider_still_works(client, site):
    assert client.get("/accounts/facebook/login/").status_code == 200
