"""The linkback fetcher: what it refuses, where it connects, and how it stops.

No test leaves 127.0.0.1. Host names are answered by a fake `socket.getaddrinfo`
(the call behind safe_fetch.resolve), and where a local server has to pass for a
public one, safe_fetch.is_public is told that 127.0.0.1, and only that address,
is public."""

import datetime
import ipaddress
import socket
import ssl
import sys
import threading
import time
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from comments.linkbacks import safe_fetch
from comments.linkbacks.safe_fetch import Refused, Response, Unreachable, fetch
from tests.fakes.loopback import LoopbackServer, QuietHandler

PUBLIC = "93.184.215.14"


# --- a local site that plays the stranger's server -------------------------------------------


class FakeSite(LoopbackServer):
    """Answers each path with the route registered for it and records every request."""

    def __init__(self):
        super().__init__(_SiteHandler)
        self.routes = {}
        self.requests = []
        self.stop = threading.Event()

    def start(self):
        """As LoopbackServer's, but polling often, so that shutdown is quick."""
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def handle_error(self, request, client_address):
        """A client that hangs up or fails the TLS handshake is what some tests
        want; anything else is still reported."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    @property
    def port(self):
        return self.server_address[1]

    def paths(self):
        return [request["path"] for request in self.requests]


class _SiteHandler(QuietHandler):
    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": self.headers,
                "body": self.rfile.read(length),
            }
        )
        route = self.server.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.answer(404, "not here")
            else:
                route(self)
        except OSError:
            pass  # the fetcher hung up, as it should past a cap or the deadline

    do_GET = do_POST = do_PUT = do_HEAD = _dispatch


def redirect(location, status=302):
    return lambda handler: handler.answer(status, "", headers={"Location": location})


def ok(body="arrived", content_type="text/plain", headers=None):
    return lambda handler: handler.answer(200, body, content_type, headers)


def endless(handler):
    """No Content-Length, and data until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    block = b"x" * 65_536
    while not handler.server.stop.is_set():
        handler.wfile.write(block)


def stall(handler):
    """Take the request and never answer."""
    handler.server.stop.wait(10)


def _trickle(handler, count=20):
    """A byte every 0.2 s, 4 s in all: each read succeeds well within any
    per-operation timeout, so only a deadline for the whole fetch ends it sooner."""
    for _ in range(count):
        if handler.server.stop.wait(0.2):
            return
        handler.wfile.write(b"x")


def trickle_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "20")
    handler.end_headers()
    _trickle(handler)


def trickle_headers(handler):
    handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
    _trickle(handler)
    handler.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
def web():
    server = FakeSite().start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


class _Dns:
    def __init__(self):
        self.answers = {}
        self.lookups = []

    def __setitem__(self, name, answer):
        self.answers[name] = answer


@pytest.fixture
def fake_dns(monkeypatch):
    """Names to answers for socket.getaddrinfo. An answer is a list of addresses or
    a callable giving one per lookup; IP literals go to the real function, which
    does not touch the network for them; any other name is unknown."""
    dns = _Dns()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in dns.answers:
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return real_getaddrinfo(host, port, *args, **kwargs)
        dns.lookups.append(host)
        answer = dns.answers[host]
        infos = []
        for address in answer() if callable(answer) else answer:
            if ipaddress.ip_address(address).version == 6:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return infos

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


@pytest.fixture
def local_is_public(monkeypatch, settings, web):
    """127.0.0.1 counts as public and the local site's port as allowed; every other
    address is judged as in production. ALLOW_PRIVATE_HOSTS stays off."""
    real = safe_fetch.is_public
    monkeypatch.setattr(safe_fetch, "is_public", lambda a: a == "127.0.0.1" or real(a))
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    settings.LINKBACKS_ALLOWED_PORTS = (80, 443, web.port)


@pytest.fixture
def connections(monkeypatch):
    """Every (address, port) the fetcher's sockets connect to."""
    seen = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        seen.append(address[:2])
        return real_connect(sock, address)

    monkeypatch.setattr(safe_fetch._DeadlineSocket, "connect", connect)
    return seen


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("10.255.255.255", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 (an address to refuse, not one to bind)
        ("::", "unspecified"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.64.0.1", "shared address space"),
        ("::ffff:127.0.0.1", "loopback, inside an IPv6 address"),
        ("::ffff:10.1.2.3", "private, inside an IPv6 address"),
        ("::ffff:169.254.169.254", "cloud metadata, inside an IPv6 address"),
        ("64:ff9b::7f00:1", "loopback, inside an IPv6 address"),
        ("2002:a00:1::", "private, inside an IPv6 address"),
    ],
)
def test_each_non_public_class_is_named_and_not_public(address, kind):
    assert safe_fetch.address_refusal(address) == kind
    assert safe_fetch.is_public(address) is False


