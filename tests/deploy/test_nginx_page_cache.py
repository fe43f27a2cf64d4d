"""deploy/nginx/kommentar.conf, run by the real nginx (Debian's package).

Two setups, each started once for the module:

- `edge`: nginx in front of a small echo server that answers with what it
  received, and a page-cache directory filled by hand. It checks the site
  file alone: which requests may come from a file, which file, which language,
  what nginx tells the app, the headers of a cached page, static and media.
- `stack`: the production form. A fresh PostgreSQL database and a Redis
  database, migrated and loaded with the demo; two gunicorn app servers
  sharing them and one page-cache directory; nginx in front. It checks what
  readers get: misses that write files, hits, bypasses, and pages that are
  fresh within a second of a comment or an unpublished post.
"""

import json
import os
import random
import secrets
import shutil
import socket
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
import redis

from tests import servers
from tests.fakes.mastodon_server import FakeMastodon
from tests.services import port_open

pytestmark = [pytest.mark.services, pytest.mark.once]

FRESH_WITHIN = 1.0  # seconds between a change and the page that shows it
SEED = servers.SEED_PATH
SEED_FILE = SEED.strip("/")
OTHER_POST = "/twitter-fuer-unternehmen/"  # blog/demo/posts.py; the stack unpublishes it
# The headers Django's SecurityMiddleware and XFrameOptionsMiddleware, and
# comments/security_headers.py, put on every page; a page from the cache must
# carry them too.
SECURITY_HEADERS = (
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "x-frame-options",
    "content-security-policy",
    "permissions-policy",
)
# Headers that belong to one answer, not to the page.
PER_RESPONSE = {
    "date",
    "server",
    "etag",
    "last-modified",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "x-page-cache",
}
# What only the app knows about a post page and a cached file cannot say
# (see the report in the README section): linkback discovery by header. The
# same endpoints are advertised in the page's <link> tags, which the file keeps.
APP_ONLY = {"x-pingback", "link"}
DE_ONLY = "Schreibe einen Kommentar"  # "Leave a Reply" in German
EN_ONLY = "Leave a Reply"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACTIVITY_JSON = "application/activity+json"


def need(ok, message):
    """Skip when a service is missing, or fail where CI says it must be there."""
    if ok:
        return
    if os.environ.get("REDIS_TESTS") == "required":
        pytest.fail(message + " and REDIS_TESTS=required")
    pytest.skip(message)


def need_nginx():
    need(Path(servers.NGINX).exists(), f"nginx is not installed ({servers.NGINX})")


def fetch(url, *, method="GET", lang="de", cookies=None, headers=None, **options):
    """One request as a fresh browser would send it: no cookie jar kept."""
    sent = {"Accept-Language": lang} if lang is not None else {}
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    sent.update(headers or {})
    return httpx.request(method, url, headers=sent, timeout=60, follow_redirects=False, **options)


# The site file alone, in front of an echo server ------------------------------


