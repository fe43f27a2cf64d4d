"""Settings come from the environment; check what each variable turns into."""

import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from pathlib import Path

import django_rq
import environ
import pytest
from aiosmtpd.controller import Controller
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection, send_mail
from django.core.management import call_command
from django.db import connections
from django_tasks import task_backends
from django_tasks_rq.backend import Job
from rq import SimpleWorker

from config import env as from_env
from tests.config.jobs import remember
from tests.services import require_redis

BASE_DIR = Path(__file__).resolve().parents[2]


def make_env(monkeypatch, **variables):
    for name in ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "EMAIL_URL", "TASKS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def test_sqlite_is_the_default_with_wal_and_a_busy_timeout(
    monkeypatch, tmp_path, django_db_blocker
):
    config = from_env.database(make_env(monkeypatch), tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    connections.settings["wal_check"] = {**connections.settings["default"], **config}
    with django_db_blocker.unblock():
        connection = connections.create_connection("wal_check")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
        connection.close()
    del connections.settings["wal_check"]


def test_postgres_url(monkeypatch, tmp_path):
    env = make_env(monkeypatch, DATABASE_URL="postgres://postgres@127.0.0.1:5432/kommentar")
    config = from_env.database(env, tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "kommentar")
    assert "init_command" not in config.get("OPTIONS", {})


def test_cache_defaults_to_local_memory(monkeypatch):
    assert from_env.cache(make_env(monkeypatch))["BACKEND"].endswith("LocMemCache")


def test_redis_url_alone_selects_redis(monkeypatch):
    config = from_env.cache(make_env(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/2"))
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/2"


def test_cache_url_wins_over_redis_url(monkeypatch):
    env = make_env(monkeypatch, REDIS_URL="redis://x:6379/0", CACHE_URL="dummycache://")
    assert from_env.cache(env)["BACKEND"].endswith("DummyCache")


def test_redis_cache_works_against_a_real_redis(monkeypatch, settings):
    url = require_redis()
    config = from_env.cache(make_env(monkeypatch, REDIS_URL=url))
    settings.CACHES = {**settings.CACHES, "redis_check": config}
    cache = caches["redis_check"]
    cache.set("kommentar-test", {"ä": 1}, 30)
    assert cache.get("kommentar-test") == {"ä": 1}
    cache.delete("kommentar-test")


def test_email_defaults(monkeypatch, tmp_path):
    assert from_env.email(make_env(monkeypatch), debug=True)["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    to_files = from_env.email(make_env(monkeypatch), debug=True, mail_dir=tmp_path)
    assert to_files == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    chosen = make_env(monkeypatch, EMAIL_URL="smtp://127.0.0.1:2525")
    assert from_env.email(chosen, debug=True, mail_dir=tmp_path)["EMAIL_PORT"] == 2525
    assert from_env.email(make_env(monkeypatch), debug=False)["EMAIL_BACKEND"].endswith(
        "smtp.EmailBackend"
    )


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_smtp_email_url_delivers_to_a_real_smtp_server(monkeypatch):
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = from_env.email(make_env(monkeypatch, EMAIL_URL=f"smtp://127.0.0.1:{port}"), False)
        connection = get_connection(
            config["EMAIL_BACKEND"], host=config["EMAIL_HOST"], port=config["EMAIL_PORT"]
        )
        send_mail(
            "Hallo", "Text", "blog@example.org", ["reader@example.org"], connection=connection
        )
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["reader@example.org"]
    assert message_from_bytes(inbox.messages[0].content)["Subject"] == "Hallo"


def test_tasks_backend_choice(monkeypatch):
    assert from_env.tasks(make_env(monkeypatch))["default"]["BACKEND"] == (
        "django_tasks_db.DatabaseBackend"
    )
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        from_env.tasks(make_env(monkeypatch, TASKS_BACKEND="celery"))


@pytest.mark.django_db(transaction=True)
def test_database_task_backend_runs_queued_tasks_in_the_worker(settings):
    """The worker closes connections between tasks, so this needs real commits."""
    settings.TASKS = {"default": from_env.TASK_BACKENDS["database"]}
    result = remember.enqueue("task-check", "done")
    assert task_backends["default"].get_result(result.id).status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert task_backends["default"].get_result(result.id).status == "SUCCESSFUL"
    assert caches["default"].get("task-check") == "done"


def test_missing_secret_key_fails_loudly(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": str(tmp_path / "none.env"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_rq_task_backend_runs_tasks_through_a_real_redis(settings):
    url = require_redis()
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {"default": from_env.TASK_BACKENDS["rq"]}
    django_rq.get_queue("default").empty()
    result = remember.enqueue("rq-check", "via redis")
    assert result.status == "READY"
    django_rq.get_worker("default", worker_class=SimpleWorker, job_class=Job).work(burst=True)
    assert task_backends["default"].get_result(result.id).status == "SUCCESSFUL"
    assert caches["default"].get("rq-check") == "via redis"


def test_social_providers_come_from_the_environment(monkeypatch):
    env = make_env(monkeypatch)
    providers = from_env.social_providers(env)
    assert "APPS" not in providers.get("facebook", {})
    assert "github" not in providers
    env = make_env(
        monkeypatch,
        FACEBOOK_CLIENT_ID="fb",
        FACEBOOK_CLIENT_SECRET="s",
        GITHUB_CLIENT_ID="gh",
        GITHUB_CLIENT_SECRET="s",
        OIDC_CLIENT_ID="kc",
        OIDC_SERVER_URL="https://sso.example/realms/blog",
    )
    providers = from_env.social_providers(env)
    assert providers["facebook"]["APPS"] == [{"client_id": "fb", "secret": "s"}]
    assert providers["github"]["APPS"][0]["client_id"] == "gh"
    assert "google" not in providers
    oidc = providers["openid_connect"]["APPS"][0]
    assert oidc["settings"]["server_url"] == "https://sso.example/realms/blog"


def test_provider_without_credentials_shows_no_button(client, post, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = client.get(post.url).content.decode()
    assert "comment-login__button--facebook" not in html
    assert "comment-login__button--account" in html


def test_email_timeout_comes_from_the_environment_or_the_url(monkeypatch):
    def timeout(**variables):
        return from_env.email(make_env(monkeypatch, **variables), debug=False)["EMAIL_TIMEOUT"]

    assert timeout(EMAIL_URL="smtp://mail.example.org:25") == from_env.EMAIL_TIMEOUT
    assert timeout(EMAIL_URL="smtp://mail.example.org:25", EMAIL_TIMEOUT="3") == 3
    assert timeout(EMAIL_URL="smtp://mail.example.org:25/?timeout=4") == 4


def test_a_server_that_never_greets_does_not_hold_the_sender(settings):
    """It accepts the connection and says nothing: the send fails instead of
    waiting for as long as the server keeps the socket open."""
    silent = socket.create_server(("127.0.0.1", 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 1
    outcome = []

    def send():
        try:
            send_mail("Betreff", "Text", "blog@example.org", ["leserin@example.org"])
        except OSError as error:  # socket.timeout, SMTPServerDisconnected
            outcome.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(60)
    silent.close()
    assert not sender.is_alive()
    assert outcome


def _deploy_check(tmp_path, **variables):
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in variables.items()))
    env = {"PATH": "/usr/bin:/bin", "ENV_FILE": str(env_file)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_the_readmes_production_settings_pass_the_deploy_check(tmp_path):
    """The README's .env for production: `check --deploy` finds no security issue."""
    output = _deploy_check(
        tmp_path,
        SECRET_KEY="k" * 20 + "Q7m2Zp9xL4vB8nR1tY6wE3sD5fG0hJ" + "k" * 20,
        ALLOWED_HOSTS="blog.example.org",
        CSRF_TRUSTED_ORIGINS="https://blog.example.org",
        TRUSTED_PROXIES="127.0.0.1",
        BASE_URL="https://blog.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert "security." not in output, output
    assert "System check identified" in output or "no issues" in output
