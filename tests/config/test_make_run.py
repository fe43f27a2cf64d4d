"""`make run` as a newcomer meets it: the Akismet warning once (from
runserver, not from every helper command), the admin's password last, once
the blog answers, and a way to set a new one."""

import http.server
import re
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from blog.management.commands.admin_password import _wait_until_up
from tests.helpers import free_port

PASSWORD = re.compile(r"password: (\S+)")


def _recipe(target):
    text = Path(settings.BASE_DIR, "Makefile").read_text()
    block = text.split(f"\n{target}:", 1)[1]
    return block.split("\n\n", 1)[0]


def test_only_runserver_runs_the_system_checks_in_make_run():
    commands = re.findall(r"manage\.py (\w+)[^;&\n]*", _recipe("run"))
    lines = re.findall(r"manage\.py \w+[^;&\n]*", _recipe("run"))
    assert "runserver" in commands and "admin_password" in commands
    for line in lines:
        assert ("--skip-checks" in line) != line.startswith("manage.py runserver"), line


def test_the_password_comes_after_the_server_starts():
    recipe = _recipe("run")
    assert recipe.index("runserver") < recipe.index("admin_password --if-missing --wait-for")


def _password(*args):
    out = StringIO()
    call_command("admin_password", *args, stdout=out)
    found = PASSWORD.search(out.getvalue())
    return found.group(1) if found else None


@pytest.mark.django_db
def test_admin_password_creates_then_replaces():
    first = _password("--if-missing")
    assert first and authenticate(username="admin", password=first)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert _password("--if-missing") is None  # shown once only
    second = _password()
    assert second and second != first
    assert authenticate(username="admin", password=second)
    assert not authenticate(username="admin", password=first)


def test_waiting_ends_when_the_server_answers_or_the_time_is_up():
    port = free_port()
    assert _wait_until_up(f"http://127.0.0.1:{port}/", seconds=1) is False
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/no-such-file"
        assert _wait_until_up(url, seconds=30) is True  # a 404 is an answer
    finally:
        server.shutdown()
        server.server_close()