class Echo(BaseHTTPRequestHandler):
    """Answers every request with what reached it, as JSON."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.decode(errors="replace"),
        }
        payload = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


@dataclass
class Edge:
    nginx: servers.Server
    cache: Path
    static: Path
    media: Path

    def url(self, path):
        return self.nginx.url + path

    def place(self, path, name, body):
        """A page as the app would have written it."""
        folder = self.cache / path.strip("/") if path.strip("/") else self.cache
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body, encoding="utf-8")


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    need_nginx()
    tmp = tmp_path_factory.mktemp("nginx-edge")
    static = tmp / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.0123456789ab.css").write_text("body{color:#111}")
    (static / "css" / "site.css").write_text("body{color:#111}")
    media = tmp / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "photo.txt").write_text("a rendition")
    (media / "documents").mkdir()
    (media / "documents" / "private.txt").write_text("in a private collection")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    prefix = tmp / "nginx"
    conf = servers.nginx_conf(
        listen_port=servers.free_port(),
        upstream_ports=[upstream.server_address[1]],
        static_root=static,
        media_root=media,
        page_cache_dir=tmp / "pages",
        prefix=prefix,
    )
    try:
        with servers.start_nginx(conf, prefix) as nginx:
            yield Edge(nginx=nginx, cache=tmp / "pages", static=static, media=media)
    finally:
        upstream.shutdown()
        upstream.server_close()


def echoed(response):
    """What the echo server received, or fail if nginx answered by itself."""
    assert response.headers.get("content-type") == "application/json", (
        f"not answered by the app: {response.status_code} {response.headers}"
    )
    return response.json()


def test_nginx_conf_fails_loudly_when_an_example_is_gone(tmp_path, monkeypatch):
    shipped = servers.SITE_CONF.read_text()
    edited = tmp_path / "kommentar.conf"
    edited.write_text(shipped.replace("listen 80;", "listen 8080;"))
    monkeypatch.setattr(servers, "SITE_CONF", edited)
    with pytest.raises(ValueError, match="listen 80"):
        servers.nginx_conf(
            listen_port=1,
            upstream_ports=[2],
            static_root=tmp_path,
            media_root=tmp_path,
            page_cache_dir=tmp_path,
            prefix=tmp_path,
        )
    edited.write_text(shipped.replace("/var/cache/kommentar/pages", "/srv/pages"))
    with pytest.raises(ValueError, match="PAGE_CACHE_DIR"):
        servers.nginx_conf(
            listen_port=1,
            upstream_ports=[2],
            static_root=tmp_path,
            media_root=tmp_path,
            page_cache_dir=tmp_path,
            prefix=tmp_path,
        )


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("de", "de"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("de-AT,de;q=0.9,en;q=0.8", "de"),
        ("en-GB, de;q=0.5", "en"),
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7,de;q=0.5", "en"),
        ("fr-CH, fr;q=0.9, de;q=0.8", "de"),
        ("EN-us", "en"),
        ("end, dex;q=0.9, en-GB;q=0.8", "en"),  # "end" and "dex" are other tags
        ("fr", "de"),  # nothing we have: LANGUAGE_CODE
        ("*", "de"),
        ("", "de"),
        (None, "de"),
    ],
)
def test_the_language_nginx_tells_the_app(edge, accept_language, language):
    response = fetch(edge.url("/nowhere-cached/"), lang=accept_language)
    assert response.headers["x-page-cache"] == "MISS"
    assert echoed(response)["headers"]["x-page-cache-language"] == language


@pytest.mark.parametrize(
    ("query", "cacheable"),
    [
        ("", True),
        ("?cpage=2", True),
        ("?page=3", True),
        ("?cpage=123456", True),
        ("?", True),  # an empty query is no query
        ("?cpage=1234567", False),
        ("?cpage=0", False),
        ("?cpage=02", False),
        ("?page=x", False),
        ("?foo=1", False),
        ("?cpage=2&foo=1", False),
        ("?page=2&page=3", False),
        ("?replytocom=5", False),
        ("?q=bcc", False),
    ],
)
def test_only_pages_without_other_queries_are_cacheable(edge, query, cacheable):
    response = fetch(edge.url("/a-post/" + query))
    seen = echoed(response)["headers"]
    if cacheable:
        assert response.headers["x-page-cache"] == "MISS"
        assert seen["x-page-cache-language"] == "de"
    else:
        assert response.headers["x-page-cache"] == "BYPASS"
        assert "x-page-cache-language" not in seen


@pytest.mark.parametrize(
    ("cookies", "personal"),
    [
        ({"sessionid": "abc"}, True),
        ({"kommentar_author": "signed"}, True),
        ({"messages": "m"}, True),
        ({"django_language": "en"}, True),
        ({"csrftoken": "t", "sessionid": "abc"}, True),
        ({"theme": "dark", "messages": "m"}, True),
        ({"csrftoken": "t"}, False),
        ({"xsessionid": "1", "my_messages": "2"}, False),
    ],
)
def test_personal_cookies_skip_the_cache(edge, cookies, personal):
    edge.place("/cookie-test/", "index.de.html", "<p>cached page</p>")
    response = fetch(edge.url("/cookie-test/"), cookies=cookies)
    if personal:
        assert response.headers["x-page-cache"] == "BYPASS"
        assert "x-page-cache-language" not in echoed(response)["headers"]
    else:
        assert response.headers["x-page-cache"] == "HIT"
        assert response.text == "<p>cached page</p>"


def test_a_reader_cannot_choose_the_file_the_app_writes(edge):
    forged = {"X-Page-Cache-Language": "en"}
    seen = echoed(fetch(edge.url("/forged/"), lang="de", headers=forged))["headers"]
    assert seen["x-page-cache-language"] == "de"
    seen = echoed(
        fetch(edge.url("/forged/"), lang="de", headers=forged, cookies={"sessionid": "a"})
    )["headers"]
    assert "x-page-cache-language" not in seen


def test_other_methods_and_paths_go_to_the_app(edge):
    edge.place("/form/", "index.de.html", "<p>cached form</p>")
    posted = fetch(edge.url("/form/"), method="POST", data={"comment": "Hallo"})
    seen = echoed(posted)
    assert posted.headers["x-page-cache"] == "BYPASS"
    assert (seen["method"], seen["body"]) == ("POST", "comment=Hallo")
    assert "x-page-cache-language" not in seen["headers"]
    edge.place("/feed/", "index.de.html", "<p>a page</p>")  # /feed is not /feed/
    no_slash = fetch(edge.url("/feed"))
    assert no_slash.headers["x-page-cache"] == "BYPASS"
    assert echoed(no_slash)["path"] == "/feed"


def test_only_the_wordpress_upload_takes_a_body_beyond_20_mb(edge):
    body = b"x" * (21 * 1024 * 1024)
    upload = fetch(edge.url("/admin/wordpress/"), method="POST", content=body)
    assert upload.status_code == 200
    assert echoed(upload)["method"] == "POST"
    assert fetch(edge.url("/comments/post/"), method="POST", content=body).status_code == 413


def test_the_app_sees_the_reader(edge):
    seen = echoed(fetch(edge.url("/who/?foo=1")))
    assert seen["path"] == "/who/?foo=1"
    # The port too: fediverse servers sign the Host header as they send it.
    assert seen["headers"]["host"] == f"127.0.0.1:{edge.nginx.port}"
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert seen["headers"]["x-forwarded-proto"] == "http"


def test_a_request_without_host_reaches_the_app_with_the_server_name(edge):
    with socket.create_connection(("127.0.0.1", edge.nginx.port), timeout=30) as conn:
        conn.sendall(b"GET /who/ HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["headers"]["host"] == "blog.example.org"


def test_a_cached_page_is_served_as_the_app_would(edge):
    edge.place("/cached/", "index.de.html", "<p>Grüß dich</p>")
    edge.place("/cached/", "index.en.html", "<p>Hello</p>")
    edge.place("/cached/", "index.de-cpage-2.html", "<p>Seite 2</p>")
    edge.place("/", "index.de-page-3.html", "<p>Startseite, Seite 3</p>")
    german = fetch(edge.url("/cached/"), lang="de-AT,de;q=0.9,en;q=0.8")
    assert (german.status_code, german.text) == (200, "<p>Grüß dich</p>")
    assert german.headers["x-page-cache"] == "HIT"
    assert german.headers["content-type"] == "text/html; charset=utf-8"
    assert german.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert german.headers["vary"] == "Accept, Accept-Language, Cookie"
    assert german.headers["content-language"] == "de"
    assert german.headers["x-content-type-options"] == "nosniff"
    assert german.headers["referrer-policy"] == "same-origin"
    assert german.headers["cross-origin-opener-policy"] == "same-origin"
    assert german.headers["x-frame-options"] == "DENY"
    assert "set-cookie" not in german.headers
    english = fetch(edge.url("/cached/"), lang="en-US,en;q=0.9")
    assert (english.text, english.headers["content-language"]) == ("<p>Hello</p>", "en")
    assert fetch(edge.url("/cached/?cpage=2")).text == "<p>Seite 2</p>"
    assert fetch(edge.url("/?page=3")).text == "<p>Startseite, Seite 3</p>"
    missing = fetch(edge.url("/cached/?cpage=3"))  # no file for it: the app answers
    assert missing.headers["x-page-cache"] == "MISS"
    assert echoed(missing)["headers"]["x-page-cache-language"] == "de"
    head = fetch(edge.url("/cached/"), method="HEAD")
    assert (head.status_code, head.headers["x-page-cache"], head.content) == (200, "HIT", b"")


@pytest.mark.parametrize(
    ("accept", "from_file"),
    [
        ("application/activity+json", False),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', False),
        ("APPLICATION/LD+JSON", False),  # the app decides what it means
        ("text/html;q=0.9, application/activity+json;q=0.1", False),
        (BROWSER_ACCEPT, True),
        ("application/json", True),
        ("*/*", True),
        (None, True),
    ],
)
def test_only_html_readers_get_a_cached_file(edge, accept, from_file):
    """The files hold HTML; a fediverse server asking for a post's JSON must
    reach the app, and nginx must not tell it to write a file."""
    edge.place("/negotiated/", "index.de.html", "<p>HTML</p>")
    headers = {"Accept": accept} if accept is not None else {}
    response = fetch(edge.url("/negotiated/"), headers=headers)
    if from_file:
        assert (response.headers["x-page-cache"], response.text) == ("HIT", "<p>HTML</p>")
    else:
        assert response.headers["x-page-cache"] == "BYPASS"
        seen = echoed(response)["headers"]
        assert "x-page-cache-language" not in seen
        assert seen["accept"] == accept


def test_a_cached_page_answers_conditional_requests(edge):
    edge.place("/conditional/", "index.de.html", "<p>unverändert</p>")
    first = fetch(edge.url("/conditional/"))
    assert first.headers["x-page-cache"] == "HIT"
    by_etag = fetch(edge.url("/conditional/"), headers={"If-None-Match": first.headers["etag"]})
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["cache-control"] == "public, max-age=0, must-revalidate"
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert fetch(edge.url("/conditional/"), headers=since).status_code == 304


def test_paths_with_non_ascii_characters_find_their_file(edge):
    edge.place("/über-uns/", "index.de.html", "<p>Über uns</p>")
    response = fetch(edge.url("/%C3%BCber-uns/"))
    assert (response.headers["x-page-cache"], response.text) == ("HIT", "<p>Über uns</p>")


def test_a_missing_cache_directory_means_asking_the_app(edge):
    edge.place("/gone/", "index.de.html", "<p>old</p>")
    assert fetch(edge.url("/gone/")).headers["x-page-cache"] == "HIT"
    shutil.rmtree(edge.cache)  # what the app does on every change
    response = fetch(edge.url("/gone/"))
    assert (response.status_code, response.headers["x-page-cache"]) == (200, "MISS")
    assert echoed(response)["path"] == "/gone/"


def test_static_files_come_from_nginx_with_their_lifetimes(edge):
    hashed = fetch(edge.url("/static/css/site.0123456789ab.css"))
    assert (hashed.status_code, hashed.text) == (200, "body{color:#111}")
    assert hashed.headers["content-type"] == "text/css"
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "x-page-cache" not in hashed.headers
    plain = fetch(edge.url("/static/css/site.css"))
    assert (plain.status_code, plain.headers["cache-control"]) == (200, "public, max-age=60")
    assert fetch(edge.url("/static/css/missing.css")).status_code == 404  # not the app's


def test_media_is_served_but_documents_only_by_the_app(edge):
    photo = fetch(edge.url("/media/images/photo.txt"))
    assert (photo.status_code, photo.text) == (200, "a rendition")
    assert photo.headers["x-content-type-options"] == "nosniff"
    hidden = fetch(edge.url("/media/documents/private.txt"))
    assert hidden.status_code == 404
    assert "private collection" not in hidden.text


# The production form: two app servers, PostgreSQL, Redis, nginx ---------------


@dataclass
class Stack:
    nginx: servers.Server
    apps: list
    env: dict
    cache: Path
    redis_db: int

    def url(self, path):
        return self.nginx.url + path

    def get(self, path, **options):
        return fetch(self.url(path), **options)

    def cache_file(self, path, name):
        return self.cache / path.strip("/") / name

    def clear_cache(self):
        shutil.rmtree(self.cache, ignore_errors=True)

    def logs(self):
        """The app servers' and nginx's logs, for a failure message."""
        parts = [f"--- gunicorn :{app.port}\n{app.log_text(3000)}" for app in self.apps]
        error_log = self.nginx.log.parent / "error.log"
        if error_log.exists():
            parts.append(f"--- nginx\n{error_log.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)


def _free_redis_db():
    """A Redis database nobody uses right now (not 0, a developer's, nor 15,
    other tests'), claimed with a key so that a second run picks another."""
    claim = f"kommentar-nginx-test:{secrets.token_hex(4)}"
    for number in random.sample(range(1, 15), 14):
        client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{number}")
        if client.dbsize() == 0 and client.set(claim, "1", nx=True) and client.dbsize() == 1:
            return number, client
        client.delete(claim)
    pytest.fail("every Redis database 1-14 holds data; none is free for this test")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    need_nginx()
    need(port_open("127.0.0.1", 5432), "PostgreSQL is not running on 127.0.0.1:5432")
    need(port_open("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
    tmp = tmp_path_factory.mktemp("nginx-stack")
    cache = tmp / "pages"  # not created: the app makes it when it writes
    redis_db, redis_client = _free_redis_db()  # empty but for the claim, emptied at the end
    database = f"kommentar_nginx_{secrets.token_hex(4)}"
    nginx_port = servers.free_port()
    base_url = f"http://127.0.0.1:{nginx_port}"
    with ExitStack() as cleanup:
        cleanup.callback(redis_client.flushdb)
        database_url = servers.create_postgres_database(database)
        cleanup.callback(servers.drop_postgres_database, database)
        env = servers.app_env(
            tmp,
            database_url=database_url,
            redis_url=f"redis://127.0.0.1:6379/{redis_db}",
            page_cache_dir=cache,
            extra={
                "BASE_URL": base_url,
                "CSRF_TRUSTED_ORIGINS": base_url,
                # nginx runs on this host; readers are everyone else.
                "TRUSTED_PROXIES": "127.0.0.1",
                # Every test request but one comes from 127.0.0.1.
                "COMMENTS_FLOOD_SECONDS": 0,
                "COMMENTS_RATE_LIMIT": "1000/600",
                # The fake Mastodon, whose key the inbox fetches, is on loopback.
                "LINKBACKS_ALLOW_PRIVATE_HOSTS": "true",
            },
        )
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        servers.manage(env, "collectstatic", "--noinput", "-v", "0", "--skip-checks")
        servers.manage(env, "load_demo", "-v", "0", "--skip-checks")
        apps = []  # a test may replace one; whatever is in it at the end is stopped
        cleanup.callback(lambda: [app.stop() for app in apps])
        for _ in range(2):
            apps.append(servers.start_gunicorn(env, workers=1, timeout=180))
        prefix = tmp / "nginx"
        conf = servers.nginx_conf(
            listen_port=nginx_port,
            upstream_ports=[app.port for app in apps],
            static_root=servers.STATIC_ROOT,
            media_root=tmp / "media",
            page_cache_dir=cache,
            prefix=prefix,
        )
        nginx = cleanup.enter_context(servers.start_nginx(conf, prefix))
        yield Stack(nginx=nginx, apps=apps, env=env, cache=cache, redis_db=redis_db)


def miss_then_hit(stack, path, lang="de"):
    """An empty cache, then two readers: the first gets the app's page and
    leaves a file, the second gets the file."""
    stack.clear_cache()
    miss = stack.get(path, lang=lang)
    assert miss.status_code == 200, stack.logs()
    assert miss.headers["x-page-cache"] == "MISS"
    hit = stack.get(path, lang=lang)
    assert hit.headers["x-page-cache"] == "HIT", (
        f"the second reader of {path} did not get a cached file; "
        f"cache folder holds {sorted(str(p) for p in stack.cache.rglob('*'))}"
    )
    return miss, hit


def test_a_post_is_written_once_then_served_by_nginx(stack):
    miss, hit = miss_then_hit(stack, SEED)
    assert stack.cache_file(SEED, "index.de.html").is_file()
    assert hit.text == miss.text
    for response in (miss, hit):
        assert "set-cookie" not in response.headers
        assert "csrfmiddlewaretoken" not in response.text
        assert DE_ONLY in response.text
    assert miss.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert hit.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert hit.headers["content-language"] == "de"
    by_etag = stack.get(SEED, headers={"If-None-Match": hit.headers["etag"]})
    assert (by_etag.status_code, by_etag.headers["x-page-cache"]) == (304, "HIT")
    since = stack.get(SEED, headers={"If-Modified-Since": hit.headers["last-modified"]})
    assert since.status_code == 304
    # The app's own validators work too, for a reader whose copy came from it.
    again = stack.get(SEED + "?foo=1")
    assert again.headers["x-page-cache"] == "BYPASS"
    assert "etag" in again.headers and "last-modified" in again.headers
    revalidated = stack.get(SEED + "?foo=1", headers={"If-None-Match": again.headers["etag"]})
    assert revalidated.status_code == 304


@pytest.mark.parametrize("path", ["/", SEED])
def test_a_cached_page_has_the_headers_the_app_sends(stack, path):
    miss, hit = miss_then_hit(stack, path)
    for name in SECURITY_HEADERS:
        assert miss.headers.get(name), f"Django no longer sends {name}"
        assert hit.headers.get(name) == miss.headers[name], name
    app_headers = {name for name in miss.headers if name not in PER_RESPONSE | APP_ONLY}
    for name in sorted(app_headers):
        assert hit.headers.get(name) == miss.headers[name], name


def test_each_language_has_its_own_file(stack):
    stack.clear_cache()
    english = stack.get(SEED, lang="en-US,en;q=0.9")
    assert english.headers["x-page-cache"] == "MISS"
    assert '<html lang="en"' in english.text and EN_ONLY in english.text
    assert stack.cache_file(SEED, "index.en.html").is_file()
    assert not stack.cache_file(SEED, "index.de.html").exists()
    english_hit = stack.get(SEED, lang="en")
    assert english_hit.headers["x-page-cache"] == "HIT"
    assert english_hit.headers["content-language"] == "en"
    assert english_hit.text == english.text
    german = stack.get(SEED, lang="de-AT,de;q=0.9,en;q=0.8")
    assert german.headers["x-page-cache"] == "MISS"
    assert '<html lang="de"' in german.text and DE_ONLY in german.text
    german_hit = stack.get(SEED, lang="de")
    assert (german_hit.headers["x-page-cache"], german_hit.text) == ("HIT", german.text)


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"cookies": {"sessionid": "not-a-session"}}, "session"),
        ({"cookies": {"kommentar_author": "x"}}, "remembered author"),
        ({"cookies": {"messages": "x"}}, "messages"),
        ({"cookies": {"django_language": "en"}}, "language chosen"),
    ],
)
def test_personal_readers_get_the_app(stack, options, why):
    miss_then_hit(stack, SEED)
    response = stack.get(SEED, **options)
    assert response.status_code == 200
    assert response.headers["x-page-cache"] == "BYPASS", why
    assert "private" in response.headers["cache-control"], why
    if options["cookies"].get("django_language") == "en":
        assert EN_ONLY in response.text  # the cookie, not Accept-Language, decided


