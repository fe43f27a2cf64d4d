"""A real Chromium on pages that one cached copy serves to every anonymous
reader: they set no cookie and carry no CSRF token, posting from them works
with and without JavaScript, and another site's form cannot post."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils.html import escape

from comments.models import Comment
from tests.helpers import comment_form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_posting_from_a_shared_page(live_server, browser, post, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="de-DE")
    page = context.new_page()
    response = page.goto(live_server.url + post.url)
    assert "set-cookie" not in response.headers
    assert context.cookies() == []
    assert "csrfmiddlewaretoken" not in page.content()
    page.fill("#id_comment", "Vom geteilten Blatt")
    page.fill("#id_name", "Eol")
    page.fill("#id_email", "eol@example.org")
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(".comment--pending .comment__awaiting").wait_for()
    assert Comment.objects.get().comment == "Vom geteilten Blatt"
    context.close()


@pytest.fixture
def foreign_site():
    """Another site on loopback, whose page holds a form that posts to the blog."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_form_on_another_site_cannot_post(live_server, browser, post, foreign_site):
    pages, origin = foreign_site
    fields = comment_form_data(post, comment="Von fremder Seite", email="opfer@example.org")
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    pages["/"] = (
        f'<form method="post" action="{live_server.url}/comments/post/">{inputs}'
        '<button id="go">go</button></form>'
    )
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(origin + "/")
    with page.expect_navigation() as sent:
        page.click("#go")
    assert sent.value.status == 403
    assert not Comment.objects.exists()
    context.close()


def test_the_post_page_breaks_no_rule_of_its_content_security_policy(live_server, page, post):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + post.url)
    page.fill("#id_comment", "@")  # the mention suggestions and the counter run
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('#comments') !== null")
    assert violations == []
