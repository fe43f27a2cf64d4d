"""Bad input against every endpoint of a running server, over real HTTP: the
bytes go through a socket into Django's WSGI server (pytest-django's
`live_server`, DEBUG off), so nothing is cleaned up by a test client first.

Every endpoint comes from Django's URL resolver and the blog's routable pages
(a new endpoint without a sample here fails `test_every_endpoint_is_swept`);
each gets oversized and malformed bodies, wrong content types, foreign and
impossible charsets, invalid UTF-8, control characters and NUL in every field,
ids beyond 64 bits, absurd query strings and paths. XML-RPC gets entity
expansion, external entities and a 20 MB body; linkback sources hide their
link in <noscript> and <template> and carry control characters and broken
charsets. The figure: requests tried, answers of 500 or none at all failed.

An ERROR record with a traceback in the log fails too, except Django's own
`django.security.*` records: Django logs every refused suspicious request
there (too many fields, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host)
by design, with the exception attached, and answers 400; they are counted,
not failed. The existing tests/security/test_bad_input.py and
test_linkback_input.py hold the first cases found; this sweep extends them.

Requests name `Host: testserver`, the test site's host, so that Wagtail finds
its site and trackbacks find their post, as on the real blog.
"""

import logging
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit
from xmlrpc.client import Fault, dumps, loads

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from blog.models import BlogCategory, BlogIndexPage, BlogPage
from comments import subscriptions
from comments.accounts import names
from comments.avatars import avatar_token
from comments.linkbacks import discovery, safe_fetch, send, source
from comments.linkbacks.models import IncomingWebmention, OutgoingPing
from comments.models import Comment, Subscription
from tests.factories import CommentFactory
from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.helpers import POST_URL, comment_form_data, make_reader
from tests.security import figures

HOST = "testserver"
FORM_TYPE = "application/x-www-form-urlencoded"
CSRF = "k" * 32  # a well-formed CSRF secret, sent as cookie and as token
HUGE_ID = "9" * 25
NOWHERE = "http://127.0.0.1:9/"  # a source the fetcher refuses by its port, before any DNS
MB = 1024 * 1024

# Inside a name, a title, an address: the characters no stored text may keep.
CONTROL = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff"]
# Percent-encoded bytes that are no UTF-8: a lone byte, an overlong NUL, a surrogate.
NOT_UTF8 = ["%FF", "%C0%80", "%ED%A0%80"]
CHARSETS = [
    "latin-1",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "shift_jis",
    "euc-jp",
    "gb18030",
    "koi8-r",
    "cp1252",
    "utf-7",
    "utf-8-sig",
    "no-such-charset",
    "base64",
    "rot13",
    "zlib",
    "hex",
    "idna",
    "undefined",
    "",
]
NUMBERS = [
    "-1",
    "0",
    "1e999",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1.5",
    "½",
    "٣",
    "9" * 30,
    "9" * 400,
    "%00",
    "1%00",
    "%FF",
    "",
    " 1",
    "+1",
]
SEGMENTS = [
    HUGE_ID,
    "-1",
    "%00",
    "%FF",
    "%C0%AE%C0%AE",
    "a" * 3000,
    "%E2%80%AE",
    "%0D%0Ax:1",
    "..%2F..%2Fetc%2Fpasswd",
    "%25",
    "ü",
    "%F0%9F%98%80",
]


# Real bytes over a socket --------------------------------------------------------


@dataclass
class Wire:
    """One raw HTTP/1.1 request per connection, bytes exactly as given."""

    host: str
    port: int
    cookies: dict = field(default_factory=dict)

    def send(self, method, target, **request):
        """The status of the answer (0 when none came)."""
        return _status(self.exchange(method, target, **request))

    def exchange(self, method, target, *, headers=(), body=b"", content_type=None, length=None):
        """The whole answer, as bytes. `length` overrides Content-Length (False: none)."""
        target = target.encode("utf-8") if isinstance(target, str) else target
        body = body.encode("utf-8") if isinstance(body, str) else body
        lines = [b"%s %s HTTP/1.1" % (method.encode(), target), b"Host: " + HOST.encode()]
        if content_type is not None:
            lines.append(b"Content-Type: " + _bytes(content_type))
        if length is not False and (body or method in ("POST", "PUT", "PATCH")):
            lines.append(b"Content-Length: %s" % _bytes(len(body) if length is None else length))
        if self.cookies:
            lines.append(
                b"Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()).encode()
            )
        lines += [_bytes(name) + b": " + _bytes(value) for name, value in headers]
        lines.append(b"Connection: close")
        request = b"\r\n".join(lines) + b"\r\n\r\n" + body
        with socket.create_connection((self.host, self.port), timeout=60) as sock:
            try:
                sock.sendall(request)
                sock.shutdown(socket.SHUT_WR)  # a short body ends here, never hangs the server
            except OSError:
                pass  # the server may answer and close before it read everything
            return _read_all(sock)


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _read_all(sock):
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except OSError:
        pass
    return b"".join(chunks)


def _status(answer):
    """The status code of the answer; 0 when none came."""
    head = answer.split(b"\r\n", 1)[0].split()
    return int(head[1]) if len(head) >= 2 and head[0].startswith(b"HTTP/") else 0


class Sweep:
    """Sends and keeps every answer's status, labelled."""

    def __init__(self, wire):
        self.wire = wire
        self.answers = []

    def __call__(self, label, method, target, **kwargs):
        status = self.wire.send(method, target, **kwargs)
        self.answers.append((label, status))
        return status

    def form(self, label, target, data, **kwargs):
        body = data if isinstance(data, bytes | str) else urlencode(data)
        return self(
            label,
            "POST",
            target,
            body=body,
            content_type="application/x-www-form-urlencoded",
            **kwargs,
        )

    @property
    def failed(self):
        return [(label, status) for label, status in self.answers if status == 0 or status >= 500]

    def report(self):
        """The failed answers, one line each, for the assertion message."""
        return "\n".join(f"{status}: {label}" for label, status in self.failed)

    def record(self, check):
        figures.record("Bad input", check, tried=len(self.answers), failed=len(self.failed))


# The blog under test ------------------------------------------------------------------


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def tracebacks(self):
        """Records with an exception, apart from Django's security log (see the docstring)."""
        return [
            f"{r.name}: {r.getMessage()[:200]}"
            for r in self.records
            if r.exc_info and not r.name.startswith("django.security.")
        ]


@pytest.fixture
def error_log():
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def offline(monkeypatch):
    """No lookup leaves the machine: names other than loopback are "not found"
    (the app's own threads run in this process); the names asked are kept."""
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name in ("localhost", "127.0.0.1", "::1", ""):
            return real(host, *args, **kwargs)
        asked.append(name)
        raise socket.gaierror(socket.EAI_NONAME, "no lookups from the bad-input sweep")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@dataclass
