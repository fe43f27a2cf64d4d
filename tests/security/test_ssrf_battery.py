"""SSRF: every way a stranger can make the blog send a request, aimed at a
canary on loopback in every spelling of loopback, with private hosts refused
(the default). The canary counts every connection it accepts; the figure is
attempts tried and canary hits (failed).

How the test is honest about it:

- **The canary is reachable.** It listens on 127.0.0.1 and [::1] at one port.
  Before the refusals, each spelling is fetched once with
  LINKBACKS_ALLOW_PRIVATE_HOSTS on, and each entry point ends with one such
  control request: the spellings that reach the canary then are the ones the
  refusals are about, and a guard that let any of them through would be seen.
- **Only the address check stands in the way.** The canary's port is added to
  LINKBACKS_ALLOWED_PORTS, so no URL is refused merely for its port (which the
  default list would do for any free port, hiding the address check).
- **An allowed first hop, honestly.** A redirect into loopback needs a first
  hop the blog may fetch, and the only servers a test may start are on
  loopback. So a second server, the "stand-in", listens on 127.0.0.2, and
  `safe_fetch.is_public` is told that this one address, and only it, is public
  (as tests/linkbacks/ do for their servers). The canary stays on 127.0.0.1
  and ::1, which the real rule judges. A documentation address (192.0.2.x) for
  the first hop would not do: nothing answers there, so no redirect would
  ever be read.
- **Made-up names, resolved on the machine.** `socket.getaddrinfo` is wrapped
  for this module: names under `.example` answer what the test says (a public
  stand-in, loopback, a mix, or one answer and then another, as DNS
  rebinding does); numeric hosts and `localhost` variants go to the real
  resolver (that is what they test); any other name is "not found", so no
  lookup leaves the machine.

Only loopback addresses are ever targets. The entry points are safe_fetch
itself, a Webmention source, a pingback source, a trackback URL, the pings sent
for a published post (discovery of the linked page, the endpoint it names,
trackback URLs) and the copies of social pictures (comments/pictures.py; that
test skips where the module is not there). Avatars are drawn here, not
fetched; Akismet's and Facebook's addresses come from settings, not from
strangers; Wagtail's embeds ask only the providers it knows, for an editor.
"""

import ipaddress
import socket
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xmlrpc.client import Fault, dumps, loads

import pytest

from comments.linkbacks import safe_fetch
from comments.linkbacks.models import IncomingWebmention, OutgoingPing
from comments.models import Comment
from tests.factories import BlogPageFactory
from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.helpers import POST_URL, page_html
from tests.security import figures

STAND_IN = "127.0.0.2"  # the one loopback address the test calls public

