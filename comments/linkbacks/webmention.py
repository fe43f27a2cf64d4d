"""Webmention (W3C Recommendation, 12 January 2017): validate at once, verify
the source in a background task, answer 202 with a status URL."""

from comments.linkbacks import addresses, receive, source, targets
from comments.linkbacks.models import IncomingWebmention
from comments.models import Comment
from comments.moderation.pipeline import Refused

State = IncomingWebmention.State


class Invalid(Exception):
    """The request cannot be accepted; the message says why (HTTP 400)."""


def _url(value, name):
    try:
        return addresses.web_url(value, name)
    except addresses.BadAddress as error:
        raise Invalid(str(error)) from error


def validate(data):
    """The synchronous checks of the spec (section 3.2.1): the post it names."""
    source_url = _url(data.get("source"), "source")
    target_url = _url(data.get("target"), "target")
    if source_url.split("#")[0] == target_url.split("#")[0]:
        raise Invalid("The source and the target must differ.")
    post = targets.resolve(target_url)
    if post is None:
        raise Invalid("The target is not a post on this blog.")
    if not post.pings_open("webmention"):
        raise Invalid("The target does not accept Webmentions.")
    return source_url, target_url, post


def _finish(mention, state, detail="", comment=None):
    mention.state, mention.detail = state, detail[:300]
    if comment is not None:
        mention.comment = comment
    mention.save(update_fields=["state", "detail", "comment", "updated_at"])
    return state


def process(mention):
    """Verify one queued Webmention (section 3.2.2) and store, update or remove the mention."""
    post = mention.post
    stored = receive.existing(post, mention.source, kinds=[Comment.Kind.WEBMENTION])
    try:
        page = source.verify(mention.source, mention.target)
    except (source.SourceGone, source.NoLink) as error:
        if stored is not None:
            receive.remove(stored, reason=f"webmention source: {error}")
            return _finish(mention, State.REMOVED, str(error))
        return _finish(mention, State.REJECTED, str(error))
    except source.SourceError as error:
        return _finish(mention, State.REJECTED, str(error))
    try:
        if stored is not None:
            comment = receive.update(stored, page)
        else:
            comment = receive.store(Comment.Kind.WEBMENTION, post, page, ip=mention.ip_address)
    except Refused as error:
        return _finish(mention, State.REJECTED, str(error))
    return _finish(mention, State.ACCEPTED, comment.status, comment)
