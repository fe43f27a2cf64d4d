"""Plain helpers shared by tests, conftests and the two-blog harness.

Fixtures live in the conftest.py files, which only pytest loads; whatever a
module imports by name lives here, so that no module imports from a conftest.
"""

import contextlib
import os
import shutil
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from allauth.account.models import EmailAddress
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from comments.forms import CommentForm
from tests.factories import UserFactory

# Comments ------------------------------------------------------------------


def comment_form_data(post, **fields):
    """What the comment form would send, with a valid anti-spoofing hash."""
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


def facebook_login(client, post, facebook, draft="Mein Entwurf vor dem Login"):
    """Log in through `facebook` (the fake_facebook fixture) with a draft in the
    comment form, as a reader does; returns the response of the callback."""
    data = comment_form_data(post, comment=draft, name="", email="")
    response = client.post("/comments/login/facebook/", data)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/accounts/facebook/login/")
    assert client.get(login_url).status_code == 200  # a GET only asks to continue
    to_facebook = client.post(login_url)
    assert to_facebook.status_code == 302
    dialog = to_facebook["Location"]
    params = parse_qs(urlsplit(dialog).query)
    assert dialog.startswith(f"{facebook.url}/dialog/oauth")  # the fixture's free port
    assert params["state"][0]
    back = httpx.get(dialog, follow_redirects=False)  # real HTTP to the fake Facebook
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/accounts/facebook/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


# Loopback ------------------------------------------------------------------


def free_port():
    """A loopback port free right now, for a server that must be told its port
    before it starts (gunicorn, aiosmtpd); nothing listens on it yet."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What a real SMTP server on loopback received (an aiosmtpd handler)."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        return [message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


# Linkbacks -----------------------------------------------------------------

POST_URL = "http://testserver/a1-mobilkom/"  # the `post` fixture's full URL


def page_html(title, body):
    """A minimal HTML page, as another blog would serve it."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


# Chromium ------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)"


def chromium_path():
    """Debian's Chromium (or CHROMIUM_PATH), or None where none is installed."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextlib.contextmanager
def browser_tab(browser, *, width=1200, height=900, **options):
    """A fresh German-speaking tab in its own context, closed afterwards."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": width, "height": height}, **options
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


READER_PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"


def make_reader(username="markus", email="markus@example.org", **fields):
    """A local account as allauth leaves it: a password and a verified address."""
    user = UserFactory(username=username, email=email, **fields)
    user.set_password(READER_PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, user):
    """Log in through allauth's own form, as a reader does."""
    response = client.post("/accounts/login/", {"login": user.email, "password": READER_PASSWORD})
    assert response.status_code == 302
    return client


def known_embed(url, html, provider="Video Example"):
    """What Wagtail would have fetched from the provider's oEmbed (kept in its table)."""
    return Embed.objects.create(
        hash=get_embed_hash(url, 800),
        url=url,
        max_width=800,
        type="video",
        html=html,
        provider_name=provider,
        width=640,
        height=360,
    )
