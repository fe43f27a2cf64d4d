"""The safe fetcher refuses every private target, and caps time and size,
against real servers on loopback."""

import threading
import time

import pytest

from comments.linkbacks import safe_fetch
from tests.fakes.loopback import LoopbackServer, QuietHandler


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1",
        "fd00:ec2::254", "169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1",
        "240.0.0.1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    ],
)  # fmt: skip
def test_private_and_special_addresses_are_not_public(address):
    assert not safe_fetch.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111"])
def test_public_addresses_are(address):
    assert safe_fetch.is_public(address)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)"]
)
def test_other_schemes_are_refused(url):
    with pytest.raises(safe_fetch.Refused):
        safe_fetch.fetch(url)


def test_ports_outside_the_list_are_refused_before_resolving(monkeypatch):
    monkeypatch.setattr(safe_fetch, "resolve", lambda *a: pytest.fail("resolved"))
    with pytest.raises(safe_fetch.Refused, match="Port 22"):
        safe_fetch.fetch("http://93.184.216.34:22/")


@pytest.fixture
def pretend_dns(monkeypatch):
    """A DNS where names map to lists of answers, one list per lookup."""
    answers = {}

    def resolve(host, port, deadline=None):
        return answers[host].pop(0)

    monkeypatch.setattr(safe_fetch, "resolve", resolve)
    return answers


@pytest.mark.parametrize(
    "addresses", [["127.0.0.1"], ["10.0.0.7"], ["93.184.216.34", "192.168.0.2"], ["::1"]]
)
def test_a_name_resolving_to_any_private_address_is_refused(pretend_dns, addresses):
    pretend_dns["blog.test"] = [addresses]
    with pytest.raises(safe_fetch.Refused, match="non-public"):
        safe_fetch.fetch("http://blog.test/")


class _Pages(QuietHandler):
    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        route = self.server.routes.get(self.path, (200, {}, b"ok"))
        if callable(route):
            return route(self)
        status, headers, body = route
        self.answer(status, body, content_type="text/html", headers=headers)

    do_POST = do_GET


@pytest.fixture
def server():
    srv = LoopbackServer(_Pages)
    srv.routes, srv.seen = {}, []
    srv.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_loopback_is_refused_unless_allowed(server, settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(safe_fetch.Refused):
        safe_fetch.fetch(server.url + "/")
    assert server.seen == []
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    response = safe_fetch.fetch(server.url + "/")
    assert (response.status, response.body) == (200, b"ok")
    assert server.seen[0][1]["User-Agent"].startswith("Kommentar/")


def test_the_checked_address_is_the_one_connected_to(server, settings, pretend_dns):
    """DNS rebinding: a second answer must not be asked for, let alone used."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    port = server.server_address[1]
    pretend_dns["blog.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    response = safe_fetch.fetch(f"http://blog.test:{port}/page")
    assert response.status == 200
    assert server.seen[0][1]["Host"] == f"blog.test:{port}"
    assert pretend_dns["blog.test"] == [["127.0.0.2"]]  # looked up once


def test_a_redirect_into_a_private_address_is_refused(server, settings, monkeypatch):
    """The first hop counts as public for the test; its redirect to 10.0.0.1 does not."""
    settings.LINKBACKS_ALLOWED_PORTS = (80, server.server_address[1])
    real = safe_fetch.is_public
    monkeypatch.setattr(safe_fetch, "is_public", lambda a: a == "127.0.0.1" or real(a))
    server.routes["/"] = (302, {"Location": "http://10.0.0.1/admin"}, b"")
    with pytest.raises(safe_fetch.Refused, match=r"10\.0\.0\.1"):
        safe_fetch.fetch(server.url + "/")
    assert [path for path, _ in server.seen] == ["/"]


def test_at_most_three_redirects(server, settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    for hop in range(4):
        server.routes[f"/{hop}"] = (302, {"Location": f"/{hop + 1}"}, b"")
    assert safe_fetch.fetch(server.url + "/1").url == server.url + "/4"
    with pytest.raises(safe_fetch.Refused, match="redirects"):
        safe_fetch.fetch(server.url + "/0")


def _endless(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"x" * 8192)
    except OSError:
        pass


def _trickle(handler):
    handler.send_response(200)
    handler.end_headers()
    try:
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def _stall(handler):
    threading.Event().wait(10)


def test_reading_stops_at_the_size_cap(server, settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_MAX_BYTES = 100_000
    server.routes["/big"] = _endless
    response = safe_fetch.fetch(server.url + "/big")
    assert response.truncated
    assert len(response.body) == 100_000


@pytest.mark.parametrize("behaviour", [_stall, _trickle])
def test_slow_servers_are_cut_off_at_the_deadline(server, settings, behaviour):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_FETCH_TIMEOUT = 1
    server.routes["/slow"] = behaviour
    started = time.monotonic()
    with pytest.raises(safe_fetch.Unreachable):
        safe_fetch.fetch(server.url + "/slow")
    assert time.monotonic() - started < 3