@pytest.mark.parametrize(
    "address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "172.32.0.1"]
)
def test_public_addresses_pass(address):
    assert safe_fetch.address_refusal(address) is None
    assert safe_fetch.is_public(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", r"127\.0\.0\.1 is a non-public address \(loopback\)"),
        ("http://[::1]/", r"::1 is a non-public address \(loopback\)"),
        ("http://10.0.0.1/", r"\(private\)"),
        ("http://172.20.0.1/", r"\(private\)"),
        ("http://192.168.178.1/", r"\(private\)"),
        ("http://[fd00::1]/", r"\(private\)"),
        ("http://169.254.10.10/", r"\(link-local\)"),
        ("http://[fe80::1]/", r"\(link-local\)"),
        ("http://224.0.0.251/", r"\(multicast\)"),
        ("http://250.1.2.3/", r"\(reserved\)"),
        ("http://0.0.0.0/", r"\(unspecified\)"),
        ("http://169.254.169.254/latest/meta-data/", r"\(cloud metadata\)"),
        ("http://[fd00:ec2::254]/", r"\(cloud metadata\)"),
        ("http://[::ffff:127.0.0.1]/", r"\(loopback, inside an IPv6 address\)"),
        ("http://100.100.100.100/", r"\(shared address space\)"),
    ],
)
def test_fetch_refuses_non_public_addresses_without_connecting(url, reason, monkeypatch):
    def must_not_connect(*args):
        raise AssertionError("connected although the address is refused")

    monkeypatch.setattr(safe_fetch, "_connect", must_not_connect)
    with pytest.raises(Refused, match=reason):
        fetch(url)


def test_a_local_server_is_refused_by_default(web, settings):
    settings.LINKBACKS_ALLOWED_PORTS = (web.port,)
    web.routes["/"] = ok()
    with pytest.raises(Refused, match="loopback"):
        fetch(web.url + "/")
    assert web.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/file",
        "file:///etc/passwd",
        "gopher://example.org/",
        "javascript:alert(1)",
        "data:text/html,hello",
        "example.org/no-scheme",
    ],
)
def test_refuses_other_schemes_before_dns(url, fake_dns):
    with pytest.raises(Refused, match="Only http and https URLs are fetched"):
        fetch(url)
    assert fake_dns.lookups == []


@pytest.mark.parametrize("port", [22, 25, 3306, 6379, 8000, 8443, 0])
def test_refuses_other_ports_before_dns(port, fake_dns):
    fake_dns["blog.example"] = [PUBLIC]
    with pytest.raises(Refused, match=f"Port {port} is not allowed"):
        fetch(f"http://blog.example:{port}/")
    assert fake_dns.lookups == []


def test_refuses_bad_urls():
    with pytest.raises(Refused, match="Not a valid URL"):
        fetch("http://example.org:99999/")
    with pytest.raises(Refused, match="no host"):
        fetch("http:///path")
    with pytest.raises(Refused, match="user name or password"):
        fetch(f"http://admin:secret@{PUBLIC}/")


# --- names ------------------------------------------------------------------------------------


def test_a_name_that_resolves_to_a_private_address_is_refused(fake_dns, connections):
    fake_dns["intranet.example"] = ["10.0.0.5"]
    with pytest.raises(Refused, match=r"intranet\.example resolves to .* \(private\)") as caught:
        fetch("http://intranet.example/")
    assert "10.0.0.5" not in str(caught.value)  # what internal DNS says is not told
    assert connections == []


def test_one_private_address_among_public_ones_is_enough_to_refuse(fake_dns, connections):
    fake_dns["mixed.example"] = [PUBLIC, "2606:4700:4700::1111", "127.0.0.1"]
    with pytest.raises(Refused, match=r"mixed\.example resolves to .* \(loopback\)"):
        fetch("http://mixed.example/")
    assert connections == []


def test_a_dns_lookup_that_hangs_keeps_to_the_deadline(fake_dns, settings):
    """getaddrinfo has no timeout: the fetch stops waiting for it at its deadline."""
    settings.LINKBACKS_FETCH_TIMEOUT = 1
    release = threading.Event()
    fake_dns["slow.example"] = lambda: (release.wait(30), ["127.0.0.1"])[1]
    try:
        with pytest.raises(Unreachable, match=r"slow\.example did not resolve"):
            fetch("http://slow.example/")
    finally:
        release.set()