def article_of(response):
    assert response.status_code == 200
    assert response.headers["content-type"] == ACTIVITY_JSON
    assert response.headers["x-page-cache"] == "BYPASS"
    assert "accept" in response.headers["vary"].lower()
    article = response.json()
    assert article["type"] == "Article"
    return article


def test_a_post_answers_each_reader_in_its_own_form(stack):
    """Browsers and fediverse servers share a post's URL: a file cached for
    one never reaches the other, in either order, and both say Vary: Accept."""
    as_json = {"Accept": ACTIVITY_JSON}
    as_html = {"Accept": BROWSER_ACCEPT}
    miss, hit = miss_then_hit(stack, SEED)
    assert stack.get(SEED, headers=as_html).headers["x-page-cache"] == "HIT"
    article = article_of(stack.get(SEED, headers=as_json))
    assert article["url"] == stack.url(SEED)
    assert article_of(stack.get(SEED, headers=as_json)) == article
    again = stack.get(SEED, headers=as_html)
    assert (again.headers["x-page-cache"], again.text) == ("HIT", hit.text)
    for page in (miss, hit, again):
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["vary"] == "Accept, Accept-Language, Cookie"
        assert f'href="{article["id"]}"' in page.text
    # The other order: the fediverse server first, on an empty cache.
    stack.clear_cache()
    assert article_of(stack.get(SEED, headers=as_json)) == article
    assert not stack.cache_file(SEED, "index.de.html").exists()
    first = stack.get(SEED, headers=as_html)
    assert (first.headers["x-page-cache"], first.text) == ("MISS", hit.text)
    assert stack.get(SEED, headers=as_html).headers["x-page-cache"] == "HIT"
    assert article_of(stack.get(SEED, headers=as_json)) == article
    by_id = stack.get(article["id"].removeprefix(stack.nginx.url), headers=as_json)
    assert by_id.json()["id"] == article["id"]


