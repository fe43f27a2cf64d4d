"""Pingback 1.0 (hixie.ch/specs/pingback): the XML-RPC method behind /xmlrpc/
(linkbacks.views), built on the standard library's xmlrpc, with the spec's fault codes."""

from urllib.parse import urlsplit
from xmlrpc.client import Fault, loads

from comments.linkbacks import addresses, receive, source, targets
from comments.models import Comment
from comments.moderation import ratelimit
from comments.moderation.pipeline import Refused

SOURCE_MISSING = 0x0010
NO_LINK = 0x0011
TARGET_MISSING = 0x0020
TARGET_CLOSED = 0x0021
ALREADY_REGISTERED = 0x0030
ACCESS_DENIED = 0x0031
UPSTREAM_ERROR = 0x0032
# XML-RPC's own codes (specs.xmlrpc.com/spec, "fault code interoperability").
PARSE_ERROR = -32700
UNKNOWN_METHOD = -32601
BAD_PARAMS = -32602


def ping(source_url, target_url, *, ip=None, user_agent=""):
    """pingback.ping: verify the source, store the linkback, say so; or raise a Fault."""
    post = targets.resolve(target_url)
    if post is None:
        raise Fault(TARGET_MISSING, "The target does not exist on this blog.")
    if not post.pings_open("pingback"):
        raise Fault(TARGET_CLOSED, "The target cannot be pinged.")
    if ratelimit.linkback_exceeded(ip, urlsplit(source_url).hostname):
        raise Fault(ACCESS_DENIED, "Too many pings. Try again later.")
    if receive.existing(post, source_url):
        raise Fault(ALREADY_REGISTERED, "The pingback has already been registered.")
    try:
        page = source.verify(source_url, target_url)
    except source.NoLink as error:
        raise Fault(NO_LINK, str(error)) from error
    except source.SourceMissing as error:
        raise Fault(SOURCE_MISSING, str(error)) from error
    try:
        comment = receive.store(Comment.Kind.PINGBACK, post, page, ip=ip, user_agent=user_agent)
    except Refused as error:
        raise Fault(ACCESS_DENIED, str(error)) from error
    return f"Pingback from {source_url} to {target_url} registered ({comment.status})."


def call(body, *, ip=None, user_agent=""):
    """One XML-RPC request body in, the method's result out; or a Fault."""
    params, method = loads(body, use_builtin_types=True)
    if method == "system.listMethods":
        return ["pingback.ping", "system.listMethods"]
    if method != "pingback.ping":
        raise Fault(UNKNOWN_METHOD, f"Unknown method: {method}")
    if len(params) != 2 or not all(isinstance(p, str) for p in params):
        raise Fault(BAD_PARAMS, "pingback.ping takes two strings: sourceURI and targetURI.")
    # The spec's faults: a source that cannot exist, a target that is none of ours.
    try:
        source_url = addresses.web_url(params[0], "sourceURI")
    except addresses.BadAddress as error:
        raise Fault(SOURCE_MISSING, str(error)) from error
    try:
        target_url = addresses.web_url(params[1], "targetURI")
    except addresses.BadAddress as error:
        raise Fault(TARGET_MISSING, str(error)) from error
    return ping(source_url, target_url, ip=ip, user_agent=user_agent)
