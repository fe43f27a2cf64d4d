"""CSRF protection that lets one cached page serve every anonymous reader.

A page for a reader without a session carries no token (a token would make it
theirs alone). Forms sent from such a page are checked by origin instead, as
browsers allow today: `Sec-Fetch-Site` says whether the request came from this
site, and `Origin` says from where, on every cross-site POST. A request that has
a session, a logged-in reader's above all, must carry Django's token as usual;
their pages bypass the cache and have one."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from comments.caching import pagecache

_SAME_SITE = {"same-origin", "none"}  # "none": typed, bookmarked, or no browser context


def has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def personal_token(request) -> str:
    """The token for a page that is the reader's own; "" on a shareable page."""
    if pagecache.is_personal(request):
        return get_token(request)
    return ""


def _trusted_origin(request, origin) -> bool:
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    own_scheme = "https" if request.is_secure() else "http"
    return parts.scheme == own_scheme and parts.netloc == request.get_host()


def same_site(request) -> bool:
    """Whether a browser sent this request from one of this site's own pages.
    Clients that send neither header are not browsers and carry no one's cookies
    unknowingly, which is what CSRF abuses."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site in _SAME_SITE
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    return origin != "null" and _trusted_origin(request, origin)


def origin_checked(view):
    """For views that forms on cached pages post to: the origin check without a
    session, Django's token check with one."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            if has_session(request):
                refused = CsrfViewMiddleware(view).process_view(request, None, args, kwargs)
                if refused is not None:
                    return refused
            elif not same_site(request):
                return _refuse(request)
        return view(request, *args, **kwargs)

    return checked


def _refuse(request):
    failure = import_string(settings.CSRF_FAILURE_VIEW)
    return failure(request, reason="Cross-site request without a session.")
