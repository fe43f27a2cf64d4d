"""Two real blog instances on 127.0.0.1, each a gunicorn process with its own
SQLite file, configured only through the environment, as in production.

The database is migrated once and copied; each copy gets its own demo site
(`load_demo` reads BASE_URL). Actions inside an instance run as
`manage.py shell -c` with that instance's environment.

One thing differs from a bare `config.settings`: DEBUG=false makes the
manifest static storage require `collectstatic`, whose STATIC_ROOT is not
configurable by environment and lies inside the repository. So the
instances use a one-line settings module in the temporary directory that
imports config.settings and points STATIC_ROOT at that directory; every
other setting comes from config.settings and the environment.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests import servers
from tests.helpers import free_port
from tests.servers import CommandFailed

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
GUNICORN = str(BIN / "gunicorn")
SEED_SLUG = "social-web-kompetenz-a1-mobilkom"  # blog/demo/posts.py
SETTINGS_MODULE = "two_blogs_settings"
# Limits that only trip when something is really wrong: every wait below ends
# as soon as its process is ready or has exited, so a loaded machine (two
# cores, shared) makes a run slower, never red.
READY_LIMIT = 120  # seconds for gunicorn to answer its first request
COMMAND_LIMIT = 300  # seconds for one manage.py command (migrate, load_demo, shell)
POLL_INTERVAL = 0.2
PROBE_TIMEOUT = 10  # one readiness request; a booting worker may be slow to answer


class Blog:
    """One instance: its address, its environment and its processes."""

    def __init__(self, name, port, workdir, base_env):
        self.name = name
        self.port = port
        self.workdir = workdir
        self.db = workdir / f"{name}.sqlite3"
        self.log = workdir / f"{name}.log"
        self.env = {
            **base_env,
            "BASE_URL": self.url,
            "DATABASE_URL": f"sqlite:///{self.db}",
        }
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def at(self, path):
        return self.url + path

    @property
    def seed_url(self):
        return self.at(f"/{SEED_SLUG}/")

    def manage(self, *args):
        try:
            return servers.manage(self.env, *args, timeout=COMMAND_LIMIT)
        except CommandFailed as failed:
            raise CommandFailed(f"{self.name}: {failed}") from None

    def shell(self, code, **values):
        """Run `code` in the instance; it calls `result(obj)`, which is returned.
        `values` are given to the code as variables (JSON-encoded on the way)."""
        try:
            return servers.shell(self.env, code, timeout=COMMAND_LIMIT, **values)
        except CommandFailed as failed:
            raise CommandFailed(f"{self.name}: {failed}") from None

    def start(self):
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "--threads",
                "4",
                "--workers",
                "1",
                "--graceful-timeout",
                "2",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_ready()
        return self

    def wait_until_ready(self):
        """Poll until the instance answers its home page. Fails at once, with
        gunicorn's log, if the process exits or answers anything but 200; only
        a process that stays alive and silent for READY_LIMIT seconds times out."""
        deadline = time.monotonic() + READY_LIMIT
        while True:
            if self.process.poll() is not None:
                raise CommandFailed(
                    f"{self.name} exited at start ({self.process.returncode}):\n{self.log_text()}"
                )
            try:
                status = httpx.get(self.url + "/", timeout=PROBE_TIMEOUT).status_code
            except httpx.HTTPError:
                status = None  # not listening yet, or its worker still booting
            if status == 200:
                return
            if status is not None:
                self.stop()
                raise CommandFailed(f"{self.name} answered {status} at start:\n{self.log_text()}")
            if time.monotonic() > deadline:
                self.stop()
                raise CommandFailed(
                    f"{self.name} is running but did not answer in {READY_LIMIT}s:\n"
                    f"{self.log_text()}"
                )
            time.sleep(POLL_INTERVAL)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only what it started
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_text(self):
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


class Blogs:
    """Makes instances: one migrated database and one static root for all."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.template_db = workdir / "migrated.sqlite3"
        self.static_root = workdir / "static"
        (workdir / f"{SETTINGS_MODULE}.py").write_text(
            "from config.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.static_root)!r}\n"
        )
        env_file = workdir / "empty.env"  # the repository's .env is not read
        env_file.write_text("")
        self.base_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(workdir)),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(workdir),
            "PYTHONDONTWRITEBYTECODE": "1",
            "ENV_FILE": str(env_file),
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "immediate",
            "LINKBACKS_ALLOW_PRIVATE_HOSTS": "true",
            "SECURE_COOKIES": "false",
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            # Every instance talks to the others from 127.0.0.1, many times a run.
            "LINKBACKS_RATE_LIMIT": "1000/600",
        }
        self.started = []
        self._prepared = False

    def _prepare(self):
        if self._prepared:
            return
        first = Blog("migrate", free_port(), self.workdir, self.base_env)
        first.db = self.template_db
        first.env["DATABASE_URL"] = f"sqlite:///{self.template_db}"
        first.manage("migrate", "--noinput", "-v", "0")
        first.manage("collectstatic", "--noinput", "-v", "0")
        self._prepared = True

    def start(self, *names, **overrides):
        """Start one instance per name (in parallel), each with `overrides` in its env."""
        self._prepare()
        blogs = []
        for name in names:
            blog = Blog(name, free_port(), self.workdir, self.base_env)
            blog.env.update({key: str(value) for key, value in overrides.items()})
            shutil.copyfile(self.template_db, blog.db)
            blogs.append(blog)
        loading = [
            (
                blog,
                subprocess.Popen(
                    [PYTHON, "manage.py", "load_demo"],
                    cwd=REPO,
                    env=blog.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
            for blog in blogs
        ]
        try:
            for blog, process in loading:
                try:
                    output, _ = process.communicate(timeout=COMMAND_LIMIT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    output, _ = process.communicate()
                    raise CommandFailed(
                        f"{blog.name}: load_demo still running after {COMMAND_LIMIT}s, "
                        f"killed:\n{output[-3000:]}"
                    ) from None
                if process.returncode != 0:
                    raise CommandFailed(f"{blog.name}: load_demo failed:\n{output[-3000:]}")
        finally:
            for _, process in loading:  # after a failure, the others are not waited for
                if process.poll() is None:
                    process.kill()
                    process.communicate()
        for blog in blogs:
            self.started.append(blog)
            blog.start()
        return blogs if len(blogs) > 1 else blogs[0]

    def stop_all(self):
        for blog in self.started:
            blog.stop()


@pytest.fixture(scope="session")
def blogs(tmp_path_factory):
    factory = Blogs(tmp_path_factory.mktemp("two-blogs"))
    yield factory
    factory.stop_all()


@pytest.fixture(scope="module")
def blog_pair(blogs):
    """Blog A (the sender) and blog B (the receiver), with default settings."""
    return blogs.start("a", "b")


@pytest.fixture(scope="module")
def blog_a(blog_pair):
    return blog_pair[0]


@pytest.fixture(scope="module")
def blog_b(blog_pair):
    return blog_pair[1]


@pytest.fixture(scope="module")
def blog_b_without_webmention(blogs):
    """A receiver started with WEBMENTION_ENABLED=false: only pingback and trackback."""
    return blogs.start("b-no-webmention", WEBMENTION_ENABLED="false")


PUBLISH = """
from blog.models import BlogIndexPage, BlogPage
from comments.linkbacks.models import OutgoingPing

home = BlogIndexPage.objects.get(depth=2)
post = BlogPage(title=title, slug=slug, intro="", body=[
    {"type": "paragraph", "value": html} for html in paragraphs
])
home.add_child(instance=post)
if publish:
    post.save_revision().publish()
post.refresh_from_db()
result({
    "url": post.get_full_url(),
    "pings": list(OutgoingPing.objects.filter(post=post).values(
        "target", "protocol", "outcome", "detail", "attempts", "is_trackback"
    )),
})
"""


def publish_post(blog, *, title, slug, paragraphs, publish=True):
    """A new post on `blog`, published the way an editor does (signals, tasks
    and all); returns its URL and its outgoing pings once the jobs are done.
    With publish=False the post is live but no page_published signal fires."""
    return blog.shell(PUBLISH, title=title, slug=slug, paragraphs=paragraphs, publish=publish)


LINKBACKS = """
from comments.models import Comment
from blog.models import BlogPage

post = BlogPage.objects.get(slug=slug)
result(list(
    Comment.objects.for_post(post).filter(user_url__startswith=source_prefix)
    .order_by("pk").values("pk", "kind", "status", "user_name", "user_url", "comment")
))
"""


def linkbacks(blog, *, source_prefix, slug=SEED_SLUG):
    """The comments (of any kind) on a post of `blog` whose URL starts with the prefix."""
    return blog.shell(LINKBACKS, slug=slug, source_prefix=source_prefix)


APPROVE = """
from comments.moderation.status import set_status
from comments.models import Comment

comment = Comment.objects.get(pk=pk)
changed = set_status(comment, Comment.Status.APPROVED)
comment.refresh_from_db()
result({"changed": changed, "status": comment.status, "is_public": comment.is_public})
"""


def approve(blog, comment_pk):
    return blog.shell(APPROVE, pk=comment_pk)


MENTIONS = """
from comments.linkbacks.models import IncomingWebmention

result(list(IncomingWebmention.objects.filter(source=source).values(
    "state", "detail", "target", "token"
)))
"""


def incoming_webmentions(blog, source):
    return blog.shell(MENTIONS, source=source)
