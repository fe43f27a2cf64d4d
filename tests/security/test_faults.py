"""Outside systems failing under the production form of the app: a gunicorn
app server and a real task worker (`manage.py db_worker`) on a SQLite file,
a real SMTP server (aiosmtpd) on a loopback port this module owns, and a fake
Akismet on loopback.

- Akismet that trickles its answer, or is down: the comment is held, stored,
  and the reader gets an answer (not a 500);
- an SMTP server that accepts and never greets: the worker gives up on that
  mail after EMAIL_TIMEOUT, goes on with the next task, and the mail is sent
  once the server behaves;
- SMTP down, then up: every mail queued meanwhile is delivered once;
- no worker, then one: the tasks queued meanwhile run.

Retries come TASKS_RETRY_SECONDS (0.2 s here) apart, doubling, so the module
runs in seconds; the rules are the same as with the default two minutes.
"""

import json
import secrets
import socketserver
import sqlite3
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests import servers
from tests.fakes.akismet_server import FakeAkismet
from tests.helpers import Inbox
from tests.security import figures

pytestmark = pytest.mark.once

HANG_GUARD = 90  # seconds: a wait this long means the thing never happens
EMAIL_TIMEOUT = 1  # seconds per SMTP step (EMAIL_URL ?timeout=)
DELIVER = "comments.tasks.deliver"
NOTIFY = "comments.tasks.notify_about_comment"

# The seed post's form fields, the address of a guest with an approved comment
# (so that only Akismet can hold their comments), and an empty task queue
# (load_demo queued the demo's own mails and index updates).
SETUP = """
from blog.models import BlogPage
from comments.forms import CommentForm
from comments.models import Comment
from django_tasks_db.models import DBTaskResult
post = BlogPage.objects.live().get(slug=slug)
known = (Comment.objects.approved().filter(user__isnull=True, kind=Comment.Kind.COMMENT)
         .exclude(user_email="").order_by("pk").first())
DBTaskResult.objects.all().delete()
result({"security": CommentForm(post).generate_security_data(), "email": known.user_email,
        "path": post.url})
"""

# The status and its reason of the comments with these texts.
STATUS = """
from comments.models import Comment
found = {}
for text in texts:
    comment = Comment.objects.filter(comment=text).first()
    if comment is not None:
        found[text] = {"status": comment.status, "reason": comment.status_reason}
result(found)
"""


class SilentServer(socketserver.ThreadingTCPServer):
    """Accepts TCP connections and never says a word, until closed."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), _Silence)
        self.accepted = 0
        self.closing = threading.Event()

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self):
        self.closing.set()
        self.shutdown()
        self.server_close()


class _Silence(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.accepted += 1
        self.server.closing.wait(HANG_GUARD)


class MailPort:
    """The one port EMAIL_URL names: nothing listening, a silent server, or
    aiosmtpd with a fresh Inbox."""

    def __init__(self):
        self.port = servers.free_port()
        self.silent_server = None
        self.controller = None
        self.inbox = Inbox()

    def down(self):
        if self.silent_server is not None:
            self.silent_server.close()
            self.silent_server = None
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def silent(self):
        self.down()
        self.silent_server = SilentServer(self.port).start()
        return self.silent_server

    def up(self):
        self.down()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self.inbox


class Worker:
    """`manage.py db_worker`, as the README runs it, started and stopped at will."""

    def __init__(self, env):
        self.env = env
        self.process = None

    def start(self):
        if self.process is not None and self.process.running:
            return
        handle, path = tempfile.mkstemp(prefix="db-worker-", suffix=".log")
        log = Path(path)
        with open(handle, "ab") as output:
            proc = subprocess.Popen(
                [servers.PYTHON, "manage.py", "db_worker", "--no-reload", "--skip-checks"]
                + ["--interval", "0.1", "--no-startup-delay"],
                cwd=servers.REPO,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.process = servers.Server(url="", port=0, proc=proc, log=log)

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process.log.unlink(missing_ok=True)
            self.process = None

    def log_text(self):
        return self.process.log_text() if self.process is not None else ""


class Database:
    """The app's SQLite file, read directly: a shell per poll would take seconds."""

    def __init__(self, path):
        self.path = path

    def _query(self, sql, *params):
        with closing(sqlite3.connect(self.path, timeout=20)) as db:
            return db.execute(sql, params).fetchall()

    def comment_ids(self, marker):
        rows = self._query("SELECT id FROM django_comments WHERE comment LIKE ?", f"%{marker}%")
        return {row[0] for row in rows}

    def tasks(self, comment_ids):
        """(task path, status, args, error) of every notify and deliver task
        (each try) about these comments; the error is the exception's class and
        the last line of its traceback."""
        found = []
        for path, status, args_kwargs, error, trace in self._query(
            "SELECT task_path, status, args_kwargs, exception_class_path, traceback "
            "FROM django_tasks_database_dbtaskresult WHERE task_path IN (?, ?)",
            NOTIFY,
            DELIVER,
        ):
            args = json.loads(args_kwargs)["args"]
            about = args[0] if path == NOTIFY else args[1]
            if about in comment_ids:
                last_line = (trace or "").strip().rsplit("\n", 1)[-1]
                found.append((path, status, args, f"{error}: {last_line}"))
        return found