def test_posts_and_other_queries_reach_the_app(stack):
    miss_then_hit(stack, SEED)
    posted = stack.get(SEED, method="POST", data={"x": "1"})
    assert (posted.headers["x-page-cache"], posted.status_code < 500) == ("BYPASS", True)
    other = stack.get(SEED + "?foo=1")
    assert (other.status_code, other.headers["x-page-cache"]) == (200, "BYPASS")
    assert not list(stack.cache.rglob("*foo*"))
    with_csrf_cookie = stack.get(SEED, cookies={"csrftoken": "x" * 32})
    assert with_csrf_cookie.headers["x-page-cache"] == "HIT"


def test_pages_of_a_discussion_and_a_listing_are_cached(stack):
    stack.clear_cache()
    for path, name in (
        (SEED + "?cpage=1", "index.de-cpage-1.html"),
        ("/?page=1", "index.de-page-1.html"),
    ):
        first = stack.get(path)
        assert (first.status_code, first.headers["x-page-cache"]) == (200, "MISS"), path
        assert stack.cache_file(path.split("?")[0], name).is_file(), name
        second = stack.get(path)
        assert (second.headers["x-page-cache"], second.text) == ("HIT", first.text), path


class CommentForm(HTMLParser):
    """The comment form's action and fields, as a browser without JavaScript sees them."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "commentform":
            self.action, self._inside = attrs.get("action"), True
        elif self._inside and tag in ("input", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio", "submit"):
                return  # unticked boxes send nothing
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


APPROVED_GUEST = """
from comments.models import Comment
known = (Comment.objects.filter(user__isnull=True, kind=Comment.Kind.COMMENT,
         status=Comment.Status.APPROVED).exclude(user_email="").order_by("pk").first())
