"""Parallel comment posts against the production form of the app: gunicorn
with three worker processes, on a SQLite file and on a fresh PostgreSQL
database, with a fake Akismet on loopback that answers at once or stalls, and
with workers killed (SIGKILL) in the middle of a burst.

What holds in every case: no comment is stored twice, every comment the app
confirmed (303) is stored, and every stored comment is whole (its rows in all
three tables of the comment model, its rendered body, its thread) and is what
its request sent. Without killed workers, every request is answered 303.
"""

import os
import secrets
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import servers
from tests.fakes.akismet_server import FakeAkismet
from tests.security import figures
from tests.services import port_open

pytestmark = pytest.mark.once

POSTS = 200  # comments sent in each burst
CLIENTS = 30  # client threads sending them
WORKERS = 3  # gunicorn worker processes
AKISMET_DEADLINE = 1  # seconds (AKISMET_TIMEOUT)

# The demo's posts that take comments, each with its form's security fields
# (each burst goes to a post of its own), and the address of a guest with an
# approved comment (whose comments are not held as a stranger's).
SETUP = """
from blog.models import BlogPage
from comments.forms import CommentForm
from comments.models import Comment
posts = [post for post in BlogPage.objects.live().order_by("pk") if post.comments_open]
known = (Comment.objects.approved().filter(user__isnull=True, kind=Comment.Kind.COMMENT)
         .exclude(user_email="").order_by("pk").first())
result({"forms": [CommentForm(post).generate_security_data() for post in posts],
        "email": known.user_email})
"""

# Every row that holds a comment with `marker` in its text, in each table of
# the three-level model (django_comments, its xtd child, the blog's child).
STORED = """
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment
from comments.models import Comment
def pks(model):
    return sorted(model.objects.filter(comment__contains=marker).values_list("pk", flat=True))
result({
    "base": pks(BaseComment),
    "xtd": pks(XtdComment),
    "comments": [
        {"pk": c.pk, "text": c.comment, "name": c.user_name, "email": c.user_email,
         "status": c.status, "reason": c.status_reason, "kind": c.kind,
         "thread_id": c.thread_id, "parent_id": c.parent_id, "level": c.level,
         "body_html": c.body_html, "ip": c.ip_address}
        for c in Comment.objects.filter(comment__contains=marker)
    ],
})
"""


def need_postgres():
    """Skip without PostgreSQL, or fail where CI says it must be there."""
    if port_open("127.0.0.1", 5432):
        return
    message = "PostgreSQL is not running on 127.0.0.1:5432"
    if os.environ.get("REDIS_TESTS") == "required":
        pytest.fail(message + " and REDIS_TESTS=required")
    pytest.skip(message)


@dataclass
class Blog:
    database: str
    env: dict
    app: servers.Server
    security: list  # per post
    known_email: str
    bursts: int = 0

    def forms(self, marker, count=POSTS):
        """`count` distinct comments, each naming its number and the burst's
        marker, to a post no earlier burst went to."""
        security = self.security[self.bursts]
        self.bursts += 1
        return [
            {
                **security,
                "name": f"Leserin {number}",
                "email": self.known_email,
                "url": "",
                "comment": f"Beitrag {number} von {marker}: ganz meine Meinung.",
                "reply_to": "0",
                "honeypot": "",
            }
            for number in range(count)
        ]

    def worker_pids(self):
        """The gunicorn master's children: its workers, as the kernel lists them."""
        master = self.app.proc.pid
        children = set()
        for task in Path(f"/proc/{master}/task").iterdir():
            children.update(int(pid) for pid in (task / "children").read_text().split())
        return children