def test_an_unknown_name_is_unreachable(fake_dns):
    with pytest.raises(Unreachable, match=r"Could not resolve nowhere\.example"):
        fetch("http://nowhere.example/")


def test_dns_rebinding_cannot_move_the_connection(web, fake_dns, local_is_public, connections):
    """The first answer is checked; a resolver asked again would say 10.0.0.1.
    The connection must go to the checked address, and DNS is asked only once."""
    web.routes["/post"] = ok("the real page")
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    fake_dns["rebind.example"] = lambda: next(answers)

    response = fetch(f"http://rebind.example:{web.port}/post")

    assert response.text == "the real page"
    assert fake_dns.lookups == ["rebind.example"]
    assert connections == [("127.0.0.1", web.port)]
    assert web.requests[0]["headers"]["Host"] == f"rebind.example:{web.port}"


# --- local servers ----------------------------------------------------------------------------


def test_allow_private_hosts_lifts_address_and_port_checks(web, settings):
    web.routes["/page"] = ok("<p>hello</p>", "text/html; charset=utf-8")
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_ALLOWED_PORTS = (80, 443)

    response = fetch(f"{web.url}/page")

    assert response.status == 200
    assert response.text == "<p>hello</p>"
    assert response.url == f"{web.url}/page"
    assert response.truncated is False
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_allowed_ports_setting_is_read(web, local_is_public, settings):
    web.routes["/"] = ok()
    assert fetch(web.url + "/").status == 200
    settings.LINKBACKS_ALLOWED_PORTS = (80, 443)
    with pytest.raises(Refused, match=f"Port {web.port} is not allowed"):
        fetch(web.url + "/")


def test_sends_a_user_agent_naming_the_blog(web, local_is_public, settings):
    web.routes["/"] = ok()
    settings.WAGTAILADMIN_BASE_URL = "https://blog.example"
    fetch(web.url + "/", headers={"Accept": "text/html"})
    headers = web.requests[0]["headers"]
    assert headers["User-Agent"] == "Kommentar/0.1 (+https://blog.example)"
    assert headers["Accept"] == "text/html"


def test_the_caller_cannot_override_the_host_header(web, fake_dns, local_is_public):
    web.routes["/"] = ok()
    fake_dns["blog.example"] = ["127.0.0.1"]
    fetch(f"http://blog.example:{web.port}/", headers={"Host": "internal.admin"})
    assert web.requests[0]["headers"].get_all("Host") == [f"blog.example:{web.port}"]


def test_post_sends_form_data(web, local_is_public):
    web.routes["/endpoint"] = lambda handler: handler.answer(202, "accepted")
    form = {"source": "https://elsewhere.example/reply", "target": "https://blog.example/post/"}

    response = fetch(f"{web.url}/endpoint", method="POST", data=form)

    assert response.status == 202
    request = web.requests[0]
    assert request["method"] == "POST"
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert {k: v[0] for k, v in parse_qs(request["body"].decode()).items()} == form


def test_post_sends_bytes_with_the_callers_content_type(web, local_is_public):
    web.routes["/xmlrpc"] = ok("<methodResponse/>", "text/xml")
    payload = b"<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName>"
    fetch(f"{web.url}/xmlrpc", method="POST", data=payload, headers={"Content-Type": "text/xml"})
    request = web.requests[0]
    assert request["body"] == payload
    assert request["headers"]["Content-Type"] == "text/xml"


def test_repeated_headers_are_joined(web, local_is_public):
    def two_links(handler):
        handler.send_response(200)
        handler.send_header("Link", '<https://a.example/>; rel="webmention"')
        handler.send_header("LINK", '<https://b.example/>; rel="other"')
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    web.routes["/"] = two_links
    response = fetch(web.url + "/")
    assert response.headers["link"] == (
        '<https://a.example/>; rel="webmention", <https://b.example/>; rel="other"'
    )


def test_a_closed_port_is_unreachable(settings, closed_port):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    with pytest.raises(Unreachable, match="refused the connection"):
        fetch(f"http://127.0.0.1:{closed_port}/")


def test_garbage_instead_of_http_is_unreachable(web, local_is_public):
    web.routes["/"] = lambda handler: handler.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n")
    with pytest.raises(Unreachable, match="did not answer with valid HTTP"):
        fetch(web.url + "/")


# --- redirects --------------------------------------------------------------------------------


