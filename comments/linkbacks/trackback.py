"""Trackback (the Movable Type spec): POST <post-url>trackback/ with url,
title, excerpt and blog_name; the answer is a small XML document."""

from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comments import ratelimit
from comments.linkbacks import receive, source, targets
from comments.models import Comment
from comments.posting import client_ip


def _answer(error="", status=200):
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


def receive_trackback(request, post):
    data = request.POST
    url = (data.get("url") or "").strip()
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return _answer("The url parameter is missing or is not an http(s) URL.")
    if not post.pings_open("trackback"):
        return _answer("This post takes no trackbacks.")
    ip = client_ip(request)
    if ratelimit.linkback_exceeded(ip, urlsplit(url).hostname):
        return _answer("Too many trackbacks. Try again later.")
    if receive.existing(post, url):
        return _answer("This trackback has already been registered.")
    page = _claimed(data, url)
    if settings.TRACKBACK_VERIFY:
        try:
            checked = source.verify(url, post.get_full_url())
        except source.SourceError as error:
            return _answer(str(error))
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
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            blog_name=blog_name,
        )
    except receive.Refused as error:
        return _answer(str(error))
    return _answer()


@csrf_exempt  # other blogs post here; nothing of a reader's session is used
@require_POST
def endpoint(request, path):
    post = targets.resolve(request.build_absolute_uri("/" + path))
    if post is None:
        return _answer("There is no post at this address.", status=404)
    return receive_trackback(request, post)
