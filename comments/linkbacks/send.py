"""Telling other blogs that a post links to them: which targets a post has,
and one send per target, each outcome recorded on an OutgoingPing."""

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from html import unescape
from urllib.parse import urldefrag, urlsplit
from xml.parsers.expat import ExpatError
from xmlrpc.client import Fault, ResponseError, dumps, loads

from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from comments.linkbacks import discovery, safe_fetch
from comments.linkbacks.models import OutgoingPing, Protocol
from comments.linkbacks.pingback import ALREADY_REGISTERED, UPSTREAM_ERROR
from comments.rendering import strip_controls

logger = logging.getLogger(__name__)
# Publishing while this is set sends nothing: an imported post's links were
# pinged by the blog it comes from, years ago.
_suppressed = ContextVar("linkbacks_suppressed", default=False)


@contextmanager
def suppressed():
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed() -> bool:
    return _suppressed.get()


# A trackback answer is a tiny, fixed XML document: read its two fields only.
_TB_ERROR = re.compile(r"<error>\s*(\d+)\s*</error>")
_TB_MESSAGE = re.compile(r"<message>(.*?)</message>", re.DOTALL)
Outcome = OutgoingPing.Outcome


class Temporary(Exception):
    """Worth another try later: the other side was unreachable or failed."""


class Permanent(Exception):
    """Another try would fail the same way."""


def _origin(url):
    """Scheme-less host and port, default ports filled in: two blogs may share a host."""
    parts = urlsplit(url or "")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return (parts.hostname, port) if parts.hostname else None


def external_links(post):
    """The http(s) links in the post's text that leave this site, in order, once each."""
    own = _origin(post.get_full_url())
    found = []
    for block in post.body:
        if block.block_type != "paragraph":
            continue
        soup = BeautifulSoup(expand_db_html(block.value.source), "html.parser")
        for anchor in soup.find_all("a", href=True):
            url = urldefrag(anchor["href"].strip())[0]
            origin = _origin(url)
            external = urlsplit(url).scheme in ("http", "https") and origin not in (None, own)
            if external and url not in found:
                found.append(url)
    return found


def trackback_targets(post):
    return [line.strip() for line in post.trackback_urls.splitlines() if line.strip()]


def _sync(post, targets, is_trackback):
    """Rows for current targets; a target that left the post is marked, and
    one that comes back is due again."""
    due = []
    for target in targets:
        ping, created = OutgoingPing.objects.get_or_create(
            post=post, target=target[:2000], is_trackback=is_trackback
        )
        if not created and not ping.in_post:
            ping.in_post, ping.outcome, ping.attempts, ping.detail = True, Outcome.QUEUED, 0, ""
            ping.save()
        if ping.outcome in (Outcome.QUEUED, Outcome.FAILED):
            due.append(ping.pk)
    OutgoingPing.objects.filter(post=post, is_trackback=is_trackback, in_post=True).exclude(
        target__in=targets
    ).update(in_post=False)
    return due


def plan(post):
    """The pings to send now for this post."""
    return _sync(post, external_links(post), False) + _sync(post, trackback_targets(post), True)


def _webmention(endpoint, source, target):
    response = safe_fetch.fetch(endpoint, method="POST", data={"source": source, "target": target})
    if response.status in (200, 201, 202):
        return f"HTTP {response.status}"
    if response.status >= 500 or response.status == 429:
        raise Temporary(f"HTTP {response.status}")
    raise Permanent(f"HTTP {response.status}: {response.text[:200].strip()}")


def _pingback(endpoint, source, target):
    body = dumps((source, target), methodname="pingback.ping").encode()
    response = safe_fetch.fetch(
        endpoint, method="POST", data=body, headers={"Content-Type": "text/xml"}
    )
    if response.status >= 500:
        raise Temporary(f"HTTP {response.status}")
    try:
        loads(response.body)
    except Fault as fault:
        if fault.faultCode == ALREADY_REGISTERED:
            return "already registered"
        error = Temporary if fault.faultCode == UPSTREAM_ERROR else Permanent
        raise error(f"fault {fault.faultCode:#06x}: {fault.faultString}") from fault
    except (ExpatError, ValueError, ResponseError) as error:
        raise Permanent(f"not an XML-RPC answer (HTTP {response.status})") from error
    return "accepted"


def _trackback(target, post):
    data = {
        "url": post.get_full_url(),
        "title": post.title,
        "excerpt": post.excerpt[:250],
        "blog_name": post.get_site().site_name or "",
    }
    response = safe_fetch.fetch(target, method="POST", data=data)
    if response.status >= 500:
        raise Temporary(f"HTTP {response.status}")
    error = _TB_ERROR.search(response.text)
    if error is not None and error.group(1) == "0":
        return "accepted"
    message = _TB_MESSAGE.search(response.text)
    raise Permanent(unescape(message.group(1).strip()) if message else f"HTTP {response.status}")


def deliver(ping):
    """Send one ping; returns the detail on success, raises Temporary or Permanent."""
    post = ping.post.specific
    try:
        if ping.is_trackback:
            ping.protocol = Protocol.TRACKBACK
            return _trackback(ping.target, post)
        endpoint = discovery.discover(ping.target)
        if endpoint is None:
            return None
        ping.protocol = endpoint.protocol
        send = _webmention if endpoint.protocol == Protocol.WEBMENTION else _pingback
        return send(endpoint.url, post.get_full_url(), ping.target)
    except safe_fetch.Refused as error:  # the fetcher's policy: no later try passes it
        raise Permanent(str(error)) from error
    except safe_fetch.FetchError as error:
        raise Temporary(str(error)) from error


def _detail(text):
    """What the other side answered, as it can be stored: a NUL in a stranger's
    message would stop the save on PostgreSQL."""
    return strip_controls(str(text), single_line=True)[:300]


def send(ping, *, final_attempt):
    """Deliver and record the outcome; True if another try should follow."""
    ping.attempts += 1
    try:
        detail = deliver(ping)
    except Temporary as error:
        ping.outcome = Outcome.FAILED if final_attempt else Outcome.RETRYING
        ping.detail = _detail(error)
    except Permanent as error:
        ping.outcome, ping.detail = Outcome.FAILED, _detail(error)
    else:
        if detail is None:
            ping.outcome, ping.detail = Outcome.NO_ENDPOINT, ""
        else:
            ping.outcome, ping.detail, ping.sent_at = Outcome.SENT, _detail(detail), timezone.now()
    ping.save()
    logger.info("Ping %s → %s: %s %s", ping.post_id, ping.target, ping.outcome, ping.detail)
    return ping.outcome == Outcome.RETRYING
