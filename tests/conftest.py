import pytest
from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from tests.factories import BlogIndexPageFactory, BlogPageFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Site root paths and rate limits live in the cache; no test sees another's."""
    cache.clear()
    yield
    cache.clear()


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


def comment_form_data(post, **fields):
    """What the comment form would send, with a valid anti-spoofing hash."""
    from comments.forms import CommentForm

    data = CommentForm(post).generate_security_data()
    data.update(
        {
            "name": "Marcus Greyer",
            "email": "marcus@example.org",
            "url": "",
            "comment": "Hallo! Ein peinlicher Fehler, das stimmt.",
            "reply_to": "0",
            "honeypot": "",
        }
    )
    data.update(fields)
    return data


class Inbox:
    """What a real SMTP server on loopback received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        from email import message_from_bytes
        from email.policy import default

        return [message_from_bytes(e.content, policy=default) for e in self.envelopes]


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings, monkeypatch):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, configured through EMAIL_URL."""
    import environ
    from aiosmtpd.controller import Controller

    from config import env as from_env

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
    from tests.fakes.akismet_server import FakeAkismet

    server = FakeAkismet().start()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_ENDPOINT = server.url
    settings.AKISMET_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_facebook(settings):
    from tests.fakes.facebook_server import FakeFacebook

    server = FakeFacebook(settings.FAKE_FACEBOOK_PORT).start()
    yield server
    server.shutdown()
    server.server_close()


# Chromium for every test that asks (tests/browser/ and the two-blog linkback test):
# one browser per session, shared. tests/browser/conftest.py finds it.
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