result({"name": known.user_name, "email": known.user_email})
"""

COMMENT_STATUS = """
from comments.models import Comment
from comments.moderation.status import set_status
comment = Comment.objects.filter(comment__contains=text).first()
if comment is None:
    result(None)
else:
    before = comment.status
    if approve and comment.status != Comment.Status.APPROVED:
        set_status(comment, Comment.Status.APPROVED)
    result({"before": before, "pk": comment.pk, "ip": comment.ip_address})
"""


def fresh_within(seconds, request, shows):
    """Ask until `shows(response)`; True if a request that started within
    `seconds` got it. Returns (ok, last response, seconds until it showed)."""
    started = time.monotonic()
    while True:
        sent = time.monotonic()
        response = request()
        if shows(response):
            return True, response, sent - started
        if time.monotonic() - started > seconds:
            return False, response, None
        time.sleep(0.05)


def test_a_new_comment_shows_within_a_second(stack):
    miss_then_hit(stack, SEED)
    page = stack.get(SEED)
    assert page.headers["x-page-cache"] == "HIT"
    form = CommentForm()
    form.feed(page.text)
    assert form.action, "no comment form on the cached page"
    assert "csrfmiddlewaretoken" not in form.fields
    guest = servers.shell(stack.env, APPROVED_GUEST)
    text = f"Frisch aus dem Seiten-Cache {secrets.token_hex(4)}"
    data = {
        **form.fields,
        "comment": text,
        "name": guest["name"],
        "email": guest["email"],
        "url": "",
        "honeypot": "",
    }
    posted = stack.get(
        urljoin(SEED, form.action),
        method="POST",
        data=data,
        headers={"Origin": stack.nginx.url, "Referer": stack.url(SEED)},
    )
    assert posted.headers["x-page-cache"] == "BYPASS"
    assert posted.status_code == 303, (
        f"the comment was not taken ({posted.status_code}):\n{posted.text[:3000]}"
    )
    # Known by an approved comment, the guest is approved at once; if the
    # moderation rules changed, approve it as a moderator would.
    status = servers.shell(stack.env, COMMENT_STATUS, text=text, approve=True)
    assert status is not None, "the comment was not stored"
    ok, response, _ = fresh_within(
        FRESH_WITHIN, lambda: stack.get(SEED), lambda response: text in response.text
    )
    assert ok, (
        f"{SEED} did not show the new comment within {FRESH_WITHIN}s "
        f"(last answer: {response.headers.get('x-page-cache')}, status {status['before']})"
    )
    assert stack.get(SEED).headers["x-page-cache"] == "HIT"  # and it is cached again


UNPUBLISH = """
from blog.models import BlogPage
page = BlogPage.objects.get(url_path__endswith="/" + slug + "/")
page.unpublish()
page.refresh_from_db()
result(page.live)
"""


def test_an_unpublished_post_leaves_the_home_page_within_a_second(stack):
    slug = OTHER_POST.strip("/")
    miss_then_hit(stack, OTHER_POST)
    _, home = miss_then_hit(stack, "/")
    assert f'href="{OTHER_POST}"' in home.text
    assert servers.shell(stack.env, UNPUBLISH, slug=slug) is False
    ok, response, _ = fresh_within(
        FRESH_WITHIN, lambda: stack.get("/"), lambda r: f'href="{OTHER_POST}"' not in r.text
    )
    assert ok, f"the home page still links the unpublished post ({response.headers})"
    gone = stack.get(OTHER_POST)
    assert gone.status_code == 404, gone.headers


def test_either_app_server_serves_alone(stack):
    """Both app servers take requests: with one stopped the other answers
    everything, writes the file and the next reader gets it from nginx."""
    first, second = stack.apps
    first.stop()
    for attempt in range(4):
        response = stack.get(SEED + f"?foo={attempt}")
        assert (response.status_code, response.headers["x-page-cache"]) == (200, "BYPASS")
    miss_then_hit(stack, SEED)
    restarted = servers.start_gunicorn(stack.env, port=first.port, workers=1, timeout=180)
    stack.apps[0] = restarted
    second.stop()
    # nginx leaves a server that failed alone for fail_timeout (10 s) and then
    # tries it again: the restarted one takes over within that time.
    deadline = time.monotonic() + 20
    while stack.get(SEED + "?foo=again").status_code != 200:
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.2)
    for attempt in range(4):
        response = stack.get(SEED + f"?foo=b{attempt}")
        assert (response.status_code, response.headers["x-page-cache"]) == (200, "BYPASS")
    miss, hit = miss_then_hit(stack, SEED)
    assert hit.text == miss.text


def test_the_app_stores_the_readers_address_not_a_forged_one(stack):
    """A reader at 127.0.0.2 (any loopback address but nginx's own) sends a
    made-up X-Forwarded-For; nginx appends the address it sees, and the app,
    trusting only nginx (TRUSTED_PROXIES=127.0.0.1), stores that one."""
    page = stack.get(SEED)
    form = CommentForm()
    form.feed(page.text)
    text = f"Von woanders {secrets.token_hex(4)}"
    data = {**form.fields, "comment": text, "name": "Fern", "email": "fern@example.org"}
    data.update(url="", honeypot="")
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=transport, timeout=60) as reader:
        posted = reader.post(
            urljoin(stack.url(SEED), form.action),
            data=data,
            headers={"Origin": stack.nginx.url, "X-Forwarded-For": "198.51.100.23"},
        )
    assert posted.status_code == 303, posted.text[:2000]
    stored = servers.shell(stack.env, COMMENT_STATUS, text=text, approve=False)
    assert stored["ip"] == "127.0.0.2"


FOLLOWERS_OF_THE_BLOG = """
from comments.federation.models import Follower
result(sorted(Follower.objects.filter(actor__handle="blog").values_list("remote__uri", flat=True)))
"""


def test_a_fediverse_server_verifies_through_nginx_on_any_port(stack):
    """Mastodon signs the Host header as it sends it, port included; nginx must
    hand it on unchanged (not $host, which drops the port) for the inbox to
    verify the signature of a blog that is not on port 80 or 443."""
    blog = stack.get("/ap/actors/blog/", headers={"Accept": ACTIVITY_JSON}).json()
    inbox = blog["endpoints"]["sharedInbox"]
    assert inbox.startswith(f"{stack.nginx.url}/")
    fake = FakeMastodon().start()
    try:
        alice = fake.add_account("alice")
        follow = fake.follow(alice, blog["id"])
        # The same request with the Host the signature did not cover: refused,
        # so the check below depends on the signed host arriving intact.
        forged = fake.post(alice, inbox, follow, headers={"Host": "127.0.0.1"})
        assert forged.status_code == 401, forged.text
        accepted = fake.post(alice, inbox, follow)
        assert accepted.status_code == 202, (accepted.text, stack.logs())
    finally:
        fake.shutdown()
        fake.server_close()
    assert servers.shell(stack.env, FOLLOWERS_OF_THE_BLOG) == [alice.uri]