def test_follows_a_redirect_and_reports_the_final_url(web, local_is_public):
    web.routes["/old"] = redirect("/new", 301)
    web.routes["/new"] = ok("moved here")
    response = fetch(f"{web.url}/old")
    assert response.url == f"{web.url}/new"
    assert response.text == "moved here"
    assert web.paths() == ["/old", "/new"]


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        ("http://127.0.0.2:{port}/admin", "loopback"),
        ("http://[::1]:{port}/admin", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::ffff:127.0.0.1]:{port}/admin", "loopback, inside an IPv6 address"),
        ("http://intranet.example/admin", "private"),
    ],
)
def test_a_redirect_into_a_private_address_is_refused(
    web, fake_dns, local_is_public, connections, location, kind
):
    """The first hop passes for public; the hop it points to is checked again."""
    fake_dns["intranet.example"] = ["192.168.1.10"]
    web.routes["/"] = redirect(location.format(port=web.port))
    with pytest.raises(Refused, match=rf"non-public address \({kind}\)"):
        fetch(web.url + "/")
    assert web.paths() == ["/"]
    assert connections == [("127.0.0.1", web.port)]


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.1:22/", "Port 22 is not allowed"),
        ("file:///etc/passwd", "not file"),
        ("gopher://127.0.0.1:{port}/", "not gopher"),
    ],
)
def test_a_redirect_to_a_refused_scheme_or_port_is_refused(web, local_is_public, location, reason):
    web.routes["/"] = redirect(location.format(port=web.port))
    with pytest.raises(Refused, match=reason):
        fetch(web.url + "/")


def test_three_redirects_are_followed_and_a_fourth_is_refused(web, local_is_public):
    for hop in range(1, 5):
        web.routes[f"/hop{hop}"] = redirect(f"/hop{hop - 1}")
    web.routes["/hop0"] = ok("end of the chain")

    assert fetch(f"{web.url}/hop3").text == "end of the chain"
    assert web.paths() == ["/hop3", "/hop2", "/hop1", "/hop0"]

    web.requests.clear()
    with pytest.raises(Refused, match="More than 3 redirects"):
        fetch(f"{web.url}/hop4")
    assert web.paths() == ["/hop4", "/hop3", "/hop2", "/hop1"]


@pytest.mark.parametrize(
    ("status", "method", "body"),
    [
        (301, "GET", b""),
        (302, "GET", b""),
        (303, "GET", b""),
        (307, "POST", b"source=a&target=b"),
        (308, "POST", b"source=a&target=b"),
    ],
)
def test_a_post_redirect_keeps_or_drops_the_body_as_browsers_do(
    web, local_is_public, status, method, body
):
    web.routes["/endpoint"] = redirect("/landing", status)
    web.routes["/landing"] = ok()
    fetch(f"{web.url}/endpoint", method="POST", data={"source": "a", "target": "b"})
    landing = web.requests[1]
    assert (landing["method"], landing["body"]) == (method, body)
    if method == "GET":
        assert "Content-Type" not in landing["headers"]


def test_credentials_stay_with_their_host(web, fake_dns, local_is_public):
    fake_dns["a.example"] = ["127.0.0.1"]
    fake_dns["b.example"] = ["127.0.0.1"]
    web.routes["/same"] = redirect("/other-path")
    web.routes["/other-path"] = redirect(f"http://b.example:{web.port}/elsewhere")
    web.routes["/elsewhere"] = ok()

    fetch(f"http://a.example:{web.port}/same", headers={"Authorization": "Bearer t0ken"})

    seen = [(r["headers"]["Host"], r["headers"].get("Authorization")) for r in web.requests]
    assert seen == [
        (f"a.example:{web.port}", "Bearer t0ken"),
        (f"a.example:{web.port}", "Bearer t0ken"),
        (f"b.example:{web.port}", None),
    ]


# --- caps -------------------------------------------------------------------------------------


def test_an_endless_body_is_cut_at_the_default_cap(web, local_is_public):
    web.routes["/"] = endless
    response = fetch(web.url + "/")
    assert response.truncated is True
    assert len(response.body) == safe_fetch.DEFAULT_MAX_BYTES == 1_048_576


def test_the_cap_is_read_from_settings(web, local_is_public, settings):
    settings.LINKBACKS_MAX_BYTES = 1000
    web.routes["/endless"] = endless
    web.routes["/exact"] = ok("y" * 1000)
    web.routes["/over"] = ok("z" * 1001)

    endless_response = fetch(f"{web.url}/endless")
    exact = fetch(f"{web.url}/exact")
    over = fetch(f"{web.url}/over")

    assert (len(endless_response.body), endless_response.truncated) == (1000, True)
    assert (exact.body, exact.truncated) == (b"y" * 1000, False)
    assert (over.body, over.truncated) == (b"z" * 1000, True)


