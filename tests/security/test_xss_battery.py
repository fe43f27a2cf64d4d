"""XSS battery (issue 13): generated payloads (tests/security/xss_payloads.py)
go in through the real input paths (the comment form, a reader's account,
Webmentions and pingbacks from a source page on loopback), are published or
held, and every place that shows them is rendered by a real Chromium with a
canary: alert/confirm/prompt hooked, window.__xss_* globals, and a scan of the
DOM (MutationObserver and a final pass) for elements a payload would inject.

Reader pages are loaded with bypass_csp: the Content-Security-Policy would
stop inline script anyway, and the battery checks the escaping behind it."""

import html
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager, suppress
from email import message_from_bytes
from email.policy import default
from xmlrpc.client import dumps

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from comments.models import Comment, Subscription
from comments.moderation.status import set_status
from tests.factories import BlogPageFactory, UserFactory
from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.helpers import comment_form_data, log_in, make_reader
from tests.security import figures
from tests.security import xss_payloads as payloads

# Playwright's sync API runs an event loop in this thread; the ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PER_BODY = 6  # payloads per comment body at most, one per paragraph
FOLLOWER = "folger@example.org"
GUEST = "gast@example.org"

CANARY = r"""
(() => {
  const report = (kind, detail) => {
    try { window.__xssReport(kind, String(detail).slice(0, 300)); } catch (e) {}
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (value) => report(name, value);
  }
  const URLS = ["href", "src", "action", "formaction", "data", "xlink:href", "background",
                "poster", "to", "values", "from"];
  const seen = new Set();
  function why(el) {
    if (!el.attributes) return null;
    if (el.hasAttribute("data-xss")) return "marker";
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) return "handler " + name;
      if (name === "srcdoc") return "srcdoc";
      if (URLS.includes(name) && /^(javascript|vbscript):/.test(value)) return "script url";
      if (URLS.includes(name) && value.startsWith("data:")
          && !(el.tagName === "IMG" && value.startsWith("data:image/"))) return "data url";
    }
    if (el.tagName === "SCRIPT" && /alert|__xss/.test(el.textContent)) return "script";
    return null;
  }
  function look(node) {
    if (node.nodeType !== 1) return;
    for (const el of [node, ...node.querySelectorAll("*")]) {
      const reason = why(el);
      if (reason && !seen.has(el)) { seen.add(el); report("dom", reason + ": " + el.outerHTML); }
    }
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") look(record.target);
      record.addedNodes.forEach(look);
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
  window.__xssScan = () => {
    look(document.documentElement);
    const globals = Object.keys(window).filter((key) => key.startsWith("__xss_"));
    globals.forEach((key) => report("global", key));
  };
})();
"""


# The canary ------------------------------------------------------------------


class Canary:
    """What the canary saw, over every page of one browser context."""

    def __init__(self):
        self.hits = []

    def report(self, source, kind, detail):
        self.hits.append((kind, detail))

    def dialog(self, dialog):
        self.hits.append(("dialog", dialog.message))
        dialog.dismiss()

    def take(self):
        found, self.hits = self.hits, []
        return found


@contextmanager
def watched_tab(browser, canary, **options):
    context = browser.new_context(locale="de-DE", bypass_csp=True, **options)
    context.set_default_timeout(15_000)
    context.expose_binding("__xssReport", canary.report)
    context.add_init_script(CANARY)
    page = context.new_page()
    page.on("dialog", canary.dialog)
    try:
        yield page
    finally:
        context.close()


def settle(page, canary):
    """Run the final scan in every frame and return what the canary saw."""
    for frame in page.frames:
        with suppress(PlaywrightError):  # a frame that went away has nothing to scan
            frame.evaluate("window.__xssScan && window.__xssScan()")
    page.evaluate("1")  # let pending binding calls arrive
    return canary.take()


def render(page, canary, markup):
    page.set_content(markup, wait_until="load")
    return settle(page, canary)


def serve(page, canary, url, body, content_type):
    """Load `body` at `url` with its own content type, as a client would."""
    page.route(url, lambda route: route.fulfill(body=body, content_type=content_type))
    page.goto(url, wait_until="load")
    page.unroute(url)
    return settle(page, canary)


