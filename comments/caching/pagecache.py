"""The page cache that the web server serves, as WP Super Cache does: a page an
anonymous reader got is written to a file, and nginx hands that file to the
next anonymous reader without asking Python (deploy/nginx/kommentar.conf).

A file is `<PAGE_CACHE_DIR><path>index.<language><suffix>.html`: the suffix
names the page of a discussion or a listing (`-cpage-2`, `-page-3`), the one
query string nginx looks up. nginx tells the app in `X-Page-Cache-Language`
which language it will look for; the app writes the file only when it chose
the same language, so a reader never gets a page in a language nginx guessed
differently. Any change empties the whole directory once it is committed:
pages show comment counts, sidebars and feeds of other pages, so "the pages a
change affects" is, on a blog, nearly all of them, and rendering them again
costs less than finding them."""

import logging
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

LANGUAGE_HEADER = "HTTP_X_PAGE_CACHE_LANGUAGE"
PERSONAL_COOKIES = ("sessionid", "kommentar_author", "messages", "django_language")
_PAGE_QUERY = re.compile(r"^(cpage|page)=([1-9][0-9]{0,5})$")
_SAFE_PATH = re.compile(r"^/(?:[^/\x00-\x1f\\]+/)*$")


def directory() -> Path | None:
    configured = getattr(settings, "PAGE_CACHE_DIR", "")
    return Path(configured) if configured else None


def is_personal(request) -> bool:
    """A reader whose page may differ from everyone else's: logged in, with a
    session (their own comments, a draft), "remember me", a language choice."""
    names = {settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, *PERSONAL_COOKIES}
    return any(name in request.COOKIES for name in names)


def query_suffix(query_string: str) -> str | None:
    """The file name part for a query string nginx looks up, None for any other."""
    if not query_string:
        return ""
    found = _PAGE_QUERY.match(query_string)
    return f"-{found[1]}-{found[2]}" if found else None


def file_for(request, language: str) -> Path | None:
    root = directory()
    suffix = query_suffix(request.META.get("QUERY_STRING", ""))
    path = request.path
    if root is None or suffix is None or not _SAFE_PATH.match(path):
        return None
    if any(part in {".", ".."} for part in path.split("/")):
        return None
    return root / path.lstrip("/") / f"index.{language}{suffix}.html"


def wanted_language(request) -> str | None:
    """The language nginx will look the page up in, if it asked for a file at all."""
    language = request.META.get(LANGUAGE_HEADER, "")
    return language if language in dict(settings.LANGUAGES) else None


def store(target: Path, content: bytes):
    """Write atomically: nginx sees the whole page or none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def discard(target: Path):
    target.unlink(missing_ok=True)


def clear():
    """Empty the cache: move the directory aside (one step, so nginx never
    serves half of an old generation), then delete it."""
    root = directory()
    if root is None or not root.exists():
        return
    retired = root.with_name(f"{root.name}.old-{uuid.uuid4().hex}")
    try:
        root.rename(retired)
    except FileNotFoundError:
        return  # another process cleared it first
    except OSError:
        log.exception("Could not move the page cache %s aside; deleting in place", root)
        retired = root
    shutil.rmtree(retired, ignore_errors=True)