# How a URL names the host; {port} is the canary's. Each reaches the canary
# when private hosts are allowed, unless the machine cannot resolve it (the
# control says which do).
LOOPBACK_HOSTS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f000001",
    "0x7F000001",
    "017700000001",
    "0177.0.0.1",
    "0177.0.0.01",
    "0x7f.1",
    "0x7f.0.0.1",
    "127.000.000.001",
    "127.0.0.1.",
    "0.0.0.0",  # noqa: S104 (a target to refuse, not an address to bind)
    "0",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[::ffff:0.0.0.0]",
    "localhost",
    "localhost.",
    "LOCALHOST",
    "LocalHost",
    "ｌｏｃａｌｈｏｓｔ",  # fullwidth letters: IDNA folds them to "localhost"
    "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ",  # circled letters, the same
    "１２７．０．０．１",  # fullwidth digits and dots
    "127。0。0。1",  # ideographic full stops
    "%31%32%37.0.0.1",  # percent-encoded: must not be decoded into an address
    "%6c%6f%63%61%6c%68%6f%73%74",
    "loopback.example",  # made-up names (see `dns` below)
    "mapped.example",
    "v6.example",
    "mixed.example",
]
# Userinfo: the fetcher refuses any URL with a user name, whatever the host.
USERINFO_HOSTS = ["example.org@127.0.0.1", "user:pass@127.0.0.1", "public.example@[::1]"]
# These must reach the canary in the control, on any Linux machine.
MUST_BE_LIVE = {
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "localhost",
    "loopback.example",
    "mapped.example",
}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Redirect targets, a few of the spellings above; `/chain` adds a public hop first.
REDIRECT_HOSTS = ["127.0.0.1", "127.1", "[::1]", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0"]  # noqa: S104


# The canary and the stand-in ------------------------------------------------


class _Listener(LoopbackServer):
    """One listening socket; every connection it accepts is counted (before any
    request is read, so a half-sent request counts too)."""

    def __init__(self, handler, host, port, family, counter):
        self.address_family = family
        self.counter = counter
        ThreadingHTTPServer.__init__(self, (host, port), handler)

    def verify_request(self, request, client_address):
        self.counter.add()
        return True


class _Counter:
    def __init__(self):
        self._lock = threading.Lock()
        self.value = 0

    def add(self):
        with self._lock:
            self.value += 1


class CanaryHandler(QuietHandler):
    """Whatever is asked, a page that links to the post: had the blog read it,
    the linkback would have succeeded."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.answer(200, page_html("Kanarienvogel", f'<a href="{POST_URL}">hier</a>'), "text/html")

    do_GET = do_POST = do_HEAD = _answer


class StandInHandler(QuietHandler):
    """The "public" site: redirects where it is told, and pages that name the
    canary as their Webmention or pingback endpoint."""

    def _route(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        step = parts.path.strip("/").split("/")
        if step[0] == "redirect":  # /redirect/<status>?to=<url>
            self.answer(int(step[1]), b"", headers={"Location": query["to"]})
        elif step[0] == "chain":  # /chain?to=<url>: one more public hop first
            onward = f"/redirect/302?{parts.query}"
            self.answer(302, b"", headers={"Location": onward})
        elif step[0] == "advertise":  # /advertise/<how>?to=<endpoint>
            self._advertise(step[1], query["to"])
        else:
            self.answer(404, page_html("Nicht gefunden", "nichts"), "text/html")

    def _advertise(self, how, endpoint):
        headers, head = {}, ""
        if how == "link-header":
            headers["Link"] = f'<{endpoint}>; rel="webmention"'
        elif how == "link-element":
            head = f'<link rel="webmention" href="{endpoint}">'
        elif how == "x-pingback":
            headers["X-Pingback"] = endpoint
        elif how == "pingback-element":
            head = f'<link rel="pingback" href="{endpoint}">'
        body = (
            f"<!doctype html><html><head>{head}<title>Drüben</title></head><body>x</body></html>"
        )
        self.answer(200, body, "text/html; charset=utf-8", headers=headers)

    do_GET = do_POST = do_HEAD = _route


ADVERTISED = ("link-header", "link-element", "x-pingback", "pingback-element")


class Canary:
    """The canary on 127.0.0.1 and [::1] and the stand-in on 127.0.0.2, all on
    one port, so that a name resolving to any of them names the same port."""

    def __init__(self):
        self.hits = _Counter()
        self.stand_in_hits = _Counter()
        self.listeners = self._listen()
        for listener in self.listeners:
            listener.start()

    def _listen(self):
        for _try in range(50):
            first = _Listener(CanaryHandler, "127.0.0.1", 0, socket.AF_INET, self.hits)
            port = first.server_address[1]
            try:
                others = [
                    _Listener(CanaryHandler, "::1", port, socket.AF_INET6, self.hits),
                    _Listener(StandInHandler, STAND_IN, port, socket.AF_INET, self.stand_in_hits),
                ]
            except OSError:
                first.server_close()
                continue
            self.port = port
            return [first, *others]
        raise RuntimeError("no loopback port free on 127.0.0.1, ::1 and 127.0.0.2 at once")

    def url(self, host, path="/canary"):
        return f"http://{host}:{self.port}{path}"

    def stand_in(self, path):
        return f"http://public.example:{self.port}{path}"

    def close(self):
        for listener in self.listeners:
            listener.shutdown()
            listener.server_close()


# A resolver for made-up names ---------------------------------------------------


class Dns:
    """socket.getaddrinfo for this module: made-up names answer from `names`
    (a list of answers is one answer per lookup, the last repeating), numeric
    hosts and localhost go to the real resolver, anything else is not found."""

    def __init__(self, real):
        self.real = real
        self.names = {}
        self.lookups = {}

    def reset(self):
        self.lookups.clear()

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.lower() in self.names:
            return self._made_up(name.lower(), port)
        if name.lower().rstrip(".") == "localhost" or self._numeric(name, port):
            return self.real(host, port, family, type, proto, flags)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test resolver)")

    def _numeric(self, name, port):
        try:
            self.real(name, port, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
        except (OSError, UnicodeError):
            return False
        return True

    def _made_up(self, name, port):
        answers = self.names[name]
        count = self.lookups.get(name, 0)
        self.lookups[name] = count + 1
        addresses = answers[min(count, len(answers) - 1)]
        infos = []
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if ip.version == 6:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return infos


@pytest.fixture
def dns(monkeypatch):
    resolver = Dns(socket.getaddrinfo)
    resolver.names.update(
        {
            "public.example": [[STAND_IN]],
            "loopback.example": [["127.0.0.1"]],
            "mapped.example": [["::ffff:127.0.0.1"]],
            "v6.example": [["::1"]],
            "mixed.example": [["127.0.0.1", STAND_IN]],
            # DNS rebinding: public when checked, loopback when asked again.
            "rebind.example": [[STAND_IN], ["127.0.0.1"]],
        }
    )
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.fixture
def canary(settings, monkeypatch, dns):
    """The canary, with private hosts refused, its port allowed, the stand-in
    public, and linkback limits out of the way (a refusal by rate limit would
    hide the address check)."""
    server = Canary()
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    settings.LINKBACKS_ALLOWED_PORTS = (80, 443, 8080, server.port)
    settings.LINKBACKS_FETCH_TIMEOUT = 3.0
    settings.LINKBACKS_RATE_LIMIT = "100000/600"
    settings.LINKBACKS_MAX_ATTEMPTS = 1
    real_is_public = safe_fetch.is_public
    monkeypatch.setattr(
        safe_fetch,
        "is_public",
        lambda address: (
            ipaddress.ip_address(address) == ipaddress.ip_address(STAND_IN)
            or real_is_public(address)
        ),
    )
    yield server
    server.close()


def guarded_urls(canary):
    """Every URL of the battery: loopback spellings, userinfo, redirects from
    the stand-in into loopback, a chain of two public hops, rebinding."""
    urls = [canary.url(host) for host in LOOPBACK_HOSTS + USERINFO_HOSTS]
    for host in REDIRECT_HOSTS:
        target = canary.url(host)
        urls += [
            canary.stand_in(f"/redirect/{status}?to={target}") for status in REDIRECT_STATUSES
        ]
        urls.append(canary.stand_in(f"/chain?to={target}"))
    urls.append(canary.stand_in(f"/redirect/302?to=//127.0.0.1:{canary.port}/"))  # no scheme
    urls.append(canary.stand_in(f"/redirect/302?to={canary.url('loopback.example')}"))
    urls.append(f"http://rebind.example:{canary.port}/canary")
    return urls


class Attempts:
    """Counts attempts through one entry point; a hit is a canary connection."""

    def __init__(self, canary, dns):
        self.canary, self.dns = canary, dns
        self.tried = 0
        self.hit_by = []

    def __call__(self, url, attempt):
        self.dns.reset()
        before = self.canary.hits.value
        self.tried += 1
        result = attempt(url)
        if self.canary.hits.value != before:
            self.hit_by.append(url)
        return result


def prove_reachable(canary, settings, attempt):
    """The control: with private hosts allowed, the same entry point reaches the canary."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    before = canary.hits.value
    attempt(canary.url("127.0.0.1", "/control"))
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    assert canary.hits.value > before, "the control request did not reach the canary"


# safe_fetch itself --------------------------------------------------------------


def _fetch(url, method="GET"):
    try:
        return safe_fetch.fetch(url, method=method, data=b"x" if method == "POST" else None)
    except safe_fetch.FetchError as error:
        return error


def test_the_canary_answers_the_loopback_spellings_when_private_hosts_are_allowed(
    canary, settings, dns
):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    live = set()
    for host in LOOPBACK_HOSTS:
        before = canary.hits.value
        dns.reset()
        answer = _fetch(canary.url(host))
        if canary.hits.value > before and getattr(answer, "status", None) == 200:
            live.add(host)
    assert live >= MUST_BE_LIVE, f"not reaching the canary: {sorted(MUST_BE_LIVE - live)}"
    redirected = _fetch(canary.stand_in(f"/redirect/302?to={canary.url('127.1')}"))
    assert redirected.status == 200
    assert redirected.url == canary.url("127.1")


def test_safe_fetch_refuses_loopback_in_every_spelling(canary, settings, dns):
    attempts = Attempts(canary, dns)
    answered = []
    for url in guarded_urls(canary):
        for method in ("GET", "POST", "HEAD"):
            answer = attempts(url, lambda u, m=method: _fetch(u, m))
            if not isinstance(answer, safe_fetch.FetchError) and "rebind" not in url:
                answered.append((method, url, answer.status))
    hits = len(attempts.hit_by)
    figures.record("SSRF", "safe_fetch, loopback spellings", tried=attempts.tried, failed=hits)
    assert attempts.hit_by == []
    assert answered == []  # every one refused or unreachable, none fetched
    # Rebinding: the checked stand-in was fetched, the second answer never asked.
    assert dns.lookups["rebind.example"] == 1
    prove_reachable(canary, settings, _fetch)


# Incoming linkbacks -------------------------------------------------------------


def test_webmention_sources_never_reach_loopback(
    canary, settings, dns, client, post, django_capture_on_commit_callbacks
):
    def mention(url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webmention/", {"source": url, "target": POST_URL})

    attempts = Attempts(canary, dns)
    statuses = [attempts(url, mention).status_code for url in guarded_urls(canary)]
    figures.record("SSRF", "Webmention source", tried=attempts.tried, failed=len(attempts.hit_by))
    assert attempts.hit_by == []
    assert set(statuses) <= {202, 400}
    states = set(IncomingWebmention.objects.values_list("state", flat=True))
    assert states <= {IncomingWebmention.State.REJECTED}
    assert not Comment.objects.exists()
    prove_reachable(canary, settings, mention)


def test_pingback_sources_never_reach_loopback(canary, settings, dns, client, post):
    def ping(url):
        body = dumps((url, POST_URL), "pingback.ping")
        response = client.post("/xmlrpc/", body, content_type="text/xml")
        assert response.status_code == 200
        try:
            loads(response.content)
        except Fault as fault:
            return fault.faultCode
        return 0

    attempts = Attempts(canary, dns)
    faults = [attempts(url, ping) for url in guarded_urls(canary)]
    figures.record("SSRF", "pingback source", tried=attempts.tried, failed=len(attempts.hit_by))
    assert attempts.hit_by == []
    assert 0 not in faults  # every one a fault: none registered
    assert not Comment.objects.exists()
    prove_reachable(canary, settings, ping)


def test_trackback_urls_are_never_fetched_on_loopback(canary, settings, dns, client, post):
    settings.TRACKBACK_VERIFY = True

    def trackback(url):
        response = client.post("/a1-mobilkom/trackback/", {"url": url, "title": "Titel"})
        return response.content

    attempts = Attempts(canary, dns)
    answers = [attempts(url, trackback) for url in guarded_urls(canary)]
    figures.record("SSRF", "trackback URL", tried=attempts.tried, failed=len(attempts.hit_by))
    assert attempts.hit_by == []
    assert all(b"<error>1</error>" in answer for answer in answers)
    assert not Comment.objects.exists()
    prove_reachable(canary, settings, trackback)


# Outgoing pings -----------------------------------------------------------------


def _publish_linking(blog_index, author, slug, links, trackback_urls, capture):
    anchors = " ".join(f'<a href="{url}">Link {n}</a>' for n, url in enumerate(links))
    post = BlogPageFactory(
        parent=blog_index,
        slug=slug,
        author=author,
        body=[{"type": "paragraph", "value": f"<p>Lesenswert: {anchors}</p>"}],
        trackback_urls="\n".join(trackback_urls),
    )
    with capture(execute=True):
        post.save_revision().publish()
    return OutgoingPing.objects.filter(post=post)


def test_outgoing_pings_never_reach_loopback(
    canary, settings, dns, site, blog_index, author, django_capture_on_commit_callbacks
):
    """A published post's links are fetched (discovery), the endpoint a linked
    page names is posted to, and trackback URLs are posted to: all three with
    loopback in every spelling, directly, by redirect, or named as the endpoint."""
    settings.LINKBACKS_SEND = True
    links = guarded_urls(canary)
    endpoints = [canary.url(host, "/endpoint") for host in LOOPBACK_HOSTS + USERINFO_HOSTS]
    endpoints += [canary.stand_in(f"/redirect/307?to={canary.url('127.1')}")]
    links += [
        canary.stand_in(f"/advertise/{how}?to={endpoint}")
        for how in ADVERTISED
        for endpoint in endpoints
    ]
    trackbacks = guarded_urls(canary)
    before = canary.hits.value
    pings = _publish_linking(
        blog_index, author, "ssrf-ausgehend", links, trackbacks, django_capture_on_commit_callbacks
    )
    hits = canary.hits.value - before
    outcomes = {
        (t, tb): outcome
        for t, tb, outcome in pings.values_list("target", "is_trackback", "outcome")
    }
    tried = len(links) + len(trackbacks)
    check = "outgoing pings (discovery, endpoints, trackbacks)"
    figures.record("SSRF", check, tried=tried, failed=min(hits, tried))
    assert hits == 0
    assert len(outcomes) == tried
    assert OutgoingPing.Outcome.SENT not in outcomes.values()
    advertised = [key for key in outcomes if "/advertise/" in key[0]]
    assert canary.stand_in_hits.value >= len(advertised)  # the pages were read...
    assert {outcomes[t] for t in advertised} == {OutgoingPing.Outcome.FAILED}  # ...not obeyed

    def publish_control(url):
        _publish_linking(
            blog_index, author, "ssrf-kontrolle", [url], [], django_capture_on_commit_callbacks
        )

    prove_reachable(canary, settings, publish_control)


# Pictures copied from elsewhere (social accounts) ---------------------------------


def test_picture_copies_never_reach_loopback(canary, settings, dns, db):
    """A social account's picture URL comes from the provider, which a stranger
    may control: comments/pictures.py copies it through the safe fetcher."""
    pictures = pytest.importorskip("comments.pictures")

    def copy(url):
        try:
            return pictures.copy(url, owner="ssrf")
        except pictures.TryLater:
            return None

    attempts = Attempts(canary, dns)
    copied = [attempts(url, copy) for url in guarded_urls(canary)]
    figures.record("SSRF", "picture copies", tried=attempts.tried, failed=len(attempts.hit_by))
    assert attempts.hit_by == []
    assert not [url for url in copied if url]
    prove_reachable(canary, settings, copy)
