"""The one way linkbacks reach out to the web.

Every URL fetched here was named by a stranger: the source of a pingback, a
Webmention endpoint, a trackback URL. Fetched naively, such a URL lets anyone
make the blog's server call its own admin ports, the cloud metadata service or
the office intranet (server-side request forgery), or tie up a worker with a
server that never finishes. So this module

- allows http and https on a few ports only;
- resolves the host once, refuses if any address is not public, and connects
  to exactly the address it checked, so a second DNS answer cannot rebind it;
- checks every redirect hop again and follows at most three;
- holds the whole fetch, redirects and body included, to one deadline;
- reads at most a fixed number of bytes.

Trouble of any kind comes out as a FetchError: Refused when the blog will not
go there, Unreachable when it tried and got no usable answer.
"""

import codecs
import email.message
import http.client
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

PRODUCT = "Kommentar/0.1"
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_ALLOWED_PORTS = (80, 443, 8080)
DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 1_048_576

_SCHEME_PORTS = {"http": 80, "https": 443}
_READ_CHUNK = 65_536
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# First match names the refusal, so the specific classes come before the broad ones.
_ADDRESS_CLASSES = (
    ("cloud metadata", lambda ip: ip in _METADATA),
    ("unspecified", lambda ip: ip.is_unspecified),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("multicast", lambda ip: ip.is_multicast),
    ("reserved", lambda ip: ip.is_reserved),
    ("private", lambda ip: ip.is_private),
    ("shared address space", lambda ip: ip in _SHARED),
    ("not globally routable", lambda ip: not ip.is_global),
)
_CALLER_MAY_NOT_SET = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_CREDENTIALS = frozenset({"authorization", "proxy-authorization", "cookie"})


class FetchError(Exception):
    """Anything that kept a fetch from giving a response; callers catch this one."""


class Refused(FetchError):
    """The blog will not go there: scheme, port, address, or too many redirects."""


class Unreachable(FetchError):
    """The blog tried and got no usable answer: DNS, connection, TLS, timeout, broken HTTP."""


@dataclass(frozen=True)
class Response:
    """What came back from the last hop. `headers` has lower-case names; a header
    sent several times (Link, say) is joined with ", " as HTTP allows."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool = False

    @property
    def encoding(self) -> str:
        """The charset the server declared, if Python can decode text with it (base64
        and idna are codecs, but not for text); else UTF-8, the web's default."""
        message = email.message.Message()
        message["content-type"] = self.headers.get("content-type", "")
        charset = message.get_content_charset()
        if not charset:
            return "utf-8"
        try:
            name = codecs.lookup(charset).name
            b"x".decode(name, "replace")
        except (LookupError, UnicodeError):
            return "utf-8"
        return name

    @property
    def text(self) -> str:
        """The body as text; bad bytes become U+FFFD rather than an error, since
        strangers' pages are often mislabelled."""
        return self.body.decode(self.encoding, errors="replace")


@dataclass(frozen=True)
class _Target:
    """One hop, checked: where to send the request and which addresses may carry it."""

    scheme: str
    host: str
    port: int
    request_target: str
    addresses: tuple