# Input -----------------------------------------------------------------------


def post_comment(client, post, text, name="", email="", url="", **extra):
    data = comment_form_data(post, name=name, email=email, url=url, comment=text, **extra)
    return client.post("/comments/post/", data)


class SourceHandler(QuietHandler):
    def do_GET(self):
        body = self.server.pages.get(self.path)
        if body is None:
            self.answer(404, "nicht da", "text/plain")
        else:
            self.answer(200, body, "text/html; charset=utf-8")


def source_page(title, target, texts, author=None):
    """A page linking to `target` whose title and text are the payloads, as
    text: the fetcher reads text, so markup is escaped in the source."""
    words = " ".join(html.escape(t) for t in texts)
    link = f'<a href="{target}">hier</a>'
    if author is None:
        body = f"<p>{words} {link}</p>"
    else:
        body = (
            f'<article class="h-entry"><a class="p-author h-card" href="/">'
            f'{html.escape(author)}</a><div class="e-content">{words} {link}</div></article>'
        )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"</head><body>{body}</body></html>"
    )


def packed(items, most=PER_BODY, length=2500):
    """Payloads in groups of at most `most`, each group one comment's worth of text."""
    groups, group = [], []
    for item in items:
        if group and (
            len(group) == most or sum(len(p.text) + 2 for p in group) + len(item.text) > length
        ):
            groups.append(group)
            group = []
        group.append(item)
    return groups + [group] if group else groups


# The data ------------------------------------------------------------------


class Battery:
    """Everything the test put in, and what it expects where."""

    def __init__(self):
        self.bodies, self.names, self.urls = payloads.all_payloads()
        self.refused = []  # responses of the form that refused a payload (400)
        self.published_ids = set()
        self.pending_ids = set()

    @property
    def count(self):
        return len(self.bodies) + len(self.names) + len(self.urls)


def build(settings, post, author, client, outbox):
    """Three posts full of payloads: published, held, from a reader, from other sites."""
    settings.COMMENTS_MAX_LINKS = 1000  # payloads are full of addresses; judge the rest
    settings.BLOG_FEED_ITEMS = 100_000
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_RATE_LIMIT = "10000/600"
    battery = Battery()
    index = post.get_parent()
    battery.posts = [post] + [
        BlogPageFactory(parent=index, author=author, slug=f"xss-{n}", title=f"XSS {n}")
        for n in (2, 3)
    ]
    moderators = Group.objects.get_or_create(name="Moderators")[0]
    battery.admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    battery.admin.groups.add(moderators)  # mailed for every held comment
    follow_first_post(battery, client, outbox)
    guest_comments(battery, client)
    held_comments(battery, client)
    receive_linkbacks(battery, client, battery.posts)
    reader_comments(battery, battery.posts)
    comments = Comment.objects.all()
    battery.published_ids = set(comments.filter(status="approved").values_list("pk", flat=True))
    battery.pending_ids = set(comments.filter(status="pending").values_list("pk", flat=True))
    return battery


def follow_first_post(battery, client, outbox):
    """A follower (whose name is a payload) gets a mail for every comment on
    the first post, after confirming the mailed link."""
    post = battery.posts[0]
    post_comment(client, post, "Ich folge.", battery.names[-1].text, FOLLOWER, followup="on")
    set_status(Comment.objects.get(user_email=FOLLOWER), Comment.Status.APPROVED)
    mails = "\n".join(m.body for m in outbox)
    link = re.search(r"http://testserver(/comments/follow/\S+/)", mails)
    assert link, "no confirmation mail"
    assert client.post(link[1]).status_code == 200
    assert Subscription.objects.get(email=FOLLOWER).is_active


