"""RSS and Atom feeds of approved comments, per post and site-wide.
Items are public views: a feed never sees an email or an IP address."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from comments.caching import versions
from comments.models import Comment, post_model
from comments.rendering import strip_controls
from comments.thread import PublicComment, public_view

_RELATIVE_URL = re.compile(r'(\s(?:href|src))="/(?!/)')


def absolutize_urls(html, base_url):
    """Feed readers have no base URL, so site-relative links must become absolute."""
    return _RELATIVE_URL.sub(rf'\1="{base_url.rstrip("/")}/', html)


# A feed is read away from the blog, without a base: site-relative links (the
# @-mentions' permalinks) must name the site.
_SITE_RELATIVE_HREF = re.compile(r'href="/(?!/)')


class CachedFeed(Feed):
    """A feed is the same for every reader: built once per change of the site
    (its version is in the key), per address and language."""

    def __call__(self, request, *args, **kwargs):
        (version,) = versions.current(request, versions.SITE)
        key = ":".join(
            [
                "feed",
                type(self).__name__,
                request.path,  # a feed takes no query: ?x=1, ?x=2… are no new entries
                translation.get_language() or "",
                versions.token(version),
            ]
        )
        found = cache.get(key)
        if found is not None:
            content, content_type = found
            return HttpResponse(content, content_type=content_type)
        response = super().__call__(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, (response.content, response["Content-Type"]), 24 * 3600)
        return response


@dataclass
class FeedItem:
    comment: PublicComment
    post_title: str
    post_url: str


class CommentsRssFeed(CachedFeed):
    feed_type = Rss201rev2Feed

    def __init__(self, post=None, index=None):
        super().__init__()
        self.post = post
        self.index = index

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.post or self.index

    def title(self, obj):
        if self.post is not None:
            return _("Comments on “%(title)s”") % {"title": self.post.title}
        return _("Comments on %(site)s") % {"site": self.index.title}

    def link(self, obj):
        return obj.get_full_url(self.request)

    def description(self, obj):
        return self.title(obj)

    def feed_url(self, obj):
        return self.request.build_absolute_uri()

    def items(self, obj):
        comments = (
            Comment.objects.visible()
            .select_related("user")
            .prefetch_related("user__socialaccount_set")
            .order_by("-submit_date", "-pk")
        )
        if self.post is not None:
            comments = comments.for_post(self.post)
            posts = {str(self.post.pk): self.post}
        else:
            comments = comments.on_posts()
        comments = list(comments[: settings.BLOG_FEED_ITEMS])
        if self.post is None:
            pks = {c.object_pk for c in comments}
            posts = {
                str(p.pk): p
                for p in post_model().objects.published().child_of(self.index).filter(pk__in=pks)
            }
        return [
            FeedItem(
                comment=public_view(c, posts[c.object_pk]),
                post_title=posts[c.object_pk].title,
                post_url=posts[c.object_pk].get_full_url(self.request),
            )
            for c in comments
            if c.object_pk in posts
        ]

    # Stored text is cleaned of control characters when saved; a feed cleans
    # again, since one such character anywhere would make the whole feed a 500.
    def item_title(self, item):
        title = _("%(name)s on “%(title)s”") % {
            "name": item.comment.name,
            "title": item.post_title,
        }
        return strip_controls(title, single_line=True)

    def item_link(self, item):
        return f"{item.post_url}#{item.comment.anchor}"

    def item_guid(self, item):
        return self.item_link(item)

    def item_description(self, item):
        parts = urlsplit(item.post_url)
        root = f"{parts.scheme}://{parts.netloc}/"
        return strip_controls(_SITE_RELATIVE_HREF.sub(f'href="{root}', item.comment.html))

    def item_pubdate(self, item):
        return item.comment.date

    def item_author_name(self, item):
        return strip_controls(item.comment.name, single_line=True)


class CommentsAtomFeed(CommentsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
