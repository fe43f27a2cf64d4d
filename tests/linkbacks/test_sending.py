"""Sending linkbacks: finding a linked page's endpoint, and what publishing a
post sends to it, against real HTTP servers on loopback."""

import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit
from xmlrpc.client import Fault, dumps, loads

import pytest
from django_tasks import default_task_backend

from comments.linkbacks import discovery, send, tasks
from comments.linkbacks.discovery import Endpoint
from comments.linkbacks.models import OutgoingPing
from tests.factories import BlogPageFactory, UserFactory
from tests.fakes.loopback import LoopbackServer, QuietHandler

HTML = "text/html; charset=utf-8"


def html(head="", body=""):
    return (
        f"<!doctype html><html><head><title>Drüben</title>{head}</head><body>{body}</body></html>"
    )


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    content_type: str = HTML
    headers: dict = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes

    @property
    def form(self):
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


class TargetHandler(QuietHandler):
    def _handle(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.requests.append(Request(method, path, headers, body))
        reply = self.server.routes.get((method, path))
        if reply is None:
            self.answer(404, html(body="Nicht gefunden"), HTML)
            return
        data = reply.body.encode()
        self.send_response(reply.status)
        headers = reply.headers.items() if isinstance(reply.headers, dict) else reply.headers
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")


class TargetSite:
    """A linked blog on 127.0.0.1 whose answers each test sets."""

    def __init__(self, server):
        self.server = server

    def url(self, path):
        return self.server.url + path

    def on(self, method, path, reply=None, **kwargs):
        self.server.routes[(method, path)] = reply or Reply(**kwargs)
        return self.url(path)

    def page(self, path, head="", **kwargs):
        return self.on("GET", path, body=html(head), **kwargs)

    def received(self, method, path):
        return [r for r in self.server.requests if (r.method, r.path) == (method, path)]


@pytest.fixture
def target_site(settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_FETCH_TIMEOUT = 3.0
    server = LoopbackServer(TargetHandler)
    server.routes = {}
    server.requests = []
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield TargetSite(server)
    server.shutdown()
    server.server_close()


# Discovery ---------------------------------------------------------------------------


def test_link_header_among_several_links_and_rels(target_site):
    target = target_site.page(
        "/post",
        headers={
            "Link": '<https://cdn.example.org/style.css>; rel="stylesheet", '
            "<http://hub.example.org/>; rel=hub, "
            '<https://example.org/mention?x=1>; rel="nofollow webmention"'
        },
    )
    assert discovery.discover(target) == Endpoint("webmention", "https://example.org/mention?x=1")


def test_repeated_link_headers_are_all_read(target_site):
    target = target_site.page(
        "/post",
        headers=[("Link", '</style.css>; rel="stylesheet"'), ("Link", "</wm>; rel=webmention")],
    )
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/wm"))


def test_relative_link_header_resolves_against_the_url_after_redirects(target_site):
    target_site.on("GET", "/old/post", status=301, headers={"Location": "/blog/2024/post"})
    target_site.page("/blog/2024/post", headers={"Link": '<mention>; rel="webmention"'})
    found = discovery.discover(target_site.url("/old/post"))
    assert found == Endpoint("webmention", target_site.url("/blog/2024/mention"))


def test_link_element(target_site):
    target = target_site.page("/post", head='<link rel="webmention" href="/endpoint/wm">')
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/endpoint/wm"))


def test_a_element(target_site):
    target = target_site.on(
        "GET",
        "/post",
        body=html(body='<p>Mentions go <a rel="webmention" href="/a-wm">here</a>.</p>'),
    )
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/a-wm"))


def test_first_element_in_document_order_wins(target_site):
    target = target_site.on(
        "GET",
        "/post",
        body=html(
            body='<a rel="webmention" href="/first">1</a><link rel="webmention" href="/second">'
        ),
    )
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/first"))


def test_empty_href_means_the_page_itself(target_site):
    target_site.page("/post", head='<link rel="webmention" href="">')
    target = target_site.url("/post?id=7")
    assert discovery.discover(target) == Endpoint("webmention", target)


def test_link_header_wins_over_html(target_site):
    target = target_site.page(
        "/post",
        head='<link rel="webmention" href="/from-html">',
        headers={"Link": "</from-header>; rel=webmention"},
    )
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/from-header"))


def test_webmention_is_preferred_over_pingback(target_site):
    target = target_site.page(
        "/post",
        head='<link rel="pingback" href="/xmlrpc.php"><link rel="webmention" href="/wm">',
        headers={"X-Pingback": target_site.url("/xmlrpc.php")},
    )
    assert discovery.discover(target) == Endpoint("webmention", target_site.url("/wm"))


def test_x_pingback_header(target_site):
    target = target_site.page("/post", headers={"X-Pingback": target_site.url("/xmlrpc.php")})
    assert discovery.discover(target) == Endpoint("pingback", target_site.url("/xmlrpc.php"))


def test_pingback_link_element(target_site):
    target = target_site.page("/post", head='<link rel="pingback" href="/xmlrpc.php">')
    assert discovery.discover(target) == Endpoint("pingback", target_site.url("/xmlrpc.php"))


def test_nothing_to_discover(target_site):
    target = target_site.page("/post", head='<link rel="stylesheet" href="/s.css">')
    not_html = target_site.on(
        "GET", "/data", body='<link rel="webmention" href="/wm">', content_type="text/plain"
    )
    missing = target_site.on(
        "GET", "/gone", status=404, body=html('<link rel="webmention" href="/wm">')
    )
    assert discovery.discover(target) is None
    assert discovery.discover(not_html) is None
    assert discovery.discover(missing) is None


# Which links a post has -----------------------------------------------------------------


def paragraphs(*texts):
    return [{"type": "paragraph", "value": text} for text in texts]


def test_external_links_once_each_in_order_without_own_site(site, blog_index):
    other = BlogPageFactory(parent=blog_index, slug="anderer-beitrag")
    post = BlogPageFactory(
        parent=blog_index,
        slug="mit-links",
        body=paragraphs(
            '<p><a href="https://example.org/a">A</a> <a href="mailto:x@example.org">m</a> '
            '<a href="http://example.com/b#kommentare">B</a> <a href="/lokal/">l</a></p>',
            '<p><a href="http://testserver/anderer-beitrag/">eigen</a> '
            f'<a linktype="page" id="{other.pk}">intern</a> '
            '<a href="ftp://example.net/datei">ftp</a> <a href="https://example.org/a">A</a> '
            '<a href="http://example.com/b">B again</a> <a href="https://example.net/c">C</a></p>',
        ),
    )
    assert send.external_links(post) == [
        "https://example.org/a",
        "http://example.com/b",
        "https://example.net/c",
    ]


def test_a_link_to_another_port_of_the_same_host_is_external(site, blog_index):
    post = BlogPageFactory(
        parent=blog_index, body=paragraphs('<p><a href="http://testserver:8080/x/">x</a></p>')
    )
    assert send.external_links(post) == ["http://testserver:8080/x/"]


# Publishing a post --------------------------------------------------------------------


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish as the editor does; the jobs (immediate backend) run on commit."""

    def publish(post):
        with django_capture_on_commit_callbacks(execute=True):
            post.save_revision().publish()
        post.refresh_from_db()
        return list(OutgoingPing.objects.filter(post=post))

    return publish


@pytest.fixture
def new_post(site, blog_index, author):
    def new_post(*links, trackback_urls=""):
        anchors = " ".join(f'<a href="{url}">Link {n}</a>' for n, url in enumerate(links))
        return BlogPageFactory(
            parent=blog_index,
            title="Wie gut ist die Social Web Kompetenz von A1 Mobilkom?",
            slug="a1-mobilkom",
            author=author,
            intro="Ein peinlicher Fehler bei A1.",
            body=paragraphs(f"<p>Lesenswert: {anchors}</p>"),
            trackback_urls=trackback_urls,
        )

    return new_post


ACCEPTED = Reply(202, "Accepted", "text/plain")
POST_URL = "http://testserver/a1-mobilkom/"


def webmention_target(site, path="/artikel", reply=ACCEPTED):
    site.on("POST", "/webmention", reply)
    return site.page(path, head='<link rel="webmention" href="/webmention">')


def pingback_target(site, reply, path="/artikel"):
    site.on("POST", "/xmlrpc.php", reply)
    return site.page(path, headers={"X-Pingback": site.url("/xmlrpc.php")})


def xmlrpc(payload):
    return Reply(200, payload, "text/xml")


def test_publishing_sends_a_webmention(target_site, new_post, publish):
    target = webmention_target(target_site)
    post = new_post(target)
    [ping] = publish(post)

    [request] = target_site.received("POST", "/webmention")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {"source": POST_URL, "target": target}
    assert post.get_full_url() == POST_URL
    assert (ping.target, ping.protocol, ping.outcome, ping.attempts) == (
        target,
        "webmention",
        "sent",
        1,
    )
    assert ping.detail == "HTTP 202"
    assert ping.sent_at is not None


def test_publishing_sends_a_pingback(target_site, new_post, publish):
    target = pingback_target(target_site, xmlrpc(dumps(("Danke!",), methodresponse=True)))
    [ping] = publish(new_post(target))

    [request] = target_site.received("POST", "/xmlrpc.php")
    assert request.headers["content-type"] == "text/xml"
    params, method = loads(request.body)
    assert method == "pingback.ping"
    assert params == (POST_URL, target)
    assert request.body.startswith(b"<?xml")
    assert (ping.protocol, ping.outcome, ping.detail) == ("pingback", "sent", "accepted")


def test_pingback_already_registered_counts_as_sent(target_site, new_post, publish):
    fault = dumps(Fault(0x0030, "The pingback has already been registered."), methodresponse=True)
    target = pingback_target(target_site, xmlrpc(fault))
    [ping] = publish(new_post(target))
    assert (ping.protocol, ping.outcome, ping.detail) == ("pingback", "sent", "already registered")


def test_pingback_fault_no_link_fails(target_site, new_post, publish):
    fault = dumps(Fault(0x0011, "The source does not link to the target."), methodresponse=True)
    target = pingback_target(target_site, xmlrpc(fault))
    [ping] = publish(new_post(target))
    assert (ping.protocol, ping.outcome, ping.attempts) == ("pingback", "failed", 1)
    assert ping.detail == "fault 0x0011: The source does not link to the target."
    assert ping.sent_at is None


def test_pingback_answer_that_is_not_xmlrpc_fails(target_site, new_post, publish):
    target = pingback_target(target_site, Reply(200, "<html>nope</html>", HTML))
    [ping] = publish(new_post(target))
    assert ping.outcome == "failed"
    assert "not an XML-RPC answer" in ping.detail


def test_target_without_endpoint(target_site, new_post, publish):
    target = target_site.page("/artikel")
    [ping] = publish(new_post(target))
    assert (ping.outcome, ping.protocol, ping.attempts, ping.detail) == ("no-endpoint", "", 1, "")
    assert target_site.received("GET", "/artikel")
    assert [r.method for r in target_site.server.requests] == ["GET"]


def test_each_target_once_and_again_after_the_link_came_back(target_site, new_post, publish):
    target = webmention_target(target_site)
    other = webmention_target(target_site, path="/zweiter")
    post = new_post(target, other)
    assert {p.outcome for p in publish(post)} == {"sent"}
    assert len(target_site.received("POST", "/webmention")) == 2

    publish(post)  # published again, unchanged: nobody is pinged twice
    assert len(target_site.received("POST", "/webmention")) == 2

    post.body = paragraphs(f'<p>Nur noch <a href="{other}">der zweite</a>.</p>')
    pings = {p.target: p for p in publish(post)}
    assert len(target_site.received("POST", "/webmention")) == 2
    assert pings[target].in_post is False
    assert pings[other].in_post is True

    post.body = paragraphs(f'<p><a href="{target}">Wieder da</a>, <a href="{other}">2</a>.</p>')
    pings = {p.target: p for p in publish(post)}
    sent = target_site.received("POST", "/webmention")
    assert [r.form["target"] for r in sent] == [target, other, target]
    assert (pings[target].in_post, pings[target].outcome, pings[target].attempts) == (
        True,
        "sent",
        1,
    )


def test_server_error_fails_at_once_without_deferring(target_site, new_post, publish):
    target = webmention_target(target_site, reply=Reply(500, "Kaputt", "text/plain"))
    [ping] = publish(new_post(target))
    assert len(target_site.received("POST", "/webmention")) == 1
    assert (ping.outcome, ping.attempts, ping.detail) == ("failed", 1, "HTTP 500")


def test_retrying_counts_attempts(target_site, new_post):
    target = webmention_target(target_site, reply=Reply(503, "Später", "text/plain"))
    post = new_post(target)
    ping = OutgoingPing.objects.create(post=post, target=target)

    assert send.send(ping, final_attempt=False) is True
    ping.refresh_from_db()
    assert (ping.outcome, ping.attempts, ping.detail) == ("retrying", 1, "HTTP 503")

    assert send.send(ping, final_attempt=False) is True
    ping.refresh_from_db()
    assert (ping.outcome, ping.attempts) == ("retrying", 2)

    assert send.send(ping, final_attempt=True) is False
    ping.refresh_from_db()
    assert (ping.outcome, ping.attempts) == ("failed", 3)
    assert len(target_site.received("POST", "/webmention")) == 3


def test_retry_succeeds_when_the_endpoint_recovers(target_site, new_post):
    target = webmention_target(target_site, reply=Reply(429, "Langsam", "text/plain"))
    ping = OutgoingPing.objects.create(post=new_post(target), target=target)
    assert send.send(ping, final_attempt=False) is True
    assert ping.outcome == "retrying"

    target_site.on("POST", "/webmention", ACCEPTED)
    assert send.send(ping, final_attempt=False) is False
    ping.refresh_from_db()
    assert (ping.outcome, ping.attempts, ping.detail) == ("sent", 2, "HTTP 202")


def test_unreachable_target_is_retried(target_site, new_post, closed_port):
    target = f"http://127.0.0.1:{closed_port}/artikel"
    ping = OutgoingPing.objects.create(post=new_post(target), target=target)
    assert send.send(ping, final_attempt=False) is True
    assert (ping.outcome, ping.attempts) == ("retrying", 1)


def test_a_target_the_fetcher_refuses_is_not_retried(target_site, new_post, settings):
    """A private address stays private: no later try would pass the policy."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    target = webmention_target(target_site)
    settings.LINKBACKS_ALLOWED_PORTS = [urlsplit(target).port]  # the address alone decides
    ping = OutgoingPing.objects.create(post=new_post(target), target=target)
    assert send.send(ping, final_attempt=False) is False
    assert ping.outcome == "failed"
    assert "non-public address" in ping.detail
    assert not target_site.received("POST", "/webmention")


def test_a_client_error_is_not_retried(target_site, new_post):
    target = webmention_target(target_site, reply=Reply(400, "Target not found", "text/plain"))
    ping = OutgoingPing.objects.create(post=new_post(target), target=target)
    assert send.send(ping, final_attempt=False) is False
    assert ping.outcome == "failed"
    assert ping.detail == "HTTP 400: Target not found"


def test_send_ping_defers_a_retry_where_the_backend_can(target_site, new_post, settings):
    target = webmention_target(target_site, reply=Reply(502, "Bad gateway", "text/plain"))
    ping = OutgoingPing.objects.create(post=new_post(target), target=target)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert tasks.send_ping.get_backend().supports_defer

    assert tasks.send_ping.call(ping.pk) == "retrying"
    [retry] = default_task_backend.results
    assert retry.args == [ping.pk, 2]
    assert retry.task.run_after is not None

    assert tasks.send_ping.call(ping.pk, 3) == "failed"  # the last of three
    assert len(default_task_backend.results) == 1
    ping.refresh_from_db()
    assert (ping.outcome, ping.attempts) == ("failed", 2)


# Trackbacks ---------------------------------------------------------------------------

TRACKBACK_OK = '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>'
TRACKBACK_ERROR = (
    '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n'
    "<message>x</message>\n</response>"
)


def test_trackbacks_to_the_listed_addresses(target_site, new_post, publish):
    ok = target_site.on("POST", "/ok/trackback/", Reply(200, TRACKBACK_OK, "text/xml"))
    refused = target_site.on("POST", "/nein/trackback/", Reply(200, TRACKBACK_ERROR, "text/xml"))
    post = new_post(trackback_urls=f"{ok}\n\n  {refused}  \n")
    pings = {p.target: p for p in publish(post)}

    [request] = target_site.received("POST", "/ok/trackback/")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {
        "url": POST_URL,
        "title": "Wie gut ist die Social Web Kompetenz von A1 Mobilkom?",
        "excerpt": "Ein peinlicher Fehler bei A1.",
        "blog_name": "Kommentar",
    }
    assert len(target_site.received("POST", "/nein/trackback/")) == 1
    assert not target_site.received("GET", "/ok/trackback/")  # no discovery for trackbacks

    assert set(pings) == {ok, refused}
    assert all(p.is_trackback and p.protocol == "trackback" for p in pings.values())
    assert (pings[ok].outcome, pings[ok].detail) == ("sent", "accepted")
    assert (pings[refused].outcome, pings[refused].detail) == ("failed", "x")


# The admin ----------------------------------------------------------------------------


def test_admin_edit_page_shows_the_outcomes(target_site, new_post, publish, client):
    sent = webmention_target(target_site)
    failing = pingback_target(
        target_site, xmlrpc(dumps(Fault(0x0011, "Kein Link."), methodresponse=True)), "/p"
    )
    silent = target_site.page("/still")
    post = new_post(sent, failing, silent)
    publish(post)

    admin = UserFactory(username="chefin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(f"/admin/pages/{post.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Verlinkte Blogs" in page
    rows = page.split('<tr class="outgoing-ping outgoing-ping--')[1:]
    assert len(rows) == 3
    by_target = {next(t for t in (sent, failing, silent) if t in row): row for row in rows}
    assert by_target[sent].startswith("sent")
    assert "Webmention" in by_target[sent]
    assert "Gesendet: HTTP 202" in by_target[sent]
    assert by_target[failing].startswith("failed")
    assert "Pingback" in by_target[failing]
    assert "Fehlgeschlagen: fault 0x0011: Kein Link." in by_target[failing]
    assert by_target[silent].startswith("no-endpoint")
    assert "Kein Empfänger" in by_target[silent]