@dataclass
class Site:
    env: dict
    app: servers.Server
    worker: Worker
    mail: MailPort
    akismet: FakeAkismet
    db: Database
    security: dict
    known_email: str
    post_path: str

    def comment(self, text):
        """A comment from the known guest, as a new reader sends it."""
        data = {
            **self.security,
            "name": "Stammleserin",
            "email": self.known_email,
            "url": "",
            "comment": text,
            "reply_to": "0",
            "honeypot": "",
        }
        headers = {"Origin": self.app.url}
        with httpx.Client(base_url=self.app.url, timeout=60) as reader:
            return reader.post("/comments/post/", data=data, headers=headers)


def wait_for(condition, what, site):
    """Poll until `condition()` is true; fail with the worker's log if it never is."""
    deadline = time.monotonic() + HANG_GUARD
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}\nworker log:\n{site.worker.log_text()}")
        time.sleep(0.1)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    database = tmp / "db.sqlite3"
    static_root = tmp_path_factory.getbasetemp() / "gunicorn-static"  # shared, read-only
    with ExitStack() as cleanup:
        mail = MailPort()
        cleanup.callback(mail.down)
        akismet = FakeAkismet().start()
        cleanup.callback(akismet.server_close)
        cleanup.callback(akismet.shutdown)
        env = servers.app_env(
            tmp,
            database_url=f"sqlite:///{database}",
            extra={
                "STATIC_ROOT": static_root,
                "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}?timeout={EMAIL_TIMEOUT}",
                "TASKS_RETRY_SECONDS": 0.2,
                "TASKS_MAX_ATTEMPTS": 12,
                "AKISMET_API_KEY": "test-key",
                "AKISMET_ENDPOINT": akismet.url,
                # Longer than the fake's 1.5 s between two bytes of a trickled
                # answer: only a deadline for the whole call cuts it off.
                "AKISMET_TIMEOUT": 2,
                "COMMENTS_FLOOD_SECONDS": 0,
                "COMMENTS_RATE_LIMIT": "1000/600",
            },
        )
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        if not (static_root / "staticfiles.json").exists():
            servers.manage(env, "collectstatic", "--noinput", "-v", "0", "--skip-checks")
        servers.manage(env, "load_demo", "-v", "0", "--skip-checks")
        setup = servers.shell(env, SETUP, slug=servers.SEED_PATH.strip("/"))
        app = cleanup.enter_context(servers.start_gunicorn(env, workers=2, timeout=180))
        worker = Worker(env)
        cleanup.callback(worker.stop)
        yield Site(
            env=env,
            app=app,
            worker=worker,
            mail=mail,
            akismet=akismet,
            db=Database(database),
            security=setup["security"],
            known_email=setup["email"],
            post_path=setup["path"],
        )


def marker():
    return f"F{secrets.token_hex(5)}"


def all_done(site, ids):
    """The tasks about these comments, once none is waiting or running."""
    tasks = site.db.tasks(ids)
    waiting = [t for t in tasks if t[1] in ("READY", "RUNNING")]
    return tasks if tasks and not waiting else None


def due_mails(tasks):
    """Each mail the comments called for: (kind, comment id, recipient id)."""
    return {tuple(args[:3]) for path, _, args, _ in tasks if path == DELIVER}


def delivered(site, texts):
    """For each text, the addresses of the messages that carry it, in order."""
    found = {text: [] for text in texts}
    for message in site.mail.inbox.messages:
        body = message.get_body(preferencelist=("plain",)).get_content()
        for text in texts:
            if text in body:
                found[text].append(str(message["To"]))
    return found


def mail_audit(site, texts, tasks):
    """Missing and duplicated mails of these comments: each due mail must have
    arrived exactly once (one recipient per message, one message per recipient)."""
    ids = {}
    for text in texts:
        (ids[text],) = site.db.comment_ids(text)
    due = due_mails(tasks)
    got = delivered(site, texts)
    missing = duplicated = 0
    for text in texts:
        wanted = sum(1 for _, comment_id, _ in due if comment_id == ids[text])
        addresses = got[text]
        duplicated += len(addresses) - len(set(addresses))
        missing += max(wanted - len(set(addresses)), 0)
    return len(due), missing, duplicated