@pytest.fixture(scope="module")
def akismet():
    server = FakeAkismet().start()
    yield server
    server.release.set()  # free any request still held
    server.shutdown()
    server.server_close()


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)],
)
def blog(request, tmp_path_factory, akismet):
    database = request.param
    tmp = tmp_path_factory.mktemp(f"battery-{database}")
    static_root = tmp_path_factory.getbasetemp() / "gunicorn-static"  # shared, read-only
    with ExitStack() as cleanup:
        if database == "postgresql":
            need_postgres()
            name = f"kommentar_battery_{secrets.token_hex(4)}"
            url = servers.create_postgres_database(name)
            cleanup.callback(servers.drop_postgres_database, name)
        else:
            url = f"sqlite:///{tmp / 'db.sqlite3'}"
        env = servers.app_env(
            tmp,
            database_url=url,
            extra={
                "STATIC_ROOT": static_root,
                "COMMENTS_FLOOD_SECONDS": 0,
                "COMMENTS_RATE_LIMIT": "100000/600",
                "AKISMET_API_KEY": "test-key",
                "AKISMET_ENDPOINT": akismet.url,
                "AKISMET_TIMEOUT": AKISMET_DEADLINE,
            },
        )
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        if not (static_root / "staticfiles.json").exists():
            servers.manage(env, "collectstatic", "--noinput", "-v", "0", "--skip-checks")
        servers.manage(env, "load_demo", "-v", "0", "--skip-checks")
        setup = servers.shell(env, SETUP)
        assert len(setup["forms"]) >= 3, "the demo has fewer posts than this module needs"
        app = cleanup.enter_context(servers.start_gunicorn(env, workers=WORKERS, timeout=180))
        yield Blog(database, env, app, setup["forms"], setup["email"])


@pytest.fixture
def ham(akismet):
    akismet.mode = "ham"
    akismet.release.clear()
    yield akismet
    akismet.release.set()
    akismet.mode = "ham"


def burst(blog, forms, *, answered=None):
    """Send `forms` from CLIENTS threads at once, each as a new reader would (no
    cookies), on a connection of its own and never retried; `answered(count)`
    is called after each answer. Returns, per form, the status code or the
    name of the connection error."""
    done = [0]
    lock = threading.Lock()
    headers = {"Origin": blog.app.url}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=0)

    with httpx.HTTPTransport(limits=limits) as connections:

        def send(data):
            reader = httpx.Client(base_url=blog.app.url, timeout=120, transport=connections)
            try:
                outcome = reader.post("/comments/post/", data=data, headers=headers).status_code
            except httpx.TransportError as error:
                outcome = type(error).__name__
            with lock:
                done[0] += 1
                count = done[0]
            if answered is not None:
                answered(count)
            return outcome

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            return list(pool.map(send, forms))


@dataclass
class Audit:
    """What a burst left in the database, held against what was sent."""

    comments: list  # the comments stored, as STORED gives them
    errors: list  # answers other than 303 (a refusal, a 5xx)
    dropped: list  # requests whose connection broke (a killed worker's)
    lost: list  # confirmed with 303 but not stored
    duplicates: list  # texts stored more than once
    broken: list  # stored but not whole, or not what its request sent

    def failed(self, *, dropping_allowed=False):
        found = self.errors + self.lost + self.duplicates + self.broken
        if not dropping_allowed:
            found += self.dropped
        return len(found)

    def report(self):
        return (
            f"errors {self.errors[:10]}, dropped {self.dropped[:10]}, lost {self.lost[:5]}, "
            f"duplicates {self.duplicates[:5]}, broken {self.broken[:5]}"
        )


def audit(blog, marker, forms, outcomes):
    stored = servers.shell(blog.env, STORED, marker=marker)
    comments = stored["comments"]
    sent = {form["comment"]: form for form in forms}
    by_text = {}
    for comment in comments:
        by_text.setdefault(comment["text"], []).append(comment)
    whole = {comment["pk"] for comment in comments}
    rows = set(stored["base"]) | set(stored["xtd"])
    broken = [
        {"pk": pk, "why": "not in every table of the comment model"}
        for pk in sorted(rows)
        if pk not in whole or pk not in stored["xtd"] or pk not in stored["base"]
    ]
    for comment in comments:
        why = _incomplete(comment, sent.get(comment["text"]))
        if why:
            broken.append({"pk": comment["pk"], "why": why})
    texts = [form["comment"] for form in forms]
    return Audit(
        comments=comments,
        errors=[o for o in outcomes if o != 303 and not isinstance(o, str)],
        dropped=[o for o in outcomes if isinstance(o, str)],
        lost=[t for t, o in zip(texts, outcomes, strict=True) if o == 303 and t not in by_text],
        duplicates=[t for t, found in by_text.items() if len(found) > 1],
        broken=broken,
    )


