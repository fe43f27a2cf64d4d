"""Trackback (the Movable Type spec): POST <post-url>trackback/ with url,
title, excerpt and blog_name; the answer is a small XML document."""

from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from comments.linkbacks import addresses, receive, source
from comments.models import Comment
from comments.moderation import ratelimit
from comments.moderation.pipeline import Refused


def answer(error="", status=200):
    body = f"<error>1</error>\n<message>{escape(error)}</message>" if error else "<error>0</error>"
    xml = f'<?xml version="1.0" encoding="utf-8"?>\n<response>\n{body}\n</response>\n'
    return HttpResponse(xml, content_type="text/xml; charset=utf-8", status=status)


def _text(value, words):
    return Truncator(" ".join(strip_tags(value or "").split())).words(words, truncate=" …")


def _claimed(data, url):
    """What the sender says of its page, used when the page is not checked."""
    return source.SourcePage(
        url=url,
        title=_text(data.get("title"), 20) or url,
        excerpt=_text(data.get("excerpt"), source.EXCERPT_WORDS),
    )


def accept(data, post, *, ip=None, user_agent=""):
    """Check and store one trackback; the answer is the XML the sender expects."""
    try:
        url = addresses.web_url(data.get("url"), "url parameter")
    except addresses.BadAddress as error:
        return answer(str(error))
    if not post.pings_open("trackback"):
        return answer("This post takes no trackbacks.")
    if ratelimit.linkback_exceeded(ip, urlsplit(url).hostname):
        return answer("Too many trackbacks. Try again later.")
    if receive.existing(post, url):
        return answer("This trackback has already been registered.")
    page = _claimed(data, url)
    if settings.TRACKBACK_VERIFY:
        try:
            checked = source.verify(url, post.get_full_url())
        except source.SourceError as error:
            return answer(str(error))
        page = source.SourcePage(
            url=url, title=page.title, excerpt=page.excerpt or checked.excerpt
        )
    blog_name = _text(data.get("blog_name"), 10)
    try:
        receive.store(
            Comment.Kind.TRACKBACK,
            post,
            page,
            ip=ip,
            user_agent=user_agent,
            blog_name=blog_name,
        )
    except Refused as error:
        return answer(str(error))
    return answer()