class Blog:
    wire: Wire
    reader_wire: Wire
    post: BlogPage
    comment: Comment
    category: BlogCategory
    follow_token: str
    mute_token: str
    status_token: str
    avatar: str


@pytest.fixture
def blog(live_server, post, settings, error_log, offline):
    """A post with an approved comment by a logged-in reader, a subscription,
    a Webmention, a category; a wire for strangers and one for the reader."""
    settings.LINKBACKS_RATE_LIMIT = "100000/600"
    reader = make_reader()
    comment = CommentFactory(post=post, user=reader, user_email=reader.email)
    category = BlogCategory.objects.create(name="Allgemein", slug="allgemein")
    post.categories.add(category)
    subscription = Subscription.objects.create(post=post, email="abo@example.org")
    mention = IncomingWebmention.objects.create(
        source="http://other.example/a", target=POST_URL, post=post
    )
    session = Client()
    session.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    parts = urlsplit(live_server.url)
    stranger = Wire(parts.hostname, parts.port)
    cookies = {"sessionid": session.cookies["sessionid"].value, "csrftoken": CSRF}
    return Blog(
        wire=stranger,
        reader_wire=Wire(parts.hostname, parts.port, cookies),
        post=post,
        comment=comment,
        category=category,
        follow_token=subscriptions.token(subscription, subscriptions.CONFIRM),
        mute_token=subscriptions.token(subscription, subscriptions.MUTE),
        status_token=mention.token,
        avatar=avatar_token("abo@example.org"),
    )


# Every endpoint, with a sample address, the fields it reads and how it is reached.


@dataclass
class Endpoint:
    name: str
    path: str
    fields: dict = field(default_factory=dict)  # a valid form; each field gets the bad values
    post: bool = False
    reader: bool = False  # the logged-in reader's (session cookie and CSRF token)
    listing: bool = False  # paginated: gets every absurd query string
    params: tuple = ()  # path segments that can be replaced by bad ones: (before, after)


