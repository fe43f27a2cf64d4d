"""Posts per IP address in a time window, counted in the cache so that all
web processes share the count when the cache is Redis."""

from django.conf import settings
from django.core.cache import cache

from comments.posting import client_ip


def _limit():
    count, seconds = settings.COMMENTS_RATE_LIMIT.split("/")
    return int(count), int(seconds)


def exceeded(request):
    """Count this request; True when its address has used up the window."""
    count, seconds = _limit()
    ip = client_ip(request)
    if not count or ip is None:
        return False
    key = f"kommentar:comment-posts:{ip}"
    if cache.add(key, 1, timeout=seconds):
        return False
    try:
        return cache.incr(key) > count
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return False
