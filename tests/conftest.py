import copy
import os

import environ
import pytest
from aiosmtpd.controller import Controller
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from django.core.cache import cache
from playwright.sync_api import sync_playwright
from wagtail.models import Locale, Page, Site

from comments.caching import sites
from config import env as from_env
from tests.factories import BlogIndexPageFactory, BlogPageFactory, UserFactory
from tests.fakes.akismet_server import FakeAkismet
from tests.fakes.facebook_server import FakeFacebook
from tests.helpers import CHROMIUM_ARGS, Inbox, browser_tab, chromium_path, free_port


@pytest.fixture(autouse=True)
def _clear_cache():
    """Site root paths and rate limits live in the cache; no test sees another's."""
    cache.clear()
    sites.forget()
    yield
    cache.clear()
    sites.forget()


@pytest.fixture
def root_page(db):
    """Wagtail's root page; transactional tests flush it, so make it if missing."""
    Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@pytest.fixture
def blog_index(root_page):
    return BlogIndexPageFactory(parent=root_page)


@pytest.fixture
def site(blog_index):
    """The default site, served at http://testserver/ with the blog as its home."""
    Site.objects.all().delete()
    DjangoSite.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": "testserver", "name": "Kommentar"}
    )
    return Site.objects.create(
        hostname="testserver",
        port=80,
        root_page=blog_index,
        is_default_site=True,
        site_name="Kommentar",
    )


@pytest.fixture
def author(db):
    return UserFactory(username="luca", first_name="Luca", last_name="Hammer")


@pytest.fixture
def post(site, blog_index, author):
    return BlogPageFactory(
        parent=blog_index,
        title="Wie gut ist die Social Web Kompetenz von A1 Mobilkom?",
        slug="a1-mobilkom",
        author=author,
        tags=["A1", "Datenschutz"],
    )


@pytest.fixture
def smtp_server(settings, monkeypatch):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, configured through EMAIL_URL."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    for key, value in from_env.email(environ.Env(), debug=False).items():
        setattr(settings, key, value)
    yield inbox
    controller.stop()


@pytest.fixture
def fake_akismet(settings):
    """Akismet's API, faked on loopback; the real client reaches it over HTTP."""
    server = FakeAkismet().start()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_ENDPOINT = server.url
    settings.AKISMET_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_facebook(settings, monkeypatch):
    """Facebook, faked on a free loopback port, and allauth pointed at it.

    allauth reads GRAPH_API_URL and AUTHORIZE_URL once, when its Facebook
    modules are imported (a global of its flows module, attributes of its
    OAuth2 adapter class), so changing SOCIALACCOUNT_PROVIDERS alone would not
    reach them: those copies are patched too, for this test only. The live
    server runs in a thread of this process, so browser tests see them too.
    """
    server = FakeFacebook().start()
    graph_api_url = f"{server.url}/v19.0"
    authorize_url = f"{server.url}/dialog/oauth"
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["facebook"].update(GRAPH_API_URL=graph_api_url, AUTHORIZE_URL=authorize_url)
    settings.SOCIALACCOUNT_PROVIDERS = providers
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", graph_api_url)
    monkeypatch.setattr(FacebookOAuth2Adapter, "authorize_url", authorize_url)
    monkeypatch.setattr(
        FacebookOAuth2Adapter, "access_token_url", f"{graph_api_url}/oauth/access_token"
    )
    yield server
    server.shutdown()
    server.server_close()


# Chromium for every test that asks (tests/browser/ and the two-blog linkback test):
# one browser per session, shared. tests/browser/conftest.py skips (or fails)
# browser tests where tests.helpers.chromium_path() finds none.
@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    with browser_tab(browser) as tab:
        yield tab


def pytest_collection_modifyitems(config, items):
    """CI's second pass (PostgreSQL) skips what does not use the test database."""
    if os.environ.get("SKIP_ONCE_TESTS") != "1":
        return
    skip = pytest.mark.skip(reason="marked once: ran in the first pass")
    for item in items:
        if item.get_closest_marker("once"):
            item.add_marker(skip)
