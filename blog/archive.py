"""The listings a blog index serves: everything, or posts by tag, category,
month, author or search query. Each builds a `Listing` that the index renders
with one template, so that pagination, feeds and titles work the same way for
all of them."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from taggit.models import Tag

MAX_QUERY_LENGTH = 200
# Search backends give quotes, brackets and operators a syntax of their own;
# readers type words, so everything else becomes a space.
_NOT_A_WORD = re.compile(r"[^\w\s.'@-]")


class Deferred(Sequence):
    """A list built on first use."""

    def __init__(self, build):
        self._build = build
        self._items = None

    def _loaded(self):
        if self._items is None:
            self._items = self._build()
        return self._items

    def __getitem__(self, index):
        return self._loaded()[index]

    def __len__(self):
        return len(self._loaded())


@dataclass
class Listing:
    title: str
    posts: object
    route: str = ""
    feed_routes: tuple = ()
    query: str = ""
    is_search: bool = False
    extra: dict = field(default_factory=dict)
    # A listing of nothing is a 404 with this message (a tag used only on drafts).
    missing_when_empty: str = ""

    def paginate(self, request):
        """The page's posts are queried, with all a card shows, only when a
        template lists them: a listing served from the cache never does."""
        paginator = Paginator(self.posts, settings.BLOG_POSTS_PER_PAGE)
        if self.missing_when_empty and not paginator.count:
            raise Http404(self.missing_when_empty)
        page = paginator.get_page(request.GET.get("page"))
        start = (page.number - 1) * paginator.per_page
        posts = self.posts
        page.object_list = Deferred(
            lambda: list(posts.for_listing()[start : start + paginator.per_page])
        )
        return page

    def context(self, request, index):
        page = self.paginate(request)
        root = index.get_url(request) or "/"
        page_query = f"?page={page.number}" if page.number > 1 else ""
        feeds = []
        for kind, route in zip(("rss", "atom"), self.feed_routes, strict=False):
            feeds.append({"type": kind, "url": request.build_absolute_uri(root + route)})
        return {
            "listing": self,
            "posts": page,
            "blog_index": index,
            "index_url": root,
            "listing_url": root + self.route,
            "canonical_url": request.build_absolute_uri(root + self.route + page_query),
            "feeds": feeds,
        }


class SearchListing(Listing):
    def paginate(self, request):
        """Paginate search hits, then load that page's posts for display."""
        page = Paginator(self.posts, settings.BLOG_POSTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        ids = [post.pk for post in page.object_list]
        by_id = self.extra["listing_posts"].for_listing().in_bulk(ids)
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page


def _feed_routes(prefix=""):
    return (f"{prefix}feed/", f"{prefix}feed/atom/")


def everything(index):
    return Listing(title=index.title, posts=index.get_posts(), feed_routes=_feed_routes())


def _tag(slug):
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404(_("No such tag."))
    return tag


def _category(slug):
    category = apps.get_model("blog", "BlogCategory").objects.filter(slug=slug).first()
    if category is None:
        raise Http404(_("No such category."))
    return category


def for_tag(index, slug):
    tag = _tag(slug)
    posts = index.get_posts().filter(tags=tag)
    return Listing(
        title=_("Tag: %(name)s") % {"name": tag.name},
        posts=posts,
        route=f"tag/{tag.slug}/",
        feed_routes=_feed_routes(f"tag/{tag.slug}/"),
        # A tag used only on drafts is nobody's business yet.
        missing_when_empty=_("No such tag."),
    )


def for_category(index, slug):
    category = _category(slug)
    return Listing(
        title=_("Category: %(name)s") % {"name": category.name},
        posts=index.get_posts().filter(categories=category),
        route=f"category/{category.slug}/",
        feed_routes=_feed_routes(f"category/{category.slug}/"),
    )


def for_month(index, year, month=None):
    # Year 1 leaves no room for time zone arithmetic (its first hour in UTC is in year 0).
    if not 2 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
        raise Http404(_("No such month."))
    posts = index.get_posts().filter(date__year=year)
    if month is None:
        return Listing(title=_("Year: %(year)s") % {"year": year}, posts=posts, route=f"{year}/")
    label = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    return Listing(
        title=_("Month: %(month)s") % {"month": label},
        posts=posts.filter(date__month=month),
        route=f"{year}/{month:02d}/",
    )


def for_author(index, username):
    """Only people who published here have an archive: readers' accounts stay unlisted."""
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None or not index.get_posts().filter(author=user).exists():
        raise Http404(_("No such author."))
    name = user.get_full_name() or user.get_username()
    return Listing(
        title=_("Author: %(name)s") % {"name": name},
        posts=index.get_posts().filter(author=user),
        route=f"author/{username}/",
    )


def for_search(index, query):
    query = " ".join(_NOT_A_WORD.sub(" ", query).split())[:MAX_QUERY_LENGTH]
    base = apps.get_model("blog", "BlogPage").objects.published().child_of(index)
    hits = base.search(query, operator="and") if query else base.none()
    return SearchListing(
        title=_("Search results for “%(query)s”") % {"query": query} if query else _("Search"),
        posts=hits,
        route="search/",
        query=query,
        is_search=True,
        extra={"listing_posts": index.get_posts()},
    )


def for_feed(index, tag=None, category=None):
    if tag is not None:
        return for_tag(index, tag)
    if category is not None:
        return for_category(index, category)
    return everything(index)