def guest_comments(battery, client):
    """Every body payload (up to PER_BODY a comment), every name and address,
    from one guest: known after one approved comment, published at once after."""
    posts, names = battery.posts, battery.names
    first = post_comment(client, posts[0], "Hallo zusammen.", names[0].text, GUEST)
    assert first.status_code == 303
    set_status(Comment.objects.get(user_email=GUEST), Comment.Status.APPROVED)
    # Each post opens with a comment by every hostile name, so that @-mentions resolve.
    for target in posts:
        for number, name in enumerate(names[: len(payloads.HOSTILE_WORDS)]):
            post_comment(client, target, f"Ich bin {number} auf {target.slug}.", name.text, GUEST)
    # The form refuses a NUL outright (400): those payloads go alone.
    with_nul = [p for p in battery.bodies if "\x00" in p.text]
    groups = packed([p for p in battery.bodies if "\x00" not in p.text])
    for number, group in enumerate(groups + [[p] for p in with_nul]):
        text = "\n\n".join(p.text for p in group)
        name = names[number % len(names)].text
        response = post_comment(client, posts[number % len(posts)], text, name, GUEST)
        if response.status_code == 400 and "\x00" in text:
            battery.refused.append((group[0], response.content.decode()))
            continue
        assert response.status_code == 303, (response.status_code, text)
    for number, url in enumerate(battery.urls):
        text, name = f"Meine Seite Nr. {number}", names[number].text
        response = post_comment(client, posts[number % len(posts)], text, name, GUEST, url.text)
        if response.status_code == 400:  # no web address
            battery.refused.append((url, response.content.decode()))
        else:
            assert response.status_code == 303, url
    # Hostile names were @-mentioned: the renderer linked them.
    assert Comment.objects.filter(body_html__contains='class="mention"').count() > 20


def held_comments(battery, client):
    """First comments of strangers wait in the moderation queue."""
    posts, names = battery.posts, battery.names
    for number, payload in enumerate(p for p in battery.bodies[::16] if "\x00" not in p.text):
        name = names[(number * 7) % len(names)].text
        text, email = f"{payload.text} (neu {number})", f"neu{number}@example.org"
        url = f"https://example.org/{payload.id}"
        response = post_comment(client, posts[number % len(posts)], text, name, email, url)
        assert response.status_code == 303, (response.status_code, text)


def receive_linkbacks(battery, client, posts, count=36, pings=6):
    """Webmentions (h-entry or plain pages) and pingbacks from one loopback site:
    its first linkback is held and approved, the others are published."""
    server = LoopbackServer(SourceHandler)
    server.pages = {}
    server.start()
    texts = [p for p in battery.bodies[1::4] if "\x00" not in p.text]
    try:
        for number in range(count + pings):
            target = posts[number % len(posts)].get_full_url()
            title = battery.names[(number * 5) % len(battery.names)].text
            if number % 3 == 2:  # the title from a body payload (cut to 50 characters)
                title = texts[-number].text
            author = battery.names[number % len(battery.names)].text if number % 2 else None
            group = texts[number * 4 : (number + 1) * 4]
            path = f"/quelle/{number}/"
            server.pages[path] = source_page(title, target, [p.text for p in group], author)
            source = server.url + path
            if number < count:
                response = client.post("/webmention/", {"source": source, "target": target})
                assert response.status_code == 202, response.content
            else:
                body = dumps((source, target), "pingback.ping")
                response = client.post("/xmlrpc/", body, content_type="text/xml")
                assert b"<fault>" not in response.content, response.content
            if number == 0:
                held = Comment.objects.get(user_url=source)
                set_status(held, Comment.Status.APPROVED)
    finally:
        server.shutdown()
        server.server_close()
    linkbacks = Comment.objects.filter(kind__in=Comment.Kind.LINKBACKS)
    assert linkbacks.count() == count + pings
    # Titles, authors and excerpts arrive as text, markup and all.
    assert linkbacks.filter(user_name__contains="<").count() >= count // 2
    assert linkbacks.filter(comment__contains="<").count() >= count // 2


def reader_comments(battery, posts):
    """A logged-in reader whose name and comments are payloads ("My comments")."""
    reader = make_reader(username="leser", email="leser@example.org")
    reader.first_name = battery.names[11].text
    reader.save()
    client = log_in(Client(), reader)
    for number, payload in enumerate(p for p in battery.bodies[2::50] if "\x00" not in p.text):
        text = f"{payload.text} (von mir {number})"
        response = post_comment(client, posts[number % len(posts)], text)
        assert response.status_code == 303, (response.status_code, text)
        if number == 0:
            set_status(Comment.objects.get(user=reader), Comment.Status.APPROVED)
    battery.reader, battery.reader_client = reader, client


