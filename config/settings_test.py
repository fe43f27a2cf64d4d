"""Test settings: fast, isolated, and never reaching outside this machine."""

import os
import secrets
import tempfile
from pathlib import Path

# A fresh key per test run: tests need one, and none is ever committed.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("TASKS_BACKEND", "immediate")

from config.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_CODE = "de"
AKISMET_API_KEY = ""
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
WXR_IMPORT_DIR = Path(tempfile.mkdtemp(prefix="kommentar-wxr-"))
LOGGING["root"]["level"] = "WARNING"
AKISMET_PRODUCTION = False
# Tests post many comments from 127.0.0.1 in a second; flood and rate-limit
# tests switch these on for themselves.
COMMENTS_FLOOD_SECONDS = 0
COMMENTS_RATE_LIMIT = "10000/600"

# A file, not memory, for SQLite test databases: live-server tests then use
# one connection per thread, as production does, with WAL and a busy timeout.
# One file per run, so that two runs on one machine never share a database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _test_db = Path(tempfile.gettempdir()) / f"kommentar-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}

# Facebook, faked on loopback: the `fake_facebook` fixture (tests/conftest.py)
# starts tests/fakes/facebook_server.py on a free port and points these URLs at
# it. Until then they name port 9 (discard) on loopback, where nothing listens:
# a test that forgets the fixture is refused at once and never reaches Facebook.
SOCIALACCOUNT_PROVIDERS = {
    "facebook": {
        "APPS": [{"client_id": "fake-app", "secret": "fake-secret"}],
        "GRAPH_API_URL": "http://127.0.0.1:9/v19.0",
        "AUTHORIZE_URL": "http://127.0.0.1:9/dialog/oauth",
        "FIELDS": ["id", "email", "name", "first_name", "last_name", "picture"],
    }
}