def _incomplete(comment, form):
    """Why a stored comment is not what its request would have written, or ""."""
    if form is None:
        return "no request sent this text"
    if (comment["name"], comment["email"]) != (form["name"], form["email"]):
        return "name or address of another request"
    if comment["kind"] != "comment" or comment["status"] not in ("approved", "pending"):
        return f"kind {comment['kind']}, status {comment['status']}"
    if comment["thread_id"] != comment["pk"] or comment["parent_id"] != comment["pk"]:
        return "not the head of its own thread"
    if comment["level"] != 0 or comment["ip"] != "127.0.0.1":
        return "wrong level or address"
    number = form["name"].split()[-1]
    if f"Beitrag {number} von" not in comment["body_html"]:
        return "body not rendered"
    return ""


def test_two_hundred_parallel_comments_are_all_stored_once(blog, ham):
    marker = f"burst-{secrets.token_hex(4)}"
    forms = blog.forms(marker)
    result = audit(blog, marker, forms, burst(blog, forms))
    figures.record(
        "Concurrency",
        f"parallel comments via gunicorn ({WORKERS} workers): lost, duplicated or failed",
        tried=len(forms),
        failed=result.failed(),
        database=blog.database,
    )
    assert result.failed() == 0, result.report()
    assert len(result.comments) == len(forms)


def test_a_stalling_akismet_loses_and_duplicates_nothing(blog, ham):
    """Akismet holds every answer until the first comments have been answered
    (so those ran into its deadline and are held for moderation), then answers
    the rest: all are stored, once."""
    ham.mode = "hold"
    first = WORKERS * 2

    def release_after_first(count):
        if count >= first:
            ham.release.set()

    marker = f"stall-{secrets.token_hex(4)}"
    forms = blog.forms(marker)
    result = audit(blog, marker, forms, burst(blog, forms, answered=release_after_first))
    figures.record(
        "Concurrency",
        "parallel comments with a stalling Akismet: lost, duplicated or failed",
        tried=len(forms),
        failed=result.failed(),
        database=blog.database,
    )
    assert result.failed() == 0, result.report()
    assert len(result.comments) == len(forms)
    # The stall was real: the first answers waited for the deadline and were held.
    held = [c for c in result.comments if c["status"] == "pending"]
    assert all("Akismet" in c["reason"] for c in held), [c["reason"] for c in held]
    assert len(held) >= first
    assert len(held) < len(forms)  # and then Akismet answered the rest


def test_a_worker_killed_mid_burst_leaves_no_half_written_comment(blog, ham):
    """SIGKILL to a busy worker three times during a burst: its request is cut
    off (the client sees the connection drop), gunicorn starts a new worker,
    and whatever the killed one was writing is either whole or not there."""
    count = POSTS // 2
    kill_at = {count // 5, count * 2 // 5, count * 3 // 5}
    killed = []
    lock = threading.Lock()

    def kill_a_worker(answered):
        with lock:
            if answered not in kill_at:
                return
            victim = min(blog.worker_pids() - set(killed), default=None)
            if victim is not None:
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

    marker = f"kill-{secrets.token_hex(4)}"
    forms = blog.forms(marker, count)
    result = audit(blog, marker, forms, burst(blog, forms, answered=kill_a_worker))
    figures.record(
        "Faults",
        "comments in a burst while gunicorn workers are SIGKILLed: half-written or duplicated",
        tried=len(forms),
        failed=result.failed(dropping_allowed=True),
        database=blog.database,
    )
    assert len(killed) == len(kill_at)
    assert result.failed(dropping_allowed=True) == 0, result.report()
    assert blog.app.running
    deadline = time.monotonic() + 60  # a hang guard, not a speed limit
    while len(blog.worker_pids()) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(blog.worker_pids()) == WORKERS, "gunicorn did not replace the killed workers"