def lost_payloads(battery):
    """Payloads the form neither stored (as typed) nor refused with a 400."""
    comments = Comment.objects.filter(kind=Comment.Kind.COMMENT)
    texts = "\n".join(comments.values_list("comment", flat=True))
    names = set(comments.values_list("user_name", flat=True))
    urls = set(comments.values_list("user_url", flat=True))
    refused = {payload.id for payload, _ in battery.refused}
    # Texts are stored without the blanks around them; "//host/" gains "http:".
    return [
        p.id
        for p in (*battery.bodies, *battery.names, *battery.urls)
        if p.id not in refused
        and p.text.strip() not in texts
        and p.text not in names
        and p.text not in urls
        and "http:" + p.text not in urls
    ]


# The sinks -----------------------------------------------------------------

QUEUE = "/admin/snippets/comments/comment/"
ATOM = "{http://www.w3.org/2005/Atom}"
FORM_VALUES = """Array.from(document.querySelectorAll(
    '#commentform input, #commentform textarea')).map((field) => field.value).join(' ')"""
_PAYLOAD_ID = re.compile(r"(?<!\d)1\d{5}(?!\d)")


class Sinks:
    """Renders each place that shows the payloads and records, per place, how
    many payloads Chromium showed (tried) and what the canary saw (failed)."""

    def __init__(self, browser, live_server, battery):
        self.browser, self.url, self.battery = browser, live_server.url, battery
        self.canary = Canary()
        self.failures = {}
        self.all_ids = {p.id for p in (*battery.bodies, *battery.names, *battery.urls)}

    def shown(self, text):
        """The payloads whose id is in a rendered text: they reached this place."""
        return {int(m) for m in _PAYLOAD_ID.findall(text)} & self.all_ids

    def text_of(self, page):
        return page.evaluate("document.body ? document.body.textContent : ''")

    def record(self, check, shown, hits):
        figures.record("XSS", check, tried=len(shown), failed=min(len(hits), len(shown)))
        if hits:
            self.failures[check] = hits[:10]
        return shown

    @contextmanager
    def tab(self, user=None):
        with watched_tab(self.browser, self.canary) as page:
            if user is not None:
                client = Client()
                client.force_login(user)
                cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
                page.context.add_cookies([{**cookie, "url": self.url}])
            yield page

    def ids_in(self, page, selector, attribute):
        script = f"els => els.map(e => Number(e.getAttribute('{attribute}')))"
        return set(page.eval_on_selector_all(selector, script))

    def post_pages(self, page):
        """Every comment page of every post (and the page's own script at work)."""
        hits, comments, shown, missing = [], set(), set(), []
        for post in self.battery.posts:
            expected = set(Comment.objects.for_post(post).approved().values_list("pk", flat=True))
            for number in range(1, math.ceil(len(expected) / 50) + 1):
                page.goto(f"{self.url}{post.url}?cpage={number}#comments")
                comments |= self.ids_in(page, "li.comment", "data-comment-id")
                shown |= self.shown(self.text_of(page))
                if post == self.battery.posts[0] and number == 1:
                    hits += self.use_the_form(page)
                hits += settle(page, self.canary)
            missing += sorted(expected - comments)
        self.record("post pages: payloads shown", shown, hits)
        assert not missing, f"comments not shown: {missing[:5]}"

    def use_the_form(self, page):
        """comments.js puts names into the @-suggestions and the reply heading."""
        textarea = page.locator("#commentform textarea")
        if textarea.count() != 1:  # a payload took the page apart
            return [("page", "no comment form left on the page")]
        textarea.press_sequentially("Hallo @")
        suggestions = page.locator("#mention-suggestions li")
        suggestions.first.wait_for(state="attached")
        assert suggestions.count() > 1
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert textarea.input_value().startswith("Hallo @")
        for link in page.locator("a.comment__reply").all()[:8]:
            link.click()
        return []

    def feeds(self, page, client):
        """Each comment feed's items as a reader shows them: the HTML content as
        HTML, titles and authors as text (RSS titles are text, Atom's say so)."""
        addresses = ["/comments/feed/", "/comments/feed/atom/"]
        for post in self.battery.posts:
            addresses += [f"{post.url}feed/", f"{post.url}feed/atom/"]
        hits, shown = [], set()
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200, address
            items = feed_items(response.content)
            if address.startswith("/comments/"):
                assert len(items) == len(self.battery.published_ids), address
            document = "".join(
                f"<article><h2>{html.escape(title)}</h2><p>{html.escape(author)}</p>"
                f"<div>{content}</div></article>"
                for title, author, content in items
            )
            hits += render(page, self.canary, f"<!doctype html><body>{document}</body>")
            shown |= self.shown(self.text_of(page))
        return self.record("comment feeds: payloads shown", shown, hits)

    def queue(self, page):
        """The pending comments (every page), all comments' first page, the
        dashboard's panel, and the edit and reply views of held comments."""
        hits, rows, shown = [], set(), set()
        pages = math.ceil(len(self.battery.pending_ids) / 50)
        addresses = [f"{QUEUE}?status=pending&p={n}" for n in range(1, pages + 1)]
        addresses += [f"{QUEUE}?status=all", "/admin/"]
        for pk in sorted(self.battery.pending_ids)[:2]:
            addresses += [f"{QUEUE}edit/{pk}/", f"{QUEUE}reply/{pk}/"]
        for address in addresses:
            page.goto(self.url + address)
            rows |= self.ids_in(page, "[data-object-id]", "data-object-id")
            shown |= self.shown(self.text_of(page))
            hits += settle(page, self.canary)
        self.record("moderation queue: payloads shown", shown, hits)
        assert self.battery.pending_ids <= rows

    def my_comments(self, page):
        page.goto(f"{self.url}/accounts/comments/")
        mine = Comment.objects.filter(user=self.battery.reader)
        listed = page.locator(".own-comment").count()
        shown = self.shown(self.text_of(page))
        hits = settle(page, self.canary)
        page.goto(f"{self.url}/accounts/name/")
        shown |= self.shown(page.evaluate("document.querySelector('input[name=name]').value"))
        hits += settle(page, self.canary)
        for comment in mine.order_by("-pk")[:3]:  # the edit form shows the text again
            page.goto(f"{self.url}/comments/{comment.pk}/edit/")
            shown |= self.shown(page.locator("#id_comment").input_value())
            hits += settle(page, self.canary)
        self.record("my comments and their edit forms: payloads shown", shown, hits)
        assert listed == mine.count()

    def export(self, page):
        """A download of JSON: Chromium saves it, and opened in a tab it is text."""
        response = self.battery.reader_client.get("/accounts/export/")
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        data = json.loads(response.content)
        mine = Comment.objects.filter(user=self.battery.reader)
        assert {c["text"] for c in data["comments"]} == {c.comment for c in mine}
        # "Download is starting": Chromium saves it, no page loads.
        with page.expect_download() as download, suppress(PlaywrightError):
            page.goto(f"{self.url}/accounts/export/")
        assert download.value.suggested_filename.endswith(".json")
        hits = settle(page, self.canary)
        export = f"{self.url}/__export.json"
        hits += serve(page, self.canary, export, response.content, response["Content-Type"])
        assert page.evaluate("document.contentType") == "application/json"
        return self.record("data export: payloads in it", self.shown(self.text_of(page)), hits)

    def mails(self, page, outbox):
        """Every mail as its recipient gets it (the bytes SMTP would carry): an
        HTML part is rendered, a text part shown as text."""
        messages = [message_from_bytes(m.message().as_bytes(), policy=default) for m in outbox]
        html_parts, text_parts = [], []
        for message in messages:
            for header in ("Subject", "From", "To"):
                assert "\n" not in str(message[header])
            for part in message.walk():
                if part.is_multipart():
                    continue
                kind = part.get_content_type()
                assert kind in ("text/plain", "text/html"), kind
                (html_parts if kind == "text/html" else text_parts).append(part.get_content())
        hits = render(page, self.canary, "<!doctype html>" + "<hr>".join(html_parts))
        shown = self.shown(self.text_of(page))
        text = "\n\n".join(text_parts)
        hits += serve(page, self.canary, f"{self.url}/__mails.txt", text, "text/plain")
        assert page.evaluate("document.contentType") == "text/plain"
        shown |= self.shown(self.text_of(page))
        figures.record("XSS", "mails: messages rendered", tried=len(messages), failed=len(hits))
        return self.record("mails: payloads shown", shown, hits)

    def refused_forms(self, page):
        """A refused comment (a website that is no web address, a NUL) brings the
        form back with what was typed in it."""
        hits, shown = [], set()
        refused = [(p, c) for p, c in self.battery.refused if p.kind == "url"]
        refused += [(p, c) for p, c in self.battery.refused if p.kind != "url"][::4]
        for number, (_, content) in enumerate(refused):
            address = f"{self.url}/__refused/{number}/"
            hits += serve(page, self.canary, address, content, "text/html; charset=utf-8")
            shown |= self.shown(page.evaluate(FORM_VALUES))
        return self.record("refused comment forms: payloads echoed", shown, hits)


