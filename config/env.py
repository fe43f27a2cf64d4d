"""Turn environment variables into Django setting values.

Kept apart from settings.py so that tests can feed in any environment and
check the result, instead of trusting whatever the test process started with.
"""

from pathlib import Path

import environ

SQLITE_OPTIONS = {
    # WAL lets readers continue while one writer writes; IMMEDIATE transactions
    # and a busy timeout make concurrent writers wait instead of failing with
    # "database is locked" (web process and task worker share one file).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database(env: environ.Env, base_dir: Path) -> dict:
    config = env.db("DATABASE_URL", default=f"sqlite:///{base_dir / 'db.sqlite3'}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        for key, value in SQLITE_OPTIONS.items():
            config["OPTIONS"].setdefault(key, value)
    # A connection per request costs more than the request (SQLite reads the
    # schema again each time); keep one per thread, and check it before reuse.
    config.setdefault("CONN_MAX_AGE", 600)
    config.setdefault("CONN_HEALTH_CHECKS", True)
    return config


def cache(env: environ.Env) -> dict:
    """CACHE_URL wins; REDIS_URL alone is enough to use Redis."""
    if env.str("CACHE_URL", default=""):
        return env.cache("CACHE_URL")
    if env.str("REDIS_URL", default=""):
        return env.cache("REDIS_URL")
    return env.cache_url_config("locmemcache://kommentar")


EMAIL_TIMEOUT = 10


def email(env: environ.Env, debug: bool, mail_dir: Path | None = None) -> dict:
    """EMAIL_URL; without one, DEBUG writes each mail to a file in `mail_dir`
    (readable with `make mail`, not mixed into the log) and production uses
    the local SMTP server."""
    if debug and mail_dir is not None and not env.str("EMAIL_URL", default=""):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    default = "consolemail://" if debug else "smtp://localhost:25"
    config = env.email_url("EMAIL_URL", default=default)
    # A server that accepts the connection and never answers must not hold a
    # worker forever: EMAIL_TIMEOUT seconds per network operation, unless the
    # URL sets one (?timeout=).
    from_url = config.get("OPTIONS", {}).pop("TIMEOUT", None)
    config["EMAIL_TIMEOUT"] = int(from_url or env.int("EMAIL_TIMEOUT", default=EMAIL_TIMEOUT))
    if not config.get("OPTIONS"):
        config.pop("OPTIONS", None)
    return config


TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}


def tasks(env: environ.Env) -> dict:
    name = env.str("TASKS_BACKEND", default="database")
    if name not in TASK_BACKENDS:
        choices = ", ".join(sorted(TASK_BACKENDS))
        raise environ.ImproperlyConfigured(
            f"TASKS_BACKEND={name!r} is not known; use one of: {choices}"
        )
    return {"default": dict(TASK_BACKENDS[name])}


def social_providers(env: environ.Env) -> dict:
    """Each OAuth provider whose client id and secret are set, as allauth wants it.
    A provider without credentials gets no entry, and so no login button."""
    providers = {}
    for name in ("facebook", "github", "google"):
        prefix = name.upper()
        client_id = env.str(f"{prefix}_CLIENT_ID", default="")
        secret = env.str(f"{prefix}_CLIENT_SECRET", default="")
        if client_id and secret:
            providers[name] = {"APPS": [{"client_id": client_id, "secret": secret}]}
    facebook = providers.setdefault("facebook", {})
    facebook["FIELDS"] = ["id", "email", "name", "first_name", "last_name", "picture"]
    for key in ("GRAPH_API_URL", "AUTHORIZE_URL"):
        value = env.str(f"FACEBOOK_{key}", default="")
        if value:
            facebook[key] = value
    oidc_id = env.str("OIDC_CLIENT_ID", default="")
    oidc_url = env.str("OIDC_SERVER_URL", default="")
    if oidc_id and oidc_url:
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": env.str("OIDC_PROVIDER_ID", default="oidc"),
                    "name": env.str("OIDC_NAME", default="OpenID Connect"),
                    "client_id": oidc_id,
                    "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                    "settings": {"server_url": oidc_url},
                }
            ]
        }
    return providers