def endpoints(blog):
    c, post = blog.comment.pk, blog.post
    form = {k: str(v) for k, v in comment_form_data(post).items()}
    login = {"login": "markus@example.org", "password": "falsch"}
    signup = {
        "email": "neu@example.org",
        "name": "Neu",
        "password1": "Ein-langes-Passwort-1",
        "password2": "Ein-langes-Passwort-1",
    }
    admin_login = {"username": "admin", "password": "falsch"}
    e = Endpoint
    return [
        e("set_language", "/i18n/setlang/", {"language": "en", "next": "/"}, post=True),
        e("sitemap", "/sitemap.xml"),
        e("robots-txt", "/robots.txt"),
        e("post", "/comments/post/", form, post=True),
        e("login", "/comments/login/facebook/", form, post=True, params=("/comments/login/", "/")),
        e("goto", f"/comments/{c}/", params=("/comments/", "/")),
        e(
            "edit",
            f"/comments/{c}/edit/",
            {"comment": "Neu"},
            post=True,
            reader=True,
            params=("/comments/", "/edit/"),
        ),
        e(
            "delete",
            f"/comments/{c}/delete/",
            {},
            post=True,
            reader=True,
            params=("/comments/", "/delete/"),
        ),
        e(
            "confirm",
            f"/comments/follow/{blog.follow_token}/",
            {},
            post=True,
            params=("/comments/follow/", "/"),
        ),
        e(
            "mute",
            f"/comments/mute/{blog.mute_token}/",
            {},
            post=True,
            params=("/comments/mute/", "/"),
        ),
        e("avatar", f"/comments/avatar/{blog.avatar}.svg", params=("/comments/avatar/", ".svg")),
        e("pingback", "/xmlrpc/", post=True),
        e("webmention", "/webmention/", {"source": NOWHERE + "b", "target": POST_URL}, post=True),
        e(
            "webmention-status",
            f"/webmention/status/{blog.status_token}/",
            params=("/webmention/status/", "/"),
        ),
        e(
            "trackback",
            "/a1-mobilkom/trackback/",
            {
                "url": NOWHERE + "c",
                "title": "Titel",
                "excerpt": "Auszug",
                "blog_name": "Anderer Blog",
            },
            post=True,
            params=("/", "/trackback/"),
        ),
        e("my_comments", "/accounts/comments/", reader=True, listing=True),
        e("account_name", "/accounts/name/", {"name": "Markus"}, post=True, reader=True),
        e("account_export", "/accounts/export/", reader=True),
        e("account_delete", "/accounts/delete/", {"confirm": "on"}, post=True, reader=True),
        e("account_login", "/accounts/login/", login, post=True),
        e("account_logout", "/accounts/logout/", {}, post=True, reader=True),
        e("account_inactive", "/accounts/inactive/"),
        e("account_signup", "/accounts/signup/", signup, post=True),
        e(
            "account_reauthenticate",
            "/accounts/reauthenticate/",
            {"password": "x"},
            post=True,
            reader=True,
        ),
        e("account_request_reauthentication_code", "/accounts/reauthenticate/code/", reader=True),
        e(
            "account_confirm_reauthentication_code",
            "/accounts/reauthenticate/code/confirm/",
            {"code": "x"},
            post=True,
            reader=True,
        ),
        e(
            "account_email",
            "/accounts/email/",
            {"email": "zweite@example.org", "action_add": ""},
            post=True,
            reader=True,
        ),
        e("account_email_verification_sent", "/accounts/confirm-email/"),
        e(
            "account_change_password",
            "/accounts/password/change/",
            {"oldpassword": "x", "password1": "y", "password2": "y"},
            post=True,
            reader=True,
        ),
        e("account_set_password", "/accounts/password/set/", reader=True),
        e(
            "account_reset_password",
            "/accounts/password/reset/",
            {"email": "markus@example.org"},
            post=True,
        ),
        e("account_confirm_login_code", "/accounts/login/code/confirm/", {"code": "x"}, post=True),
        e(
            "account_confirm_email",
            "/accounts/confirm-email/abc:def/",
            {},
            post=True,
            params=("/accounts/confirm-email/", "/"),
        ),
        e("account_reset_password_from_key_done", "/accounts/password/reset/key/done/"),
        e(
            "account_reset_password_from_key",
            "/accounts/password/reset/key/1-set-password/",
            {"password1": "x", "password2": "x"},
            post=True,
            params=("/accounts/password/reset/key/", "-set-password/"),
        ),
        e("account_reset_password_done", "/accounts/password/reset/done/"),
        e("socialaccount_login_cancelled", "/accounts/3rdparty/login/cancelled/"),
        e("socialaccount_login_error", "/accounts/3rdparty/login/error/"),
        e(
            "socialaccount_signup",
            "/accounts/3rdparty/signup/",
            {"email": "x@example.org"},
            post=True,
        ),
        e(
            "socialaccount_connections",
            "/accounts/3rdparty/",
            {"account": "1"},
            post=True,
            reader=True,
        ),
        e("accounts/social/login/cancelled/", "/accounts/social/login/cancelled/"),
        e("accounts/social/login/error/", "/accounts/social/login/error/"),
        e("accounts/social/signup/", "/accounts/social/signup/"),
        e("accounts/social/connections/", "/accounts/social/connections/", reader=True),
        e("facebook_login", "/accounts/facebook/login/", {}, post=True),
        e("facebook_callback", "/accounts/facebook/login/callback/?code=x&state=y"),
        e(
            "facebook_login_by_token",
            "/accounts/facebook/login/token/",
            {"access_token": "x", "expires_in": "1e999"},
            post=True,
        ),
        e("github_login", "/accounts/github/login/", {}, post=True),
        e("github_callback", "/accounts/github/login/callback/?code=x&state=y"),
        e("google_login", "/accounts/google/login/", {}, post=True),
        e("google_callback", "/accounts/google/login/callback/?code=x&state=y"),
        e(
            "google_login_by_token",
            "/accounts/google/login/token/",
            {"credential": "x.y.z"},
            post=True,
        ),
        e(
            "openid_connect_login",
            "/accounts/oidc/nobody/login/",
            {},
            post=True,
            params=("/accounts/oidc/", "/login/"),
        ),
        e(
            "openid_connect_callback",
            "/accounts/oidc/nobody/login/callback/?code=x",
            params=("/accounts/oidc/", "/login/callback/"),
        ),
        e("wagtaildocs_serve", "/documents/1/datei.pdf", params=("/documents/", "/datei.pdf")),
        e(
            "wagtaildocs_authenticate_with_password",
            "/documents/authenticate_with_password/1/",
            {"password": "x"},
            post=True,
            params=("/documents/authenticate_with_password/", "/"),
        ),
        e(
            "wagtailcore_authenticate_with_password",
            f"/_util/authenticate_with_password/1/{post.pk}/",
            {"password": "x"},
            post=True,
            params=("/_util/authenticate_with_password/1/", "/"),
        ),
        e("wagtailcore_login", "/_util/login/", admin_login, post=True),
        e("wagtail_serve", "/a1-mobilkom/", listing=True, params=("/", "/")),
        e("admin-login", "/admin/login/", admin_login, post=True),
        e("django-admin-login", "/django-admin/login/", admin_login, post=True),
        # The blog's routable pages (BlogIndexPage, BlogPage).
        e("all_posts", "/", listing=True),
        e("index_route", "/a1-mobilkom/?cpage=1", listing=True),
        e("tag_archive", "/tag/A1/", listing=True, params=("/tag/", "/")),
        e(
            "category_archive",
            f"/category/{blog.category.slug}/",
            listing=True,
            params=("/category/", "/"),
        ),
        e("year_archive", "/2009/", listing=True, params=("/", "/")),
        e("month_archive", "/2009/05/", listing=True, params=("/2009/", "/")),
        e("author_archive", "/author/luca/", listing=True, params=("/author/", "/")),
        e("search", "/search/?q=Mobilkom", listing=True),
        e("feed", "/feed/", listing=True),
        e("atom_feed", "/feed/atom/"),
        e("tag_feed", "/tag/A1/feed/", params=("/tag/", "/feed/")),
        e("tag_atom_feed", "/tag/A1/feed/atom/", params=("/tag/", "/feed/atom/")),
        e("category_feed", "/category/allgemein/feed/", params=("/category/", "/feed/")),
        e(
            "category_atom_feed",
            "/category/allgemein/feed/atom/",
            params=("/category/", "/feed/atom/"),
        ),
        e("webfinger", "/.well-known/webfinger?resource=acct:blog@127.0.0.1"),
        e("nodeinfo-links", "/.well-known/nodeinfo"),
        e("nodeinfo", "/nodeinfo/2.1"),
        e("shared-inbox", "/ap/inbox/", {"type": "Follow"}, post=True),
        e("actor", "/ap/actors/blog/", params=("/ap/actors/", "/")),
        e("inbox", "/ap/actors/blog/inbox/", {}, post=True, params=("/ap/actors/", "/inbox/")),
        e("outbox", "/ap/actors/blog/outbox/", params=("/ap/actors/", "/outbox/")),
        e("followers", "/ap/actors/blog/followers/", params=("/ap/actors/", "/followers/")),
        e("post", f"/ap/posts/{post.pk}/", params=("/ap/posts/", "/")),
        e("replies", f"/ap/posts/{post.pk}/replies/", params=("/ap/posts/", "/replies/")),
        e("comment", f"/ap/comments/{c}/", params=("/ap/comments/", "/")),
        e("note", "/ap/notes/1/", params=("/ap/notes/", "/")),
        e("site_comments_feed", "/comments/feed/", listing=True),
        e("site_comments_atom_feed", "/comments/feed/atom/"),
        e("comments_feed", "/a1-mobilkom/feed/", listing=True),
        e("comments_atom_feed", "/a1-mobilkom/feed/atom/"),
    ]


def _resolver_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _resolver_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def public_endpoint_names():
    """Every name (or, unnamed, pattern) a stranger's request can reach; the
    admin sites count by their login page, the rest of them needs a login."""
    names = {"admin-login", "django-admin-login"}
    for pattern, name in _resolver_names(get_resolver().url_patterns):
        if not pattern.startswith(("admin/", "django-admin/")):
            names.add(name or pattern)
    for page in (BlogIndexPage, BlogPage):
        names |= {route.name for route in page.get_subpage_urls()}
    return names


def test_every_endpoint_is_swept(post):
    class Sample:
        comment = category = post
        follow_token = mute_token = status_token = avatar = "t"

    Sample.post = post
    swept = {endpoint.name for endpoint in endpoints(Sample)}
    assert public_endpoint_names() - swept == set(), "endpoints the sweep does not know"


# The sweeps ---------------------------------------------------------------------------


def _wire(blog, endpoint):
    return blog.reader_wire if endpoint.reader else blog.wire


def _csrf(endpoint):
    return [("X-CSRFToken", CSRF)] if endpoint.reader else []


def _with_query(path, query):
    return path + ("&" if "?" in path else "?") + query


