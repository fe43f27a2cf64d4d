"""Shared caching of anonymous pages: conditional answers (ETag, Last-Modified,
304 without rendering), Cache-Control a CDN can honour, and the page-cache
file nginx serves. Placed right after WhiteNoise, it sees the finished response
with every cookie the inner middleware set, and refuses to share any response
that sets one."""

from django.utils import timezone, translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from comments.caching import pagecache, sites, versions
from comments.federation import advertise

SHARED_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml")
# Paths that are never a reader's page: no version to read, no headers to add.
_NEVER_SHARED = ("/admin/", "/django-admin/", "/accounts/", "/comments/avatar/", "/documents/")
# What a shared page varies by, in the order nginx's cached files say it
# (deploy/nginx/kommentar.conf): Accept because a post's URL also serves its
# ActivityPub JSON to a client that asks for that.
SHARED_VARY = ("Accept", "Accept-Language", "Cookie")


def etag_for(site_version, language) -> str:
    """What an anonymous page depends on besides its URL: the site's version,
    the language, the release, and the day (comments close after N days)."""
    day = timezone.localdate().isoformat()
    return f'W/"{versions.token(site_version)}-{language}-{day}"'


def _shareable(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and content_type in SHARED_TYPES
    )


def _vary_as_shared(response):
    """SHARED_VARY first, in its order, then whatever else the view named."""
    patch_vary_headers(response, SHARED_VARY)
    ours = {name.lower() for name in SHARED_VARY}
    named = cc_delim_re.split(response["Vary"])
    others = [name for name in named if name and name.lower() not in ours]
    response["Vary"] = ", ".join((*SHARED_VARY, *others))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(_NEVER_SHARED):
            return self.get_response(request)
        if advertise.wants_activity_json(request):
            # Another representation than the page's: no 304 by the page's
            # validators, no file, nothing marked shared.
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept",))
            return response
        if pagecache.is_personal(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        site, posts = versions.current(request, versions.SITE, versions.POSTS)
        sites.remember(request, posts)
        language = translation.get_language_from_request(request)
        etag = etag_for(site, language)
        last_modified = int(site.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None and not_modified.status_code == 304:
            self._mark_shared(not_modified, etag, last_modified)
            return not_modified
        response = self.get_response(request)
        if response.status_code == 200:
            sites.learn(request, posts)
        if _shareable(response):
            self._mark_shared(response, etag, last_modified)
            self._write_file(request, response, site, language)
        return response

    @staticmethod
    def _mark_shared(response, etag, last_modified):
        response.headers.setdefault("ETag", etag)
        response.headers.setdefault("Last-Modified", http_date(last_modified))
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        _vary_as_shared(response)

    @staticmethod
    def _write_file(request, response, site, language):
        """Only what nginx will look up, and only if no change came in between:
        a change that commits after the version was read empties the cache
        after this write, or makes this write undo itself."""
        if request.method != "GET" or pagecache.wanted_language(request) != language:
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        target = pagecache.file_for(request, language)
        if target is None:
            return
        pagecache.store(target, response.content)
        if versions.fresh(versions.SITE) != site:
            pagecache.discard(target)
