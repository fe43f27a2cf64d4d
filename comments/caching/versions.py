"""Versions of what readers see. Each change moves "site" forward, and the
post's own version when it touches one post; caches key their entries on the
versions they were built from, so a change shows at once without anyone
having to find and delete the stale entries. The versions live in the
database, in the transaction of the change: a render that read the old ones
can only ever fill an entry nobody will ask for again."""

import datetime
import hashlib
import os
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from comments.caching import pagecache
from comments.caching.models import ContentVersion
from comments.models.post import post_model

SITE = "site"
# What does not show comments (a post's text, the sidebar): moved by posts,
# pages, settings and tags, not by comments.
POSTS = "posts"
# When the next post dated in the future comes due: nothing is saved then, so
# the first request after that moment moves the site's version itself.
REVEAL = "reveal"
_SOURCE_DIRS = ("blog", "comments", "config", "templates", "locale")
_SOURCE_SUFFIXES = (".py", ".html", ".mo", ".txt", ".xml", ".json")
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def post_key(post_pk) -> str:
    return f"post:{post_pk}"


def bump(*post_pks, all_posts=False, content=False):
    """Record a change of the site, of these posts' discussions, or of every
    post; `content` when more than comments changed (a post, a page, settings).
    The page cache is emptied once the change is committed."""
    now = timezone.now()
    keys = [SITE, *(post_key(pk) for pk in dict.fromkeys(str(pk) for pk in post_pks))]
    if content or all_posts:
        keys.append(POSTS)
    ContentVersion.objects.bulk_create(
        [ContentVersion(key=key, changed_at=now) for key in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["changed_at"],
    )
    if all_posts:
        ContentVersion.objects.filter(key__startswith="post:").update(changed_at=now)
    transaction.on_commit(pagecache.clear)


def schedule_reveal():
    """Note when the next live post dated in the future comes due, if any."""
    due = (
        post_model()
        .objects.live()
        .filter(date__gt=timezone.now())
        .aggregate(first=Min("date"))["first"]
    )
    if due is None:
        ContentVersion.objects.filter(key=REVEAL).delete()
    else:
        ContentVersion.objects.update_or_create(key=REVEAL, defaults={"changed_at": due})


def _reveal_due():
    """A post's date has come: it appears in listings, feeds and sidebars now."""
    with transaction.atomic():
        bump(all_posts=True)
        schedule_reveal()


def reveal_if_due() -> bool:
    """For cron: pages served from the page cache reach no app to notice."""
    due = ContentVersion.objects.filter(key=REVEAL, changed_at__lte=timezone.now()).exists()
    if due:
        _reveal_due()
    return due


def current(request, *keys):
    """The versions of these keys, read once per request in one query; a key
    never bumped has a fixed old version. Reading the site's version also
    notices a post whose date has come."""
    known = request.__dict__.setdefault("_content_versions", {})
    missing = [key for key in keys if key not in known]
    if missing:
        # The site's version comes with the others every page needs, in one query.
        wanted = [*missing, REVEAL, POSTS] if SITE in missing else missing
        found = dict(
            ContentVersion.objects.filter(key__in=wanted).values_list("key", "changed_at")
        )
        if SITE in missing and found.get(REVEAL) and found[REVEAL] <= timezone.now():
            _reveal_due()
            found[SITE], found[POSTS] = fresh(SITE), fresh(POSTS)
        if SITE in missing:
            missing.append(POSTS)
        known.update({key: found.get(key, _EPOCH) for key in missing})
    return [known[key] for key in keys]


def fresh(key):
    """The version as it is now, past the request's memory of it."""
    found = ContentVersion.objects.filter(key=key).values_list("changed_at", flat=True).first()
    return found or _EPOCH


def token(moment) -> str:
    """A version as a short string for cache keys and ETags: with the release,
    so that a new release never serves fragments the old templates rendered."""
    return f"{int(moment.timestamp() * 1_000_000):x}-{release()}"


@cache
def release() -> str:
    """Changes when the code, templates or translations do, so that a browser
    does not keep a page the new release would render differently."""
    digest = hashlib.sha256()
    for name in _SOURCE_DIRS:
        for folder, _dirs, files in sorted(os.walk(settings.BASE_DIR / name)):
            for file in sorted(files):
                if file.endswith(_SOURCE_SUFFIXES):
                    stat = os.stat(os.path.join(folder, file))
                    digest.update(f"{folder}/{file}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