def absurd_queries(keys=("page",)):
    """Query strings for paginated pages, as text or raw bytes (at most 64 KB:
    a longer request line is refused by the server before Django sees it)."""
    queries = [f"{key}={value}" for key in keys for value in NUMBERS]
    queries += [
        "page=" + "1" * 60_000,
        "q=" + "x" * 60_000,
        "replytocom=%00%01%1b&cpage=%FF",
        "&".join(f"{i:x}=" for i in range(10_001)),  # one more than DATA_UPLOAD_MAX_NUMBER_FIELDS
        "&".join("page=2" for _ in range(5_000)),
        "page=1&page=-1&page=NaN&cpage=2&cpage=1e999",
        "page[]=1&page[0]=2",
        "page=1;cpage=2",
        "%=%&&&=&==",
        "q=%uD800%u0000",
        "q=" + quote("\x00\x1b\u2028\u202e<script>"),
    ]
    return [q.encode() for q in queries] + [b"page=\xff\xfe", b"q=\xc0\x80\xed\xa0\x80"]


@pytest.mark.django_db(transaction=True)
def test_absurd_paths_and_query_strings_on_every_page(blog, error_log):
    sweep = Sweep(blog.wire)
    for endpoint in endpoints(blog):
        wire = _wire(blog, endpoint)
        sweep.wire = wire
        path = endpoint.path
        sweep(endpoint.name, "GET", path)
        sweep(endpoint.name + " HEAD", "HEAD", path)
        if endpoint.name in ("wagtail_serve", "index_route"):  # a post: its discussion's pages
            queries = absurd_queries(("page", "cpage", "replytocom"))
        else:
            queries = absurd_queries() if endpoint.listing else absurd_queries()[-6:]
        for query in queries:
            sweep(
                f"{endpoint.name} ?{query[:40]!r}",
                "GET",
                _with_query(path, query.decode("latin-1")).encode("latin-1"),
            )
        if endpoint.params:
            before, after = endpoint.params
            for segment in SEGMENTS:
                sweep(f"{endpoint.name} /{segment[:20]}/", "GET", before + segment + after)
            sweep(
                f"{endpoint.name} raw bytes",
                "GET",
                before.encode() + b"\xff\xfe\x00" + after.encode(),
            )
    sweep.wire = blog.wire
    for path in [
        "/%00/",
        "/\x01/",
        "/" + "a/" * 2000,
        "//",
        "/./../../etc/passwd",
        "/0001/",
        "/0000/00/",
        "/9999/99/",
        "/2009/13/",
        "/2009/00/",
        "/-001/",
        "/%2e%2e/",
        "/a1-mobilkom/%00/",
        "/a1-mobilkom/feed/%FF/",
        "/tag/",
        "/tag//feed/",
        "/comments/00000000000000000000001/",
        "/favicon.ico",
        "*",
    ]:
        # Not /static/: the test server serves it with Django's own test handler,
        # which production (WhiteNoise, nginx) never runs.
        sweep(f"path {path[:30]}", "GET", path)
    sweep("raw path bytes", "GET", b"/\xff\xfe/\xc0\xae/")
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "CONNECT"):
        for path in ("/", "/a1-mobilkom/", "/comments/post/", "/xmlrpc/", "/webmention/"):
            sweep(f"{method} {path}", method, path)
    sweep.record("absurd paths and query strings")
    assert not sweep.failed, sweep.report()
    assert error_log.tracebacks() == []


def malformed_bodies():
    """(label, content type, body): what a form endpoint gets instead of a form."""
    b = "XyZ"
    part = f'--{b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nMarcus\r\n'
    return [
        ("3 MB form", "application/x-www-form-urlencoded", "comment=" + "x" * (3 * MB)),
        (
            "3 MB multipart",
            f"multipart/form-data; boundary={b}",
            part
            + f'--{b}\r\nContent-Disposition: form-data; name="comment"\r\n\r\n'
            + "x" * (3 * MB)
            + f"\r\n--{b}--\r\n",
        ),
        ("multipart without boundary", "multipart/form-data", part),
        ("multipart, empty boundary", "multipart/form-data; boundary=", part),
        ("multipart, boundary never closed", f"multipart/form-data; boundary={b}", part),
        ("multipart, no end", f"multipart/form-data; boundary={b}", f"--{b}\r\nContent-Dispo"),
        (
            "multipart, part without name",
            f"multipart/form-data; boundary={b}",
            f"--{b}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{b}--\r\n",
        ),
        (
            "multipart, 70 kB part header",
            f"multipart/form-data; boundary={b}",
            f'--{b}\r\nContent-Disposition: form-data; name="{"n" * 70_000}"\r\n'
            f"\r\nx\r\n--{b}--\r\n",
        ),
        (
            "multipart, bad base64 part",
            f"multipart/form-data; boundary={b}",
            f'--{b}\r\nContent-Disposition: form-data; name="comment"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n--{b}--\r\n",
        ),
        (
            "multipart, file part",
            f"multipart/form-data; boundary={b}",
            f'--{b}\r\nContent-Disposition: form-data; name="comment"; '
            'filename="../../x\x00.txt"\r\n'
            f"Content-Type: text/plain; charset=base64\r\n\r\nx\r\n--{b}--\r\n",
        ),
        (
            "multipart, 2000 parts",
            f"multipart/form-data; boundary={b}",
            "".join(
                f'--{b}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n{i}\r\n'
                for i in range(2_000)
            )
            + f"--{b}--\r\n",
        ),
        (
            "multipart, NUL in the part's name",
            f"multipart/form-data; boundary={b}",
            f'--{b}\r\nContent-Disposition: form-data; name="na\x00me"\r\n\r\nx\r\n--{b}--\r\n',
        ),
        ("JSON", "application/json", '{"comment": "x", "name": ["a"], "object_pk": 1e999}'),
        ("XML", "text/xml", "<?xml version='1.0'?><a>&lt;</a>"),
        ("plain text", "text/plain", "comment=x&name=y"),
        ("an image", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ("no content type", None, "comment=x"),
        ("an empty content type", "", "comment=x"),
        ("a broken content type", ";;;charset", "comment=x"),
        (
            "form, raw invalid UTF-8",
            "application/x-www-form-urlencoded",
            b"name=\xff\xfe&comment=\xc0\x80\xed\xa0\x80&email=\x00",
        ),
        (
            "form, 10 001 fields",
            "application/x-www-form-urlencoded",
            "&".join(f"{i:x}=" for i in range(10_001)),
        ),
        ("form, a key 1 MB long", "application/x-www-form-urlencoded", "k" * MB + "=1"),
        (
            "form, the same key 5000 times",
            "application/x-www-form-urlencoded",
            "&".join("comment=x" for _ in range(5_000)),
        ),
    ]


@pytest.mark.django_db(transaction=True)
def test_malformed_bodies_to_every_endpoint(blog, error_log):
    sweep = Sweep(blog.wire)
    posting = [endpoint for endpoint in endpoints(blog) if endpoint.post]
    for endpoint in posting:
        sweep.wire = _wire(blog, endpoint)
        headers = _csrf(endpoint)
        for label, content_type, body in malformed_bodies():
            sweep(
                f"{endpoint.name}: {label}",
                "POST",
                endpoint.path,
                body=body,
                content_type=content_type,
                headers=headers,
            )
        valid = urlencode(endpoint.fields)
        for charset in CHARSETS:
            sweep(
                f"{endpoint.name}: charset {charset}",
                "POST",
                endpoint.path,
                body=valid,
                content_type=f"application/x-www-form-urlencoded; charset={charset}",
                headers=headers,
            )
            sweep(
                f"{endpoint.name}: multipart charset {charset}",
                "POST",
                endpoint.path,
                body=_multipart(endpoint.fields),
                headers=headers,
                content_type=f"multipart/form-data; boundary=XyZ; charset={charset}",
            )
        for length in ("-1", "abc", "99999999999999999999", "1e3", ""):
            sweep(
                f"{endpoint.name}: Content-Length {length}",
                "POST",
                endpoint.path,
                body=valid,
                content_type="application/x-www-form-urlencoded",
                length=length,
                headers=headers,
            )
    # Foreign charsets with the text really in them, and a CSRF cookie (the 500s).
    text = {"name": "Grüße ★ 日本語", "comment": "Grüße aus 東京"}
    for charset in ("latin-1", "utf-16", "shift_jis", "euc-jp", "cp1252"):
        data = dict(comment_form_data(blog.post), **text)
        body = urlencode(data, encoding=charset, errors="replace")
        sweep(
            f"comment in {charset}",
            "POST",
            "/comments/post/",
            body=body,
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
            headers=[("Cookie", f"csrftoken={CSRF}")],
        )
        encoded = _multipart(data).encode(charset, errors="replace")
        sweep(
            f"multipart comment in {charset}",
            "POST",
            "/comments/post/",
            body=encoded,
            content_type=f"multipart/form-data; boundary=XyZ; charset={charset}",
        )
    sweep.record("oversized and malformed bodies, content types, charsets")
    assert not sweep.failed, sweep.report()
    assert error_log.tracebacks() == []


def _multipart(fields, boundary="XyZ"):
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts) + f"--{boundary}--\r\n"


