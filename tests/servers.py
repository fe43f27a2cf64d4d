"""Kommentar in its production form, started from tests and benchmarks: gunicorn
app servers on PostgreSQL and Redis, and Debian's nginx in front of them with
deploy/nginx/kommentar.conf, each on a free loopback port.

Nothing here needs pytest or Django settings: bench/compare.py imports these
helpers too (so this module does not import tests.helpers, which loads models).
Every process is started in its own session and stopped by its process group,
so stopping a server ends exactly what it started.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
GUNICORN = str(BIN / "gunicorn")
NGINX = "/usr/sbin/nginx"
SITE_CONF = REPO / "deploy" / "nginx" / "kommentar.conf"
# The default STATIC_ROOT (settings read STATIC_ROOT from the environment);
# every instance collects into it and nginx serves it from here.
STATIC_ROOT = REPO / "static_collected"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SEED_PATH = "/social-web-kompetenz-a1-mobilkom/"  # blog/demo/posts.py SEED_SLUG
RESULT = "SERVERS-RESULT:"
POLL_INTERVAL = 0.1
PROBE_TIMEOUT = 10  # one readiness request; a booting worker may be slow to answer

# What the example site file says, and what a test instance puts instead.
EXAMPLE_LISTEN = "listen 80;"
EXAMPLE_UPSTREAM = re.compile(r"^(?P<indent>[ \t]*)server 127\.0\.0\.1:8000;[^\n]*$", re.M)
EXAMPLE_STATIC_ROOT = "/srv/kommentar/static_collected"
EXAMPLE_MEDIA_ROOT = "/srv/kommentar/media"
EXAMPLE_PAGE_CACHE_DIR = "/var/cache/kommentar/pages"

# Variables of the caller's environment that would reach the app instead of
# the ones given here (pytest-django's settings module, a developer's .env
# values exported in the shell, CACHE_URL winning over REDIS_URL).
_DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CACHE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "PAGE_CACHE_DIR",
    "BASE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "TASKS_BACKEND",
    "SECRET_KEY",
)


class CommandFailed(AssertionError):
    pass


def free_port():
    """A loopback port free right now (as tests.helpers.free_port, which
    cannot be imported without Django's settings)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tail(output, limit=4000):
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    return (output or "")[-limit:]


# The app's environment -------------------------------------------------------


def app_env(
    tmp: Path,
    *,
    database_url: str,
    redis_url: str | None = None,
    page_cache_dir: Path | None = None,
    extra: dict | None = None,
) -> dict:
    """os.environ for a production-like instance: DEBUG off, its own secret
    key, the given database and Redis, uploads under `tmp`, no mail leaving
    loopback, no pings sent, no Akismet, and the repository's .env not read.
    Every process given this dict (app servers, manage.py) shares the secret
    key, so a cookie signed by one app server is good on the other."""
    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    env_file = tmp / "empty.env"
    env_file.write_text("")
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ENV_FILE": str(env_file),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": database_url,
            "TASKS_BACKEND": "database",  # queued for a worker; none needs to run
            "MEDIA_ROOT": str(tmp / "media"),
            # Nothing listens there: a mail that is sent after all fails at once.
            "EMAIL_URL": f"smtp://127.0.0.1:{free_port()}",
            "LINKBACKS_SEND": "false",
            "AKISMET_API_KEY": "",
            "LOG_LEVEL": "WARNING",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if page_cache_dir is not None:
        env["PAGE_CACHE_DIR"] = str(page_cache_dir)
    env.update({key: str(value) for key, value in (extra or {}).items()})
    return env


def manage(env, *args, timeout=600):
    """`manage.py <args>` with `env`, from the repository; fails with its output."""
    command = [PYTHON, "manage.py", *map(str, args)]
    try:
        done = subprocess.run(
            command,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as hung:
        raise CommandFailed(
            f"manage.py {' '.join(command[2:])} still running after {timeout}s, killed:\n"
            f"{_tail(hung.stdout)}\n{_tail(hung.stderr)}"
        ) from None
    if done.returncode != 0:
        raise CommandFailed(
            f"manage.py {' '.join(command[2:])} failed ({done.returncode}):\n"
            f"{_tail(done.stdout)}\n{_tail(done.stderr)}"
        )
    return done


def shell(env, code, *, timeout=600, **values):
    """Run `code` in `manage.py shell` with `env`; it calls `result(value)`,
    whose value (JSON) is returned. `values` become variables of the code."""
    prelude = (
        "import json\n"
        f"globals().update(json.loads({json.dumps(json.dumps(values))}))\n"
        f"def result(value):\n    print({RESULT!r} + json.dumps(value, default=str))\n"
    )
    done = manage(env, "shell", "-v", "0", "-c", prelude + code, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if not lines:
        raise CommandFailed(f"no result from the shell:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1][len(RESULT) :])


# Processes -------------------------------------------------------------------


@dataclass
class Server:
    """A process listening on 127.0.0.1:`port`, in its own process group."""

    url: str
    port: int
    proc: subprocess.Popen
    first_answer_seconds: float | None = None
    log: Path | None = None
    _cleanup: list = field(default_factory=list, repr=False)

    def stop(self):
        """End the process group it leads (gunicorn's or nginx's workers too)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # exited just now
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        for path in self._cleanup:
            Path(path).unlink(missing_ok=True)
        self._cleanup.clear()

    @property
    def running(self):
        return self.proc.poll() is None

    def log_text(self, limit=6000):
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")[-limit:]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def _log_file(prefix):
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=".log")
    os.close(handle)
    return Path(path)


def start_gunicorn(env, *, port=None, workers=2, timeout=60) -> Server:
    """The production form: `gunicorn config.wsgi --preload`, on 127.0.0.1.
    Returns once GET / answers below 500; fails at once, with gunicorn's log,
    if the process exits, answers 500 or more, or stays silent `timeout` s."""
    port = port or free_port()
    log = _log_file(f"gunicorn-{port}-")
    started = time.monotonic()
    with log.open("ab") as output:
        proc = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--preload",
            ],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", port=port, proc=proc, log=log)
    server._cleanup.append(log)
    deadline = started + timeout
    while True:
        if proc.poll() is not None:
            text = server.log_text()
            server.stop()
            raise CommandFailed(f"gunicorn exited at start ({proc.returncode}):\n{text}")
        try:
            status = httpx.get(server.url + "/", timeout=PROBE_TIMEOUT).status_code
        except httpx.HTTPError:
            status = None  # not listening yet, or its worker still booting
        if status is not None and status < 500:
            server.first_answer_seconds = time.monotonic() - started
            return server
        if status is not None or time.monotonic() > deadline:
            text = server.log_text()
            server.stop()
            what = f"answered {status}" if status is not None else f"silent for {timeout}s"
            raise CommandFailed(f"gunicorn on port {port} {what} at start:\n{text}")
        time.sleep(POLL_INTERVAL)


def _nginx_path(value) -> str:
    text = str(value)
    if not text.startswith("/") or re.search(r"[\s;{}'\"$]", text):
        raise ValueError(f"an nginx path must be absolute and plain: {text!r}")
    return text.rstrip("/")


def _replace(text, old, new, *, what):
    if old not in text:
        raise ValueError(
            f"{SITE_CONF} no longer contains the example {what} {old!r}; "
            "update tests/servers.py.nginx_conf together with the site file"
        )
    return text.replace(old, new)


def nginx_conf(
    *, listen_port, upstream_ports, static_root, media_root, page_cache_dir, prefix: Path
) -> str:
    """A complete nginx.conf for a test nginx in the foreground, everything it
    writes inside `prefix`, whose http block is deploy/nginx/kommentar.conf as
    shipped, with only its example port, upstream servers and paths replaced.
    Raises if one of those examples is gone from the file, so that a careless
    edit of the site file breaks the tests instead of testing something else."""
    prefix = Path(_nginx_path(prefix))
    site = SITE_CONF.read_text()
    if site.count(EXAMPLE_LISTEN) != 1:
        raise ValueError(f"{SITE_CONF} should contain {EXAMPLE_LISTEN!r} exactly once")
    site = site.replace(EXAMPLE_LISTEN, f"listen 127.0.0.1:{int(listen_port)};")
    upstreams = list(EXAMPLE_UPSTREAM.finditer(site))
    if len(upstreams) != 1:
        raise ValueError(
            f"{SITE_CONF} should name the example upstream server 127.0.0.1:8000 "
            f"exactly once, found {len(upstreams)}"
        )
    if not upstream_ports:
        raise ValueError("nginx needs at least one upstream port")
    indent = upstreams[0]["indent"]
    servers = "\n".join(f"{indent}server 127.0.0.1:{int(port)};" for port in upstream_ports)
    site = site[: upstreams[0].start()] + servers + site[upstreams[0].end() :]
    # The static root is replaced first: the media root's example is not a
    # prefix of it, but keep the order that cannot go wrong.
    site = _replace(site, EXAMPLE_STATIC_ROOT, _nginx_path(static_root), what="STATIC_ROOT")
    site = _replace(site, EXAMPLE_MEDIA_ROOT, _nginx_path(media_root), what="MEDIA_ROOT")
    site = _replace(
        site, EXAMPLE_PAGE_CACHE_DIR, _nginx_path(page_cache_dir), what="PAGE_CACHE_DIR"
    )
    # A master running as root hands requests to workers of user `nobody`,
    # which cannot read pytest's private temporary folders: keep our user.
    user = ""
    if os.geteuid() == 0:
        user = "user root root;\n"
    return (
        "# Generated by tests/servers.py from deploy/nginx/kommentar.conf.\n"
        "daemon off;\n"
        "master_process on;\n"
        "worker_processes 1;\n"
        f"{user}"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\n"
        "events {\n    worker_connections 256;\n}\n"
        "http {\n"
        # What Debian's /etc/nginx/nginx.conf sets around sites-enabled/.
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    gzip on;\n"
        "    access_log off;\n"
        f"    client_body_temp_path {prefix}/client_body_temp;\n"
        f"    proxy_temp_path {prefix}/proxy_temp;\n"
        f"    fastcgi_temp_path {prefix}/fastcgi_temp;\n"
        f"    uwsgi_temp_path {prefix}/uwsgi_temp;\n"
        f"    scgi_temp_path {prefix}/scgi_temp;\n"
        f"{site}\n"
        "}\n"
    )


def _listen_port(conf_text):
    found = re.search(r"^\s*listen 127\.0\.0\.1:(\d+);", conf_text, re.M)
    if not found:
        raise ValueError("the nginx configuration listens on no 127.0.0.1 port")
    return int(found[1])


def _port_answers(port):
    try:
        with httpx.Client(timeout=2) as client:
            client.get(f"http://127.0.0.1:{port}/__nginx_ready__")
        return True
    except httpx.HTTPError:
        return False


def start_nginx(conf_text, prefix: Path, *, timeout=30) -> Server:
    """Write `conf_text` to `prefix`/nginx.conf, check it with `nginx -t`
    (failing with nginx's own words), then run nginx in the foreground and
    wait until its port answers."""
    prefix = Path(prefix)
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    port = _listen_port(conf_text)
    command = [NGINX, "-p", str(prefix), "-c", str(conf)]
    checked = subprocess.run(
        [*command, "-t"], capture_output=True, text=True, timeout=60, check=False
    )
    if checked.returncode != 0:
        raise CommandFailed(f"nginx -t refused {conf}:\n{checked.stdout}{checked.stderr}")
    log = prefix / "nginx.out"
    started = time.monotonic()
    with log.open("ab") as output:
        proc = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(url=f"http://127.0.0.1:{port}", port=port, proc=proc, log=log)
    while not _port_answers(port):
        if proc.poll() is not None or time.monotonic() > started + timeout:
            server.stop()
            error_log = prefix / "error.log"
            errors = error_log.read_text(errors="replace") if error_log.exists() else ""
            raise CommandFailed(
                f"nginx did not start on port {port}:\n{server.log_text()}\n{errors[-4000:]}"
            )
        time.sleep(POLL_INTERVAL)
    server.first_answer_seconds = time.monotonic() - started
    return server


# PostgreSQL --------------------------------------------------------------------


def _postgres():
    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


def create_postgres_database(name) -> str:
    """A new, empty database; returns its DATABASE_URL."""
    with _postgres() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(name):
    """Drop it, even while app servers are still connected (PostgreSQL 13+)."""
    with _postgres() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