@pytest.mark.parametrize("route", [stall, trickle_body, trickle_headers])
def test_a_slow_server_is_cut_off_at_the_deadline(web, local_is_public, settings, route):
    settings.LINKBACKS_FETCH_TIMEOUT = 1.0
    web.routes["/"] = route
    started = time.monotonic()
    with pytest.raises(Unreachable, match="did not answer within 1 s"):
        fetch(web.url + "/")
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 3


def test_the_deadline_covers_all_redirects_together(web, local_is_public, settings):
    """Each hop takes 0.4 s, well inside 1 s; the four of them together do not."""
    settings.LINKBACKS_FETCH_TIMEOUT = 1.0

    def slow_redirect(location):
        def route(handler):
            time.sleep(0.4)
            redirect(location)(handler)

        return route

    for path, location in [("/a", "/b"), ("/b", "/c"), ("/c", "/d"), ("/d", "/e")]:
        web.routes[path] = slow_redirect(location)
    started = time.monotonic()
    with pytest.raises(Unreachable, match="did not answer within 1 s"):
        fetch(f"{web.url}/a")
    assert time.monotonic() - started < 3
    assert "/d" not in web.paths()


# --- TLS --------------------------------------------------------------------------------------


def _certificate(subject, issuer, public_key, signing_key, *, ca, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="module")
def test_ca():
    """A throwaway CA, and a server certificate from it for blog.example only."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test CA", "Test CA", ca_key.public_key(), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(
        "blog.example", "Test CA", key.public_key(), ca_key, ca=False, names=["blog.example"]
    )
    pem = serialization.Encoding.PEM
    return {
        "ca": ca.public_bytes(pem).decode(),
        "chain": leaf.public_bytes(pem) + ca.public_bytes(pem),
        "key": key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    }


@pytest.fixture
def tls_web(web, test_ca, tmp_path):
    """The local site behind TLS, recording the SNI name each client sent. The
    handshake happens in the handler's thread, so a client that fails cannot
    hold up the accept loop (and the fixture's shutdown)."""
    (tmp_path / "chain.pem").write_bytes(test_ca["chain"])
    (tmp_path / "key.pem").write_bytes(test_ca["key"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "chain.pem", tmp_path / "key.pem")
    web.sni = []
    context.sni_callback = lambda sslobj, name, ctx: web.sni.append(name)
    web.socket = context.wrap_socket(web.socket, server_side=True, do_handshake_on_connect=False)
    return web


@pytest.fixture
def trust_test_ca(monkeypatch, test_ca):
    """The production TLS context, plus the test CA as one more trusted root."""
    real = safe_fetch.tls_context

    def tls_context():
        context = real()
        context.load_verify_locations(cadata=test_ca["ca"])
        return context

    monkeypatch.setattr(safe_fetch, "tls_context", tls_context)


def test_https_to_a_checked_address_verifies_the_host_name(
    tls_web, fake_dns, local_is_public, trust_test_ca, connections
):
    fake_dns["blog.example"] = ["127.0.0.1"]
    tls_web.routes["/post"] = ok("secure")

    response = fetch(f"https://blog.example:{tls_web.port}/post")

    assert response.text == "secure"
    assert connections == [("127.0.0.1", tls_web.port)]
    assert tls_web.sni == ["blog.example"]
    assert tls_web.requests[0]["headers"]["Host"] == f"blog.example:{tls_web.port}"


def test_https_refuses_a_certificate_for_another_name(
    tls_web, fake_dns, local_is_public, trust_test_ca
):
    fake_dns["other.example"] = ["127.0.0.1"]
    tls_web.routes["/"] = ok()
    with pytest.raises(Unreachable, match=r"TLS certificate of other\.example was refused"):
        fetch(f"https://other.example:{tls_web.port}/")
    assert tls_web.requests == []


def test_https_refuses_an_untrusted_certificate(tls_web, fake_dns, local_is_public):
    fake_dns["blog.example"] = ["127.0.0.1"]
    tls_web.routes["/"] = ok()
    with pytest.raises(Unreachable, match=r"TLS certificate of blog\.example was refused"):
        fetch(f"https://blog.example:{tls_web.port}/")
    assert tls_web.requests == []


# --- the response -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/html; charset=ISO-8859-1", "Grüße".encode("latin-1"), "Grüße"),
        ("text/html", "Grüße".encode(), "Grüße"),
        ("text/html; charset=no-such-charset", "Grüße".encode(), "Grüße"),
        ("text/plain; charset=utf-8", b"caf\xe9", "caf\ufffd"),
    ],
)
def test_text_decodes_with_the_declared_charset_or_utf8(content_type, body, text):
    response = Response("https://x.example/", 200, {"content-type": content_type}, body)
    assert response.text == text
