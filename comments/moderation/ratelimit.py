"""Requests per key (an IP address, a source host) in a time window, counted
in the cache so that all web processes share the count when the cache is Redis."""

from django.conf import settings
from django.core.cache import cache

from comments.readers import client_ip


def _limit(spec):
    count, seconds = spec.split("/")
    return int(count), int(seconds)


def hit(bucket, key, spec):
    """Count one request for `key`; True when it has used up its window."""
    count, seconds = _limit(spec)
    if not count or not key:
        return False
    name = f"kommentar:{bucket}:{key}"
    if cache.add(name, 1, timeout=seconds):
        return False
    try:
        return cache.incr(name) > count
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=seconds)
        return False


def exceeded(request):
    """Comment posts per IP address."""
    return hit("comment-posts", client_ip(request), settings.COMMENTS_RATE_LIMIT)


def linkback_exceeded(ip, source_host):
    """Linkbacks per IP address and per source host; both are counted."""
    by_ip = hit("linkbacks-ip", ip, settings.LINKBACKS_RATE_LIMIT)
    by_host = hit("linkbacks-host", (source_host or "").lower(), settings.LINKBACKS_RATE_LIMIT)
    return by_ip or by_host