def feed_items(content):
    """(title, author, HTML content) per item, as a feed reader takes them."""
    root = ET.fromstring(content)
    if root.tag == "rss":
        return [
            (
                item.findtext("title", ""),
                item.findtext("{http://purl.org/dc/elements/1.1/}creator", "")
                or item.findtext("author", ""),
                item.findtext("description", ""),
            )
            for item in root.iter("item")
        ]
    items = []
    for entry in root.iter(f"{ATOM}entry"):
        title = entry.find(f"{ATOM}title")
        assert title.get("type", "text") == "text"  # Atom: plain text, never markup
        summary = entry.find(f"{ATOM}summary")
        if summary is None:
            summary = entry.find(f"{ATOM}content")
        body = summary.text or ""
        if summary.get("type", "text") == "text":
            body = html.escape(body)
        items.append((title.text or "", entry.findtext(f"{ATOM}author/{ATOM}name", ""), body))
    return items


# The tests -----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.once
def test_the_canary_sees_every_vector_put_in_raw(browser):
    """Control: unescaped, every vector trips the canary, and the plain ones
    run (so the battery below can fail)."""
    canary = Canary()
    vectors = payloads.raw_vectors(900_000)
    missed, ran = [], set()
    with watched_tab(browser, canary) as page:
        for vector in vectors:
            hits = render(page, canary, f"<!doctype html><body><p>{vector.text}</p></body>")
            if not hits and vector.kind not in payloads.REPARSE_ONLY:
                missed.append(vector.kind)
            if any(kind != "dom" for kind, _ in hits):
                ran.add(vector.kind)
    figures.record("XSS", "canary control: raw vectors", tried=len(vectors), failed=len(missed))
    assert not missed
    assert {"script", "img-onerror", "svg-onload", "iframe-srcdoc"} <= ran, ran


@pytest.mark.browser
@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_or_lands_in_any_sink(
    browser, live_server, settings, post, author, mailoutbox
):
    client = Client()
    battery = build(settings, post, author, client, mailoutbox)
    print(
        f"\nXSS battery: {battery.count} payloads ({len(battery.bodies)} bodies, "
        f"{len(battery.names)} names, {len(battery.urls)} addresses); "
        f"{len(battery.published_ids)} comments published, {len(battery.pending_ids)} held"
    )
    lost = lost_payloads(battery)
    figures.record(
        "XSS", "payloads through the input paths", tried=battery.count, failed=len(lost)
    )
    assert not lost, f"neither stored nor refused: {lost[:5]}"
    sinks = Sinks(browser, live_server, battery)
    with sinks.tab() as page:
        sinks.post_pages(page)
        sinks.feeds(page, client)
        sinks.refused_forms(page)
        sinks.mails(page, mailoutbox)
    with sinks.tab(battery.admin) as page:
        sinks.queue(page)
    with sinks.tab(battery.reader) as page:
        sinks.my_comments(page)
        sinks.export(page)
    assert not sinks.failures, json.dumps(sinks.failures, indent=1, ensure_ascii=False)
