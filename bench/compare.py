"""Benchmark Kommentar against the WordPress anchor in one run and print a table of ratios.

    .venv/bin/python bench/compare.py [--duration 10] [--connections 16]
        [--database sqlite|postgres] [--pages seed onepage ...] [--output FILE]

The anchor (../shared/bench/wordpress/, a stock Debian WordPress on 127.0.0.1:8081) is set
up with its setup.sh only when nothing answers there. Kommentar runs from a temporary
directory (its own database, static files and page cache) under gunicorn, the way
production does, and behind nginx for the page-cache row. Each page is measured with wrk,
the two blogs alternating, and every run records the CPU other processes used meanwhile
("foreign" load), as the anchor's measure.sh does. Numbers depend on the machine: they are
for reading side by side, not for asserting. bench/README.md says more.
"""

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cpu import NCPU, _server_pids, _stop_own_children, _wordpress_pids, _worker_rss  # noqa: E402
from bench.load import Measuring, _answers, _get, _loopback  # noqa: E402
from bench.report import GUNICORNS, _fmt, _onepage_duration, _report  # noqa: E402
from tests import servers  # noqa: E402  (the repository's server helpers)

WP_DIR = REPO.parent / "shared" / "bench" / "wordpress"
WP_URL = "http://127.0.0.1:8081"
WP_URLS_ENV = Path("/var/lib/wpbench/urls.env")
SEED_PATH = "/social-web-kompetenz-a1-mobilkom/"
SCALING_PATH = "/skalierungstest-kommentare/"
SERVICE_SHIM = """#!/bin/sh
# setup.sh's `service mariadb status` fails where MariaDB runs without the pid file
# the sysv script knows: treat a MariaDB that answers as running.
if [ "$1" = mariadb ]; then
  case "$2" in status|start|reload) mysqladmin ping >/dev/null 2>&1 && exit 0;; esac
fi
exec /usr/sbin/service "$@"
"""
# The static anchor: static-anchor.sh's server (one saved page as a plain file), with the
# global settings tests/servers.py gives Kommentar's nginx, so that the page-cache row
# compares the site file's work with none, on the same nginx.
STATIC_CONF = """daemon off;
master_process on;
worker_processes 1;
{user}pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    gzip on;
    access_log off;
    client_body_temp_path {prefix}/client_body_temp;
    proxy_temp_path {prefix}/proxy_temp;
    fastcgi_temp_path {prefix}/fastcgi_temp;
    uwsgi_temp_path {prefix}/uwsgi_temp;
    scgi_temp_path {prefix}/scgi_temp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


@dataclass
class Row:
    key: str
    label: str
    wp: str | None  # the WordPress page (a urls.env key or a path); None: no counterpart
    path: str  # Kommentar's page
    server: str  # which Kommentar server: app, onepage, cached
    target: float | None  # Kommentar req/s divided by the anchor's, at least


ROWS = [
    Row("seed", "seed post (18 replies)", "POST18_URL", SEED_PATH, "app", 5),
    Row("onepage", "1,000 replies on one page", "POSTN_URL", SCALING_PATH, "onepage", 20),
    Row("paged", "1,000 replies, default page (Kommentar only)", None, SCALING_PATH, "app", None),
    Row("home", "home page", "HOME_URL", "/", "app", 5),
    Row("tag", "tag archive", "/tag/social-web/", "/tag/datenschutz/", "app", 5),
    Row("feed", "site comment feed", "/comments/feed/", "/comments/feed/", "app", 5),
    Row(
        "cache", "seed post, page cache (vs nginx static file)", "static", SEED_PATH, "cached", 0.5
    ),
]


@dataclass
class Side:
    name: str  # WordPress, Kommentar, nginx static
    url: str
    pids: object  # callable(proc table) -> the pids that serve this side
    status: int | None = None
    bytes: int | None = None
    ttfb_ms: float | None = None
    total_ms: float | None = None
    runs: list = field(default_factory=list)
    page_cache: list = field(default_factory=list)  # X-Page-Cache of each timed request

    def rps(self):
        values = [run["rps"] for run in self.runs if run.get("rps") is not None]
        return statistics.median(values) if values else None


class Bench(Measuring):
    """Owns every process and resource the run creates, and gives each back in close()."""

    def __init__(self, args):
        self.args = args
        self.deadline = time.monotonic() + args.time_limit
        self.tmp = Path(tempfile.mkdtemp(prefix="kommentar-compare-"))
        self.servers = {}  # name -> Server
        self.pg_name = None
        self.redis_db = None
        self.notes = []
        self.rss = {}  # server name -> RSS of each gunicorn worker (MB), after the runs

    # ------------------------------------------------------------------ clean-up
    def close(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for server in reversed(list(self.servers.values())):
            with contextlib.suppress(Exception):
                server.stop()
        # wrk, setup.sh, and a server interrupted while starting (in no list yet)
        _stop_own_children()
        if self.pg_name:
            try:
                servers.drop_postgres_database(self.pg_name)
            except Exception as error:  # say so, and clean up the rest
                print(f"could not drop database {self.pg_name}: {error}", file=sys.stderr)
        if self.redis_db is not None:
            with contextlib.suppress(Exception):
                _redis(self.redis_db).flushdb()
        if not self.args.keep_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def spawn(cmd, **kwargs):
        """A child in its own process group, which close() ends as a whole."""
        return subprocess.Popen(cmd, start_new_session=True, **kwargs)

    # ------------------------------------------------------------------ WordPress
    def wordpress(self):
        """The anchor's URLs, after setting it up if nothing answers on its port."""
        if not _answers(WP_URL + "/"):
            if self.args.skip_wordpress_setup:
                raise SystemExit(f"WordPress does not answer on {WP_URL}")
            self.setup_wordpress()
        urls = {}
        for line in WP_URLS_ENV.read_text().splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                urls[key.strip()] = (shlex.split(value) or [""])[0]
        for value in urls.values():
            if value.startswith("http"):
                _loopback(value)
        return urls

    def setup_wordpress(self):
        shim = self.tmp / "shim"
        shim.mkdir()
        (shim / "service").write_text(SERVICE_SHIM)
        (shim / "service").chmod(0o755)
        env = {**os.environ, "PATH": f"{shim}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
        print(f"WordPress does not answer on {WP_URL}: running {WP_DIR}/setup.sh", flush=True)
        proc = self.spawn(["bash", str(WP_DIR / "setup.sh")], env=env)
        try:
            proc.wait(timeout=max(60, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise SystemExit("setup.sh did not finish within the time limit") from None
        if proc.returncode != 0 or not _answers(WP_URL + "/"):
            raise SystemExit(f"setup.sh failed ({proc.returncode}); see its output above")

    # ------------------------------------------------------------------ Kommentar
    def kommentar(self, comments, needed):
        """Prepare a database and start the servers the chosen rows need."""
        if self.args.database == "postgres":
            self.pg_name = f"kommentar_bench_{uuid.uuid4().hex[:10]}"
            database_url = servers.create_postgres_database(self.pg_name)
            self.redis_db = _free_redis_db()
            redis_url = f"redis://127.0.0.1:6379/{self.redis_db}"
        else:
            database_url, redis_url = f"sqlite:///{self.tmp / 'kommentar.sqlite3'}", None
        env = servers.app_env(self.tmp, database_url=database_url, redis_url=redis_url)
        print("Kommentar: migrate, collectstatic, load_scaling_post", flush=True)
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        servers.manage(env, "collectstatic", "--noinput", "-v", "0")
        servers.manage(env, "load_scaling_post", "--comments", str(comments))
        workers = self.args.workers
        if "app" in needed:
            self.servers["app"] = servers.start_gunicorn(env, workers=workers)
        if "onepage" in needed:
            onepage = {**env, "COMMENTS_PER_PAGE": str(comments)}
            self.servers["onepage"] = servers.start_gunicorn(onepage, workers=workers)
        if "cached" in needed:
            cache_dir = self.tmp / "page-cache"
            cache_dir.mkdir(exist_ok=True)
            cached_env = servers.app_env(
                self.tmp,
                database_url=database_url,
                redis_url=redis_url,
                page_cache_dir=cache_dir,
            )
            cached = self.servers["cached"] = servers.start_gunicorn(cached_env, workers=workers)
            prefix = self.tmp / "nginx"
            prefix.mkdir(exist_ok=True)
            conf = servers.nginx_conf(
                listen_port=servers.free_port(),
                upstream_ports=[cached.port],
                static_root=servers.STATIC_ROOT,
                media_root=Path(cached_env["MEDIA_ROOT"]),
                page_cache_dir=cache_dir,
                prefix=prefix,
            )
            self.servers["nginx"] = servers.start_nginx(conf, prefix)

    def static_anchor(self, html):
        """nginx serving `html` as a plain file, like static-anchor.sh but on a free port."""
        root = self.tmp / "static-anchor"
        prefix = self.tmp / "static-nginx"
        root.mkdir(exist_ok=True)
        prefix.mkdir(exist_ok=True)
        (root / "post18.html").write_bytes(html)
        user = "user root root;\n" if os.geteuid() == 0 else ""  # as servers.nginx_conf
        conf = STATIC_CONF.format(user=user, prefix=prefix, port=servers.free_port(), root=root)
        server = self.servers["static"] = servers.start_nginx(conf, prefix)
        return f"{server.url.rstrip('/')}/post18.html"

    def warm_page_cache(self, sides):
        """Fill the page cache through nginx, check it hits, and serve that HTML statically."""
        kommentar = sides[-1]
        _get(kommentar.url)
        _, headers, body, _, _ = _get(kommentar.url)
        hit = headers.get("X-Page-Cache")
        if hit != "HIT":
            self.notes.append(
                f"page cache: the second anonymous request through nginx answered "
                f"X-Page-Cache: {hit or '(no header)'}, not HIT"
            )
        sides[0].url = self.static_anchor(body)

    # ------------------------------------------------------------------ measuring
    def left(self):
        return self.deadline - time.monotonic()

    def row(self, row, sides):
        """Check, time and load each side of one row, the sides alternating."""
        if row.key == "cache":
            self.warm_page_cache(sides)
        for side in sides:
            side.status, _, body, _, _ = _get(side.url)  # the first request fills caches
            side.bytes = len(body)
            if side.status != 200:
                self.notes.append(f"{side.name} {side.url} answered {side.status}")
        for side in sides:
            self.single_requests(side)
        for side in sides:  # every worker process fills its caches
            self.wrk(side.url, self.args.warmup, min(self.args.connections, 2 * NCPU))
            self.drain(side.pids)
        duration = self.args.duration
        if row.key == "onepage":
            duration = _onepage_duration(self.args)
        for _ in range(self.args.runs):
            for side in sides:
                if self.left() < duration + self.args.quiet_wait + 5:
                    self.notes.append(f"time limit: skipped a {side.name} run of {row.label}")
                    continue
                self.measure(side, duration)
                print(f"  {row.label}: {side.name} {_fmt(side.runs[-1]['rps'])} req/s", flush=True)
        if row.key == "cache":
            after = _get(sides[-1].url)[1].get("X-Page-Cache", "(no header)")
            seen = ", ".join(f"{v} ×{n}" for v, n in Counter(sides[-1].page_cache).items())
            self.notes.append(
                f"page cache: X-Page-Cache of the timed single requests: {seen or '(none)'}; "
                f"of a request after the wrk runs: {after}"
            )


def _redis(db):
    import redis  # only for --database postgres

    return redis.Redis(host="127.0.0.1", port=6379, db=db)


def _free_redis_db():
    """An empty Redis database; 15 is left to the test suite, 0 to everyday use."""
    for db in range(14, 0, -1):
        if _redis(db).dbsize() == 0:
            return db
    raise SystemExit("no empty Redis database among 1..14")


# ---------------------------------------------------------------------- main
def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--duration-onepage",
        type=int,
        help="seconds per wrk run on the 1,000 replies on one page (default: twice --duration, "
        "at least 30: WordPress needs seconds for its first answer under load)",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1, help="wrk runs per page and blog")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pages", nargs="+", choices=[row.key for row in ROWS])
    parser.add_argument("--output", type=Path, help="also write the markdown here")
    parser.add_argument("--skip-wordpress-setup", action="store_true")
    parser.add_argument("--time-limit", type=int, default=1200, help="seconds for everything")
    parser.add_argument("--quiet-wait", type=int, default=5, help="max wait for calm, per run")
    parser.add_argument("--drain-wait", type=int, default=30, help="max wait for a backlog")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk before timing")
    parser.add_argument("--timeout", type=int, default=60, help="wrk's per-request timeout")
    parser.add_argument("--samples", type=int, default=10, help="single requests per page")
    parser.add_argument("--sample-time", type=int, default=15, help="their time budget (s)")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def main():
    args = _arguments()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (apt-get install {tool})")
    chosen = [row for row in ROWS if not args.pages or row.key in args.pages]
    bench = Bench(args)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        wp = bench.wordpress()
        comments = int(wp.get("POSTN_COMMENTS", 1000))
        bench.kommentar(comments, {row.server for row in chosen})
        rows = []
        for row in chosen:
            sides = []
            if row.wp == "static":
                pids = _server_pids(bench, ["static"], database=False)
                sides.append(Side("nginx static", "", pids))
            elif row.wp:
                url = wp.get(row.wp) or WP_URL + row.wp
                status = _get(url)[0] if row.key == "tag" else 200
                if status != 200:
                    bench.notes.append(
                        f"WordPress {url} answers {status} (its stored rewrite rules have no tag "
                        "rules): its date archive /2009/ stands in"
                    )
                    url = WP_URL + "/2009/"
                sides.append(Side("WordPress", url, _wordpress_pids))
            names = ["nginx", "cached"] if row.server == "cached" else [row.server]
            server = bench.servers[names[0]]
            url = server.url.rstrip("/") + row.path
            sides.append(Side("Kommentar", url, _server_pids(bench, names)))
            print(f"{row.label}", flush=True)
            bench.row(row, sides)
            rows.append((row, sides))
        for name in GUNICORNS:
            if name in bench.servers:
                bench.rss[name] = _worker_rss(bench.servers[name])
        report = _report(args, rows, bench)
    except KeyboardInterrupt:
        print("interrupted: stopping everything this run started", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        bench.close()
    print()
    print(report)
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
