"""The one way linkbacks reach other servers: http(s) only, public addresses
only (checked after resolving, and connected to as checked), at most three
redirects (each checked again), five seconds in all, one megabyte read."""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


class FetchError(Exception):
    """Anything that kept a fetch from giving an answer; the message says what."""


class Refused(FetchError):
    """The address, scheme, port or redirect chain is not allowed."""


class Unreachable(FetchError):
    """DNS, connection, TLS or time trouble."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: dict = field(repr=False)  # lower-case names; repeated ones joined by ", "
    body: bytes = field(repr=False)
    truncated: bool = False

    @property
    def charset(self):
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip("\"'")
        return "utf-8"

    @property
    def text(self):
        try:
            return self.body.decode(self.charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _setting(name, default):
    return getattr(settings, name, default)


def user_agent():
    base = _setting("WAGTAILADMIN_BASE_URL", "")
    return f"Kommentar/0.1 (+{base})" if base else "Kommentar/0.1"


def is_public(address):
    """False for every address a request from this server must never reach."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host, port):
    """All addresses of a host (a seam: tests replace it to play DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"Cannot resolve {host}: {error}") from error
    return [info[4][0] for info in infos]


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def check(url):
    """Where a URL may be fetched from, or Refused: the checked address is the one used."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"Only http and https URLs are fetched, not {parts.scheme or 'none'}.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"Bad port in {url}") from error
    if not parts.hostname:
        raise Refused("The URL has no host.")
    allow_private = _setting("LINKBACKS_ALLOW_PRIVATE_HOSTS", False)
    if not allow_private and port not in _setting("LINKBACKS_ALLOWED_PORTS", (80, 443, 8080)):
        raise Refused(f"Port {port} is not allowed.")
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise Unreachable(f"{parts.hostname} has no address.")
    if not allow_private:
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise Refused(f"{parts.hostname} resolves to a non-public address ({blocked[0]}).")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the checked address, with the certificate checked for the host name."""

    def __init__(self, target, timeout):
        super().__init__(
            target.address, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._server_name = target.host

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)


def _connection(target, timeout):
    if target.scheme == "https":
        return _PinnedHTTPS(target, timeout)
    return http.client.HTTPConnection(target.address, target.port, timeout=timeout)


def _read(response, limit, deadline):
    body = bytearray()
    while len(body) <= limit:
        if time.monotonic() >= deadline:
            raise Unreachable("The server took too long.")
        chunk = response.read1(min(_CHUNK, limit + 1 - len(body)))
        if not chunk:
            return bytes(body), False
        body += chunk
    return bytes(body[:limit]), True


def _headers(message):
    found = {}
    for name, value in message.items():
        key = name.lower()
        found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def _one(url, method, body, headers, deadline):
    target = check(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Unreachable("The server took too long.")
    conn = _connection(target, remaining)
    # A watchdog closes the socket at the deadline, whatever the server trickles.
    watchdog = threading.Timer(remaining, _abort, args=(conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(
            method, target.path, body=body, headers={**headers, "Host": target.host_header}
        )
        response = conn.getresponse()
        limit = _setting("LINKBACKS_MAX_BYTES", 1_048_576)
        data, truncated = (
            (b"", False) if response.status in REDIRECTS else _read(response, limit, deadline)
        )
        return Response(url, response.status, _headers(response.headers), data, truncated)
    except (OSError, http.client.HTTPException) as error:
        if time.monotonic() >= deadline:
            raise Unreachable("The server took too long.") from error
        raise Unreachable(f"{target.host}: {error}") from error
    finally:
        watchdog.cancel()
        conn.close()


def _abort(conn):
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def fetch(url, *, method="GET", data=None, headers=None):
    """One request, redirects followed (each hop checked again)."""
    deadline = time.monotonic() + _setting("LINKBACKS_FETCH_TIMEOUT", 5.0)
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "identity", **(headers or {})}
    if isinstance(data, dict):
        data = urlencode(data).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    for _hop in range(MAX_REDIRECTS + 1):
        response = _one(url, method, data, headers, deadline)
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location:
            return response
        url = urljoin(url, location)
        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
            method, data = "GET", None
            headers.pop("Content-Type", None)
    raise Refused(f"More than {MAX_REDIRECTS} redirects.")