@pytest.mark.django_db(transaction=True)
def test_control_characters_and_bad_bytes_in_every_field(blog, error_log):
    sweep = Sweep(blog.wire)
    for endpoint in endpoints(blog):
        if not endpoint.fields:
            continue
        sweep.wire = _wire(blog, endpoint)
        headers = _csrf(endpoint)
        for name, value in endpoint.fields.items():
            for bad in CONTROL:
                spoiled = dict(endpoint.fields, **{name: _spoil(value, bad)})
                sweep.form(
                    f"{endpoint.name}.{name} {bad!r}", endpoint.path, spoiled, headers=headers
                )
            for raw in NOT_UTF8:
                body = urlencode(dict(endpoint.fields, **{name: "X"})).replace(
                    f"{name}=X", f"{name}=a{raw}b"
                )
                sweep.form(f"{endpoint.name}.{name} {raw}", endpoint.path, body, headers=headers)
            sweep.form(
                f"{endpoint.name}.{name} 100 kB",
                endpoint.path,
                dict(endpoint.fields, **{name: value + "x" * 100_000}),
                headers=headers,
            )
        everything = {
            name: _spoil(value, "\x00\x1b\u202e") for name, value in endpoint.fields.items()
        }
        sweep.form(
            f"{endpoint.name}: NUL in every field", endpoint.path, everything, headers=headers
        )
    # Comment ids and numbers of the comment form beyond 64 bits and out of shape.
    for name in ("object_pk", "reply_to", "timestamp", "content_type"):
        for value in [*NUMBERS, "comments.comment", "blog.blogpage", "auth.user", "a.b.c"]:
            data = dict(comment_form_data(blog.post), **{name: value})
            sweep.form(f"post.{name}={value[:20]}", "/comments/post/", data)
    sweep.record("control characters, NUL and bad bytes in every field")
    assert not sweep.failed, sweep.report()
    assert error_log.tracebacks() == []
    _assert_no_control_characters_stored()


def _spoil(value, bad):
    """The value with the bad characters inside it (an address stays address-shaped)."""
    if value.startswith("http://"):
        return value.replace("://", f"://exa{bad}mple.", 1)
    if "@" in value:
        return value.replace("@", f"{bad}@", 1)
    return f"Mar{bad}cus{value}" if value else bad


def _assert_no_control_characters_stored():
    forbidden = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}
    for comment in Comment.objects.all():
        for text in (comment.user_name, comment.user_email, comment.user_url):
            assert not forbidden & set(text), f"stored: {text!r}"


# XML-RPC ------------------------------------------------------------------------------


class DtdHandler(QuietHandler):
    def do_GET(self):
        self.server.hits += 1
        self.answer(200, '<!ENTITY leak "dtd-entity-expanded">', "application/xml-dtd")


@pytest.fixture
def dtd_server():
    """A server on loopback an external entity could name: it must never be asked."""
    server = LoopbackServer(DtdHandler)
    server.hits = 0
    yield server.start()
    server.shutdown()
    server.server_close()