def test_akismet_trickling_or_down_holds_the_comment(site):
    """A known guest's comment is held when Akismet trickles its answer (no
    single read times out; the deadline for the whole call cuts it off) or
    does not answer at all: stored, not published, and the reader gets the
    usual redirect, not a 500."""
    site.akismet.mode = "trickle"
    trickled = f"Langsam {marker()}"
    answers = [site.comment(trickled).status_code]
    site.akismet.shutdown()  # and nothing listens on its port any more
    site.akismet.server_close()
    unreachable = f"Weg {marker()}"
    answers.append(site.comment(unreachable).status_code)
    statuses = servers.shell(site.env, STATUS, texts=[trickled, unreachable])
    page = httpx.get(site.app.url + site.post_path, timeout=60)
    shown = [text for text in (trickled, unreachable) if text in page.text]
    held = [
        text
        for text in (trickled, unreachable)
        if statuses.get(text, {}).get("status") == "pending"
        and "Akismet" in statuses[text]["reason"]
    ]
    figures.record(
        "Faults",
        "comments while Akismet trickles or is down: not held, lost or published",
        tried=2,
        failed=2 - len(set(held) - set(shown)) + sum(code != 303 for code in answers),
        database="sqlite",
    )
    assert answers == [303, 303]
    assert page.status_code == 200
    assert shown == []
    assert held == [trickled, unreachable], statuses


def test_tasks_queued_while_no_worker_runs_run_once_it_starts(site):
    site.worker.stop()
    site.mail.up()
    texts = [f"Ohne Arbeiter {marker()}" for _ in range(3)]
    answers = [site.comment(text).status_code for text in texts]
    ids = set().union(*(site.db.comment_ids(text) for text in texts))
    queued = site.db.tasks(ids)
    # Nothing ran in the request: the tasks wait, and no mail left.
    assert answers == [303] * 3
    assert [t[:2] for t in queued] == [(NOTIFY, "READY")] * 3
    assert site.mail.inbox.envelopes == []

    site.worker.start()
    tasks = wait_for(lambda: all_done(site, ids), "the queued tasks ran", site)
    due, missing, duplicated = mail_audit(site, texts, tasks)
    failed_tasks = [t for t in tasks if t[1] != "SUCCESSFUL"]
    figures.record(
        "Faults",
        "tasks queued while no worker ran: not run, or their mails lost or doubled",
        tried=len(tasks),
        failed=len(failed_tasks) + missing + duplicated,
        database="sqlite",
    )
    assert failed_tasks == []
    assert due >= len(texts)  # at least the post's author hears of each comment
    assert (missing, duplicated) == (0, 0)


def test_an_smtp_server_that_never_greets_does_not_hold_up_the_worker(site):
    """One worker. The first comment's mail meets a server that accepts and
    says nothing: the worker gives up after EMAIL_TIMEOUT and queues a retry.
    It then runs the next comment's tasks; when the server behaves, each mail
    is sent once."""
    site.worker.start()
    silent = site.mail.silent()
    first, second = f"Stumm {marker()}", f"Danach {marker()}"
    assert site.comment(first).status_code == 303
    (first_id,) = site.db.comment_ids(first)

    def timed_out(comment_id):
        tasks = site.db.tasks({comment_id})
        return [t for t in tasks if t[0] == DELIVER and t[1] == "FAILED" and "timed out" in t[3]]

    wait_for(lambda: timed_out(first_id), "the first mail gave up on the silent server", site)
    assert site.comment(second).status_code == 303
    (second_id,) = site.db.comment_ids(second)
    # The worker moved on: the next comment's tasks ran, its mail tried too.
    wait_for(lambda: timed_out(second_id), "the worker went on to the next comment", site)
    notified = [t for t in site.db.tasks({second_id}) if t[0] == NOTIFY]
    assert [t[1] for t in notified] == ["SUCCESSFUL"]
    assert silent.accepted >= 2

    site.mail.up()
    ids = {first_id, second_id}
    tasks = wait_for(lambda: all_done(site, ids) if _sent(site, ids) else None, "sent", site)
    due, missing, duplicated = mail_audit(site, [first, second], tasks)
    figures.record(
        "Faults",
        "mails behind an SMTP server that never greets: worker stuck, mail lost or doubled",
        tried=due,
        failed=missing + duplicated,
        database="sqlite",
    )
    assert (missing, duplicated) == (0, 0)


def _sent(site, ids):
    """Every due mail of these comments has a successful try."""
    tasks = site.db.tasks(ids)
    done = {tuple(args[:3]) for path, status, args, _ in tasks if status == "SUCCESSFUL"}
    return due_mails(tasks) <= done


def test_mails_queued_while_smtp_is_down_are_delivered_once_it_is_up(site):
    site.worker.start()
    site.mail.down()
    texts = [f"Kein Server {marker()}" for _ in range(3)]
    assert [site.comment(text).status_code for text in texts] == [303] * 3
    ids = set().union(*(site.db.comment_ids(text) for text in texts))

    def refused():
        failed = [t for t in site.db.tasks(ids) if t[0] == DELIVER and t[1] == "FAILED"]
        return {t[2][1] for t in failed} == ids

    wait_for(refused, "each comment's mail failed while SMTP was down", site)
    site.mail.up()
    tasks = wait_for(lambda: all_done(site, ids) if _sent(site, ids) else None, "sent", site)
    due, missing, duplicated = mail_audit(site, texts, tasks)
    figures.record(
        "Faults",
        "mails queued while SMTP was down, then up: lost or doubled",
        tried=due,
        failed=missing + duplicated,
        database="sqlite",
    )
    assert due >= len(texts)
    assert (missing, duplicated) == (0, 0)