def fetch(url: str, *, method: str = "GET", data=None, headers=None) -> Response:
    """Fetch `url` for the linkback machinery and return the final response, whatever
    its status. `data` is bytes or a mapping (sent form-encoded); `headers` are added
    to the User-Agent this module sets. Raises only FetchError for network trouble."""
    timeout = float(_setting("LINKBACKS_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    deadline = time.monotonic() + timeout
    method = method.upper()
    body, request_headers = _prepare(data, headers)
    previous_host = None
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            target = _check(url, deadline)
            if previous_host is not None and target.host != previous_host:
                request_headers = _without_credentials(request_headers)
            with _network_errors(target.host, timeout):
                response = _exchange(url, target, method, body, request_headers, deadline)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or location is None:
                return response
            method, body, request_headers = _redirected(
                response.status, method, body, request_headers
            )
            previous_host = target.host
            url = urljoin(url, location)
        raise Refused(f"More than {MAX_REDIRECTS} redirects.")
    except Refused as refusal:
        logger.info("Linkback fetch refused: %s", refusal)
        raise


def is_public(address) -> bool:
    """Whether the blog may connect to this address (a string or an ipaddress
    object). The one decision every hop goes through; tests replace it to let
    one local server pass for a public one."""
    return address_refusal(address) is None


def address_refusal(address) -> str | None:
    """What kind of non-public address this is ("loopback", "private", ...), or
    None for a public one. An IPv6 address that only wraps an IPv4 one (mapped,
    6to4, NAT64) is judged by the address inside, where the packets end up."""
    address = ipaddress.ip_address(address)
    embedded = _embedded_ipv4(address)
    judged = address if embedded is None else embedded
    reason = next((reason for reason, applies in _ADDRESS_CLASSES if applies(judged)), None)
    if reason and embedded is not None:
        return f"{reason}, inside an IPv6 address"
    return reason


# getaddrinfo has no timeout of its own: it runs here, and the fetch waits for it
# only until its deadline. A lookup that hangs keeps one of these threads, not
# the worker; when all hang, later lookups time out too (the fetch fails closed).
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="safe-fetch-dns")


def resolve(host: str, port: int, deadline: float | None = None) -> list[str]:
    """All addresses of `host`, in the resolver's order, asked once per hop. The
    only place that asks DNS, so the addresses checked are the ones connected to;
    tests replace it (or socket.getaddrinfo beneath it) to play DNS. The lookup
    keeps to the fetch's deadline like every other step."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    left = None if deadline is None else max(0.0, deadline - time.monotonic())
    try:
        infos = lookup.result(timeout=left)
    except FutureTimeout as error:
        raise Unreachable(f"{host} did not resolve within the fetch's time.") from error
    except (OSError, UnicodeError) as error:
        raise Unreachable(f"Could not resolve {host}.") from error
    return list(dict.fromkeys(sockaddr[0] for *_, sockaddr in infos))


def tls_context() -> ssl.SSLContext:
    """The system's trust store with certificate and hostname checks on, making
    sockets that keep to the deadline. Tests wrap this to trust their own CA."""
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def user_agent() -> str:
    """Names the blog, so the owner of a site who sees the request knows whom to ask."""
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return f"{PRODUCT} (+{base_url})" if base_url else PRODUCT


def _setting(name, default):
    """Read at every call, so tests and admins can change limits without a restart."""
    return getattr(settings, name, default)


def _check(url: str, deadline: float | None = None) -> _Target:
    """Everything decided before a connection: scheme, host, port (before DNS is
    asked) and every address the host resolves to. ALLOW_PRIVATE_HOSTS lifts
    the port and address checks, for tests and intranets."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused("Not a valid URL.") from error
    scheme = parts.scheme.lower()
    if scheme not in _SCHEME_PORTS:
        raise Refused(f"Only http and https URLs are fetched, not {scheme or 'none'}.")
    if parts.username is not None or parts.password is not None:
        raise Refused("URLs with a user name or password are not fetched.")
    host = _ascii_host(parts.hostname)
    port = _SCHEME_PORTS[scheme] if port is None else port
    checked = not _setting("LINKBACKS_ALLOW_PRIVATE_HOSTS", False)
    allowed_ports = tuple(_setting("LINKBACKS_ALLOWED_PORTS", DEFAULT_ALLOWED_PORTS))
    if checked and port not in allowed_ports:
        allowed = ", ".join(map(str, allowed_ports))
        raise Refused(f"Port {port} is not allowed (allowed: {allowed}).")
    try:
        found = resolve(host, port, deadline)
        addresses = tuple(ipaddress.ip_address(address) for address in found)
    except ValueError as error:
        raise Unreachable(f"Could not resolve {host}.") from error
    if not addresses:
        raise Unreachable(f"{host} has no address.")
    for address in addresses if checked else ():
        if not is_public(str(address)):
            # The address itself stays out of the message when it came from DNS:
            # the message may reach whoever sent the linkback.
            kind = address_refusal(address) or "refused for this blog"
            verb = "is" if _is_ip_literal(host) else "resolves to"
            raise Refused(f"{host} {verb} a non-public address ({kind}).")
    return _Target(scheme, host, port, _request_target(parts), addresses)


def _ascii_host(hostname: str | None) -> str:
    """The host as DNS, SNI and the Host header want it: IDNA-encoded ASCII."""
    if not hostname:
        raise Refused("The URL has no host.")
    try:
        return hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise Refused("The host name is not valid.") from error


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _embedded_ipv4(address) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _request_target(parts) -> str:
    """Path and query for the request line. The fragment stays home, and what
    http.client would reject (spaces, non-ASCII from a redirect) is percent-encoded."""
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    if not parts.query:
        return path
    return f"{path}?{quote(parts.query, safe='/%:@!$&()*+,;=~?')}"


def _prepare(data, headers) -> tuple[bytes | None, dict[str, str]]:
    """The body and headers of the first request. The caller may not set Host or
    the framing headers: they must match the checked target and the body."""
    merged = {"user-agent": ("User-Agent", user_agent()), "connection": ("Connection", "close")}
    if isinstance(data, Mapping):
        body = urlencode(data, doseq=True).encode("ascii")
        merged["content-type"] = ("Content-Type", "application/x-www-form-urlencoded")
    elif data is None or isinstance(data, bytes):
        body = data
    else:
        raise TypeError("data must be bytes or a mapping.")
    for name, value in (headers or {}).items():
        if name.lower() not in _CALLER_MAY_NOT_SET:
            merged[name.lower()] = (name, value)
    return body, dict(merged.values())


def _redirected(status, method, body, headers):
    """What the next hop sends. 303, and 301/302 after a POST, become a GET without
    a body, as browsers do; 307 and 308 repeat the request as it was."""
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        headers = {
            name: value for name, value in headers.items() if name.lower() != "content-type"
        }
        return "GET", None, headers
    return method, body, headers


def _without_credentials(headers):
    """A redirect to another host must not carry what was meant for the first."""
    return {name: value for name, value in headers.items() if name.lower() not in _CREDENTIALS}


@contextmanager
def _network_errors(host: str, timeout: float):
    """Turn what sockets, TLS and http.client raise into Unreachable, with a message
    a moderator can read. Nothing else escapes for network trouble."""
    try:
        yield
    except TimeoutError as error:
        raise Unreachable(f"{host} did not answer within {timeout:g} s.") from error
    except ssl.SSLCertVerificationError as error:
        reason = error.verify_message or "not trusted"
        raise Unreachable(f"The TLS certificate of {host} was refused: {reason}.") from error
    except ssl.SSLError as error:
        reason = error.reason or "handshake failed"
        raise Unreachable(f"The TLS connection to {host} failed: {reason}.") from error
    except ConnectionRefusedError as error:
        raise Unreachable(f"{host} refused the connection.") from error
    except http.client.InvalidURL as error:
        raise Refused("Not a valid URL.") from error
    except http.client.HTTPException as error:
        raise Unreachable(f"{host} did not answer with valid HTTP.") from error
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise Unreachable(f"Could not reach {host}: {reason}.") from error


def _exchange(url, target, method, body, headers, deadline) -> Response:
    """One request and its answer. A redirect's body is not read: it is a detour."""
    connection = _PinnedConnection(target, deadline)
    try:
        connection.request(method, target.request_target, body=body, headers=headers)
        answer = connection.getresponse()
        answer_headers = {}
        for name, value in answer.getheaders():
            key = name.lower()
            answer_headers[key] = (
                f"{answer_headers[key]}, {value}" if key in answer_headers else value
            )
        if answer.status in REDIRECT_STATUSES and "location" in answer_headers:
            return Response(url, answer.status, answer_headers, b"")
        content, truncated = _read_capped(answer)
        return Response(url, answer.status, answer_headers, content, truncated)
    finally:
        connection.close()


def _read_capped(answer) -> tuple[bytes, bool]:
    """Read up to the cap, and one byte more to know whether the page went on.
    read1 returns what one receive brought, so the deadline is checked in between."""
    cap = int(_setting("LINKBACKS_MAX_BYTES", DEFAULT_MAX_BYTES))
    chunks, size = [], 0
    while size <= cap:
        chunk = answer.read1(min(_READ_CHUNK, cap + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:cap], size > cap


class _PinnedConnection(http.client.HTTPConnection):
    """http.client talking to `target.host` (Host header, certificate, SNI) over a
    socket opened to one of the addresses that passed the check."""

    def __init__(self, target: _Target, deadline: float):
        super().__init__(target.host, target.port)
        self.default_port = _SCHEME_PORTS[target.scheme]  # Host header omits it
        self._target = target
        self._deadline = deadline

    def connect(self):
        self.sock = _connect(self._target, self._deadline)


def _connect(target: _Target, deadline: float) -> socket.socket:
    """Try the checked addresses in order, never the host name, which DNS might
    by now answer differently."""
    error = OSError("no address to connect to")
    for address in target.addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.arm()
            sock.connect((str(address), target.port))
        except OSError as failure:
            sock.close()
            error = failure
            continue
        return _start_tls(sock, target.host, deadline) if target.scheme == "https" else sock
    raise error


def _start_tls(sock: socket.socket, host: str, deadline: float) -> ssl.SSLSocket:
    """The socket went to an address, but the certificate is checked against the
    host name, and SNI names it, as if the host had been dialled."""
    try:
        tls = tls_context().wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
    except BaseException:
        sock.close()
        raise
    try:
        tls.deadline = deadline
        tls.arm()
        tls.do_handshake()
    except BaseException:
        tls.close()
        raise
    return tls


class _DeadlineMixin:
    """Before every send and receive, shrink the socket's timeout to what is left
    of the fetch's deadline. A per-operation timeout alone lets a server that
    trickles a byte at a time hold the worker as long as it likes."""

    deadline = 0.0

    def arm(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch deadline has passed")
        self.settimeout(left)

    def recv(self, *args, **kwargs):
        self.arm()
        return super().recv(*args, **kwargs)

    def recv_into(self, *args, **kwargs):
        self.arm()
        return super().recv_into(*args, **kwargs)

    def send(self, *args, **kwargs):
        self.arm()
        return super().send(*args, **kwargs)

    def sendall(self, *args, **kwargs):
        self.arm()
        return super().sendall(*args, **kwargs)


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    pass