def hostile_xmlrpc(dtd_url):
    call = "<methodCall><methodName>pingback.ping</methodName><params>{}</params></methodCall>"

    def params(*values):
        return "".join(f"<param><value>{value}</value></param>" for value in values)

    def entity_call(doctype, value):
        return f"<?xml version='1.0'?>{doctype}" + call.format(
            params(f"<string>{value}</string>", f"<string>{POST_URL}</string>")
        )

    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bombs = [
        ("billion laughs", entity_call(f'<!DOCTYPE m [<!ENTITY l0 "ha">{laughs}]>', "&l9;")),
        (
            "quadratic blowup",
            entity_call(f'<!DOCTYPE m [<!ENTITY a "{"x" * 20_000}">]>', "&a;" * 8_000),
        ),
        ("XXE file", entity_call('<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;")),
        ("XXE http", entity_call(f'<!DOCTYPE m [<!ENTITY x SYSTEM "{dtd_url}/x">]>', "&x;")),
        (
            "XXE parameter entity",
            entity_call(f'<!DOCTYPE m [<!ENTITY % p SYSTEM "{dtd_url}/p"> %p;]>', "&leak;"),
        ),
        ("external DTD", entity_call(f'<!DOCTYPE m SYSTEM "{dtd_url}/d">', "&leak;")),
        (
            "XInclude",
            entity_call(
                "",
                '<x:include xmlns:x="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
            ),
        ),
    ]
    odd = [
        ("NUL as a character reference", entity_call("", "http://a&#0;b/")),
        ("control character references", entity_call("", "&#1;&#27;&#x7f;")),
        (
            "deep nesting",
            "<?xml version='1.0'?>"
            + call.format(
                "<param>"
                + "<value><array><data>" * 1_500
                + "</data></array></value>" * 1_500
                + "</param>"
            ),
        ),
        (
            "a 400-digit int",
            "<?xml version='1.0'?>" + call.format(params("<int>" + "9" * 400 + "</int>")),
        ),
        (
            "i8 beyond 64 bits",
            "<?xml version='1.0'?>" + call.format(params("<i8>" + "9" * 30 + "</i8>")),
        ),
        ("double 1e999", "<?xml version='1.0'?>" + call.format(params("<double>1e999</double>"))),
        ("bad base64", "<?xml version='1.0'?>" + call.format(params("<base64>!!!</base64>"))),
        (
            "bad dateTime",
            "<?xml version='1.0'?>"
            + call.format(params("<dateTime.iso8601>99999999T99:99:99</dateTime.iso8601>")),
        ),
        (
            "struct without a name",
            "<?xml version='1.0'?>"
            + call.format(params("<struct><member><value>x</value></member></struct>")),
        ),
        ("nil", "<?xml version='1.0'?>" + call.format(params("<nil/>", "<nil/>"))),
        (
            "no params",
            "<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName></methodCall>",
        ),
        ("three params", dumps(("a", "b", "c"), "pingback.ping")),
        ("an int for a URL", dumps((1, 2), "pingback.ping")),
        ("a 30 kB method name", dumps((), "m" * 30_000)),
        (
            "system.multicall",
            dumps(([{"methodName": "pingback.ping", "params": ["a", "b"]}],), "system.multicall"),
        ),
        ("a methodResponse", dumps(("x",), methodresponse=True)),
        (
            "encoding shift_jis",
            "<?xml version='1.0' encoding='shift_jis'?>"
            + call.format(params("<string>\u65e5</string>", f"<string>{POST_URL}</string>")),
        ),
        ("encoding utf-16, bytes utf-8", "<?xml version='1.0' encoding='utf-16'?><methodCall/>"),
        ("unknown encoding", "<?xml version='1.0' encoding='ebcdic-xx'?><methodCall/>"),
        (
            "invalid UTF-8",
            b"<?xml version='1.0'?><methodCall><methodName>\xff\xfe</methodName></methodCall>",
        ),
        ("truncated", "<?xml version='1.0'?><methodCall><methodName>pingback.ping"),
        ("not XML", "source=a&target=b"),
        ("empty", ""),
        ("a NUL byte", b"<?xml version='1.0'?>\x00<methodCall/>"),
    ]
    return bombs, odd


def _entity_call(doctype, source):
    return (
        f"<?xml version='1.0'?>{doctype}"
        + dumps((source, POST_URL), "pingback.ping").split("?>", 1)[1]
    )


@pytest.mark.django_db(transaction=True)
def test_xmlrpc_entities_external_entities_and_huge_bodies(
    blog, error_log, dtd_server, offline, tmp_path
):
    sweep = Sweep(blog.wire)
    bombs, odd = hostile_xmlrpc(dtd_server.url)
    # Were a file entity read, its text would become the source's host, which
    # the fetcher would then look up: the lookup is what the test watches for.
    marker = tmp_path / "host"
    marker.write_text("file-entity-was-read.example")
    doctype = f'<!DOCTYPE m [<!ENTITY x SYSTEM "file://{marker}">]>'
    bombs.append(("XXE file, watched", _entity_call(doctype, "http://&x;/")))
    control = _entity_call("", "http://plain-source-is-looked-up.example/")
    sweep("xmlrpc control", "POST", "/xmlrpc/", body=control, content_type="text/xml")
    assert offline == ["plain-source-is-looked-up.example"]  # the watch works
    leaks = []
    for label, body in bombs + odd:
        for content_type in ("text/xml", "application/xml", "text/plain"):
            answer = blog.wire.exchange("POST", "/xmlrpc/", body=body, content_type=content_type)
            sweep.answers.append((f"xmlrpc {label} ({content_type})", _status(answer)))
            if b"root:" in answer or b"dtd-entity-expanded" in answer or b"haha" in answer:
                leaks.append(label)
    for size in (64 * 1024 + 1, 3 * MB, 20 * MB):
        body = b"<?xml version='1.0'?><methodCall>" + b"x" * size + b"</methodCall>"
        sweep(
            f"xmlrpc body of {size} bytes", "POST", "/xmlrpc/", body=body, content_type="text/xml"
        )
    sweep(
        "xmlrpc, Content-Length says 20 MB",
        "POST",
        "/xmlrpc/",
        body=dumps(("a", "b"), "x"),
        content_type="text/xml",
        length=20 * MB,
    )
    sweep(
        "xmlrpc, chunked",
        "POST",
        "/xmlrpc/",
        body=b"5\r\nhallo\r\n0\r\n\r\n",
        content_type="text/xml",
        headers=[("Transfer-Encoding", "chunked")],
        length=False,
    )
    sweep.record("XML-RPC entities, external entities, huge bodies")
    assert not sweep.failed, sweep.report()
    assert leaks == []  # no entity expanded into an answer, no file read
    assert dtd_server.hits == 0  # no external entity or DTD fetched
    assert "file-entity-was-read.example" not in offline  # no file entity read
    assert error_log.tracebacks() == []
    assert not Comment.objects.exclude(pk=blog.comment.pk).exists()


# Linkback sources ---------------------------------------------------------------------


class SourceHandler(QuietHandler):
    """Serves the page named by the path's first segment, whatever follows it
    (each protocol asks its own address, so none is "already registered")."""

    def do_GET(self):
        name = self.path.strip("/").split("/")[0]
        content_type, body = self.server.pages.get(name, ("text/html", b"nothing"))
        self.answer(200, body, content_type)


def _link(text="dort"):
    return f'<a href="{POST_URL}">{text}</a>'


def hostile_sources():
    """name: (content type, body) of pages that link to the post in odd ways."""
    html = "text/html; charset=utf-8"

    def page(body, title="Quelle", head=""):
        return (
            html,
            f"<!doctype html><html><head>{head}<title>{title}</title></head>"
            f"<body>{body}</body></html>".encode(),
        )

    hcard = (
        '<div class="h-entry"><a class="p-author h-card" href="/">{}</a>'
        '<div class="e-content">{}</div></div>'
    )
    return {
        "noscript": page(f"<p>Davor.</p><noscript><p>Siehe {_link()}.</p></noscript>"),
        "template": page(f"<template><p>Siehe {_link()}.</p></template>"),
        "template-in-noscript": page(f"<noscript><template>{_link()}</template></noscript>"),
        "nested-templates": page(
            f"<template><template><template>{_link()}</template></template></template>"
        ),
        "only-template": page(f"<template>{_link()}</template>", title=""),
        "comment-only": page(f"<!-- {_link()} -->"),
        "svg": page(f'<svg><a href="{POST_URL}"><text>x</text></a></svg>'),
        "math": page(f'<math><mi><a href="{POST_URL}">x</a></mi></math>'),
        "script-string": page(f"<script>var s = '{_link()}';</script>"),
        "unclosed": page(f"<div><p><a href='{POST_URL}'>dort"),
        "nul-title": page(_link(), title="Tit\x00el\x1b[31m"),
        "entity-nul-title": page(_link(), title="Tit&#0;el&#x1b;&#xd800;"),
        "huge-title": page(_link(), title="T" * 200_000),
        "control-excerpt": page("<p>Vor\x00her \x07 " + _link("da\x01rt") + " nach\x1bher</p>"),
        "hcard-control": page(hcard.format("Au\x00tor\x1b", f"In\x01halt {_link()}")),
        "hcard-huge": page(hcard.format("A" * 100_000, _link())),
        "empty-href-text": page(f'<a href="{POST_URL}"></a>', title=""),
        "bad-utf8": (
            "text/html; charset=utf-8",
            b"<title>\xff\xfe</title><a href='" + POST_URL.encode() + b"'>\xc0\x80</a>",
        ),
        "shift-jis": (
            "text/html; charset=shift_jis",
            f"<title>日本</title>{_link('日本')}".encode("shift_jis"),
        ),
        "utf-16": ("text/html; charset=utf-16", f"<title>Q</title>{_link()}".encode("utf-16")),
        "meta-utf-16": ("text/html", f'<meta charset="utf-16"><title>Q</title>{_link()}'.encode()),
        "header-base64": ("text/html; charset=base64", f"<title>Q</title>{_link()}".encode()),
        "header-idna": ("text/html; charset=idna", f"<title>Q</title>{_link()}".encode()),
        "header-undefined": (
            "text/html; charset=undefined",
            f"<title>Q</title>{_link()}".encode(),
        ),
        "meta-idna": ("text/html", f'<meta charset="idna"><title>Q</title>{_link()}'.encode()),
        "meta-rot13": ("text/html", f'<meta charset="rot13"><title>Q</title>{_link()}'.encode()),
        "meta-undefined": (
            "text/html",
            b'<meta http-equiv="Content-Type" content="text/html; charset=undefined">'
            + f"<title>Q</title>{_link()}".encode(),
        ),
        "not-html": ("image/png", b"\x89PNG\r\n\x1a\n" + POST_URL.encode()),
        "empty": ("text/html", b""),
        "big": ("text/html", b"<p>" + b"x" * (2 * MB) + _link().encode()),
    }


@pytest.fixture
def source_server(settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.TRACKBACK_VERIFY = True
    server = LoopbackServer(SourceHandler)
    server.pages = hostile_sources()
    yield server.start()
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_linkback_sources_with_hidden_links_and_broken_text(blog, error_log, source_server):
    sweep = Sweep(blog.wire)
    for name in source_server.pages:
        source = f"{source_server.url}/{name}"
        sweep.form(
            f"webmention {name}", "/webmention/", {"source": source + "/wm", "target": POST_URL}
        )
        sweep(
            f"pingback {name}",
            "POST",
            "/xmlrpc/",
            content_type="text/xml",
            body=dumps((source + "/pb", POST_URL), "pingback.ping"),
        )
        sweep.form(
            f"trackback {name}",
            "/a1-mobilkom/trackback/",
            {"url": source + "/tb", "title": f"T\x00{name}", "blog_name": "B\x1b"},
        )
    stuck = list(
        IncomingWebmention.objects.filter(state=IncomingWebmention.State.QUEUED)
        .exclude(token=blog.status_token)
        .values_list("source", flat=True)
    )
    # Whatever was stored is shown to readers: approve it, then render every sink.
    Comment.objects.update(status=Comment.Status.APPROVED)
    for path in (
        "/a1-mobilkom/",
        "/a1-mobilkom/feed/",
        "/a1-mobilkom/feed/atom/",
        "/comments/feed/",
        "/comments/feed/atom/",
        "/",
        "/feed/",
    ):
        sweep(f"render {path}", "GET", path)
    sweep.wire = blog.reader_wire
    sweep("render my comments", "GET", "/accounts/comments/")
    sweep.record("linkback sources: hidden links, control characters, charsets")
    assert not sweep.failed, sweep.report()
    assert stuck == []  # every Webmention was decided, none left queued
    assert error_log.tracebacks() == []
    stored = Counter(Comment.objects.exclude(pk=blog.comment.pk).values_list("kind", flat=True))
    assert stored["webmention"] >= 4  # noscript, template and friends were read as links
    _assert_no_control_characters_stored()


# Headers ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_absurd_headers(blog, error_log):
    sweep = Sweep(blog.wire)
    headers = [
        ("Accept-Language", "x" * 8_000),
        ("Accept-Language", "de;q=NaN, en;q=1e999, *;q=-1, \x00"),
        ("Accept-Language", ",".join(f"l{i};q=0.{i % 10}" for i in range(2_000))),
        ("Cookie", "sessionid=" + "x" * 4_000 + "; csrftoken=\x01; django_language=\xff"),
        ("Cookie", b"django_language=\xff\xfe; sessionid=%00"),
        ("Cookie", "django_language=../../etc; sessionid=" + HUGE_ID),
        ("If-Modified-Since", "Mon, 99 Foo 99999 99:99:99 GMT"),
        ("If-None-Match", '"' + "x" * 8_000 + '"'),
        ("Range", "bytes=99999999999999999999-"),
        ("X-Forwarded-For", "not-an-ip, \x00, [::1"),
        ("X-Forwarded-Proto", "gopher"),
        ("Referer", "http://\x00/"),
        ("Origin", "null"),
        ("User-Agent", "\x00\x1b" * 2_000),
        ("Sec-Fetch-Site", "\xff"),
    ]
    for path in ("/", "/a1-mobilkom/", "/comments/feed/", "/sitemap.xml"):
        for name, value in headers:
            sweep(f"{path} {name}", "GET", path, headers=[(name, value)])
    for name, value in headers:
        data = comment_form_data(blog.post, comment=f"Header {name} {len(sweep.answers)}")
        sweep.form(f"comment with {name}", "/comments/post/", data, headers=[(name, value)])
    for host in ("evil.example", "testserver:99999", "[::1", "a" * 300, "\x00", ""):
        sweep(f"Host {host[:20]!r}", "GET", "/", headers=[("Host", host)])
    sweep.record("absurd headers")
    assert not sweep.failed, sweep.report()
    assert error_log.tracebacks() == []


# The fixes the sweep led to (each test failed before its fix) ---------------------


@pytest.mark.parametrize("charset", ["base64", "rot13", "hex", "idna", "undefined"])
@pytest.mark.parametrize("multipart", [False, True])
def test_a_codec_that_is_no_text_encoding_is_a_400(client, post, charset, multipart):
    """Python knows these codecs, but no text decodes with them: a multipart
    form declaring one was a 500 (LookupError or UnicodeError in Django's parser)."""
    data = comment_form_data(post)
    if multipart:
        body = _multipart(data).encode()
        content_type = f"multipart/form-data; boundary=XyZ; charset={charset}"
    else:
        body = urlencode(data).encode()
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
    response = client.generic("POST", "/comments/post/", body, content_type=content_type)
    assert response.status_code == 400
    assert charset.encode() in response.content
    assert not Comment.objects.exists()


def test_an_unknown_charset_is_a_400_with_its_name(client, post):
    """Django drops a charset it does not know and reads the body as UTF-8;
    the README promises a 400 for it."""
    body = urlencode(comment_form_data(post)).encode()
    content_type = "application/x-www-form-urlencoded; charset=no-such-charset"
    response = client.generic("POST", "/comments/post/", body, content_type=content_type)
    assert response.status_code == 400
    assert b"no-such-charset" in response.content


def test_a_form_in_another_charset_with_a_csrf_cookie_is_a_400(client, post):
    """Django refuses a non-UTF-8 form while checking the CSRF token, and again
    in its error page, which checks the token too: that was a 500."""
    client.force_login(make_reader(), backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["csrftoken"] = CSRF
    response = client.generic(
        "POST",
        "/accounts/name/",
        b"name=Markus",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        HTTP_X_CSRFTOKEN=CSRF,
    )
    assert response.status_code == 400
    assert b"UTF-8" in response.content


@pytest.mark.parametrize("length", ["abc", "1e3", "-1", "\u0661"])
def test_a_content_length_that_is_no_number_is_a_400(client, post, length):
    client.cookies["csrftoken"] = CSRF
    data = urlencode(comment_form_data(post)).encode()
    response = client.generic(
        "POST", "/i18n/setlang/", data, content_type=FORM_TYPE, CONTENT_LENGTH=length
    )
    assert response.status_code == 400
    assert b"Content-Length" in response.content


@pytest.mark.parametrize(
    "body",
    [
        "<?xml version='1.0'?><a>&lt;</a>",  # XML, but no call: ResponseError
        "<?xml version='1.0' encoding='ebcdic-xx'?><methodCall/>",  # LookupError
    ],
)
def test_xml_that_is_no_call_is_a_parse_fault_not_an_error(client, post, body, caplog):
    response = client.post("/xmlrpc/", body, content_type="text/xml")
    assert response.status_code == 200
    with pytest.raises(Fault) as fault:
        loads(response.content)
    assert fault.value.faultCode == -32700
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("charset", ["idna", "base64", "undefined", "rot13"])
def test_a_source_in_a_codec_that_is_no_text_encoding_is_read_as_utf8(charset):
    """A linkback source declaring such a charset crashed the handlers."""
    page = f"<title>Quelle</title><p>Siehe {_link()}.</p>".encode()
    in_header = safe_fetch.Response(
        "http://a.example/", 200, {"content-type": f"text/html; charset={charset}"}, page
    )
    assert in_header.encoding == "utf-8"
    assert source.inspect(source._text(in_header), in_header.url, POST_URL).title == "Quelle"
    in_meta = safe_fetch.Response(
        "http://a.example/",
        200,
        {"content-type": "text/html"},
        f'<meta charset="{charset}">'.encode() + page,
    )
    assert source.inspect(source._text(in_meta), in_meta.url, POST_URL).title == "Quelle"


def _finishes(expression, within=60):
    """Whether the expression's value is printed within a bound far above what a
    linear search needs (milliseconds) and far below what the quadratic one took
    (an hour for these inputs); and what it printed. A process of its own: a
    regular expression holds the interpreter until it is done."""
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from comments.accounts import names\n"
                f"from comments.linkbacks import discovery\nprint(repr({expression}))",
            ],
            capture_output=True,
            text=True,
            timeout=within,
            check=True,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired:
        return False, None
    return True, done.stdout.strip()


def test_a_name_is_checked_for_an_email_address_in_linear_time():
    """The sign-up form's name field: a 100 kB name kept a worker busy for
    30 s, 2.5 MB (the largest form Django reads) for hours."""
    assert _finishes("names.looks_like_email('x' * 1_000_000)") == (True, "False")
    assert _finishes("names.looks_like_email('a@' * 500_000)") == (True, "True")
    for text, expected in [
        ("marcus@example.org", True),
        ("Marcus G.", False),
        ("a @ b", False),
        ("@@", False),
        ("Hallo a@b du", True),
        ("@marcus", False),
    ]:
        assert names.looks_like_email(text) is expected, text


def test_a_link_header_is_read_in_linear_time():
    """A linked page's Link header of 64 kB of "<" took 20 s of CPU to read, and
    http.client takes up to 100 such lines."""
    assert _finishes("discovery.link_header_urls('<' * 300_000, 'webmention')") == (True, "[]")
    header = '<https://a.example/wm>; rel="webmention", <https://a.example/x>; rel=me'
    assert discovery.link_header_urls(header, "webmention") == ["https://a.example/wm"]


@pytest.mark.parametrize(
    "path",
    ["/accounts/oidc/%00/login/", "/tag/%00/", "/a1-mobilkom/%00/", "/webmention/status/%00/"],
)
def test_an_address_with_a_nul_is_a_404(client, post, path):
    """allauth looks its provider up by the path: on PostgreSQL a NUL was a 500."""
    response = client.get(path)
    assert response.status_code == 404
    assert b"NUL" in response.content


def test_a_comment_keeps_no_control_characters_of_its_headers(client, post):
    """User agent and referrer are stored with the comment: a NUL was a 500 on PostgreSQL."""
    response = client.post(
        "/comments/post/",
        comment_form_data(post),
        HTTP_USER_AGENT="Mozilla\x00/5.0\x1b[31m",
        HTTP_REFERER="http://a.example/\x00x",
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.user_agent, comment.referrer) == ("Mozilla/5.0[31m", "http://a.example/x")


class TrackbackRefusal(QuietHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        message = "Nein\x00, danke\x1b"
        body = f"<response><error>1</error><message>{message}</message></response>"
        self.answer(200, body, "text/xml")


def test_an_answer_with_a_nul_is_stored_without_it(post, settings):
    """What another blog answers to a ping is kept as its detail: a NUL in it
    stopped the save (PostgreSQL), and the job with it."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    server = LoopbackServer(TrackbackRefusal).start()
    try:
        ping = OutgoingPing.objects.create(
            post=post, target=server.url + "/tb/", is_trackback=True
        )
        send.send(ping, final_attempt=True)
    finally:
        server.shutdown()
        server.server_close()
    ping.refresh_from_db()
    assert (ping.outcome, ping.detail) == (OutgoingPing.Outcome.FAILED, "Nein, danke")
