"""Blog pages: the index (home, archives, feeds, search) and the posts."""

import re
from datetime import timedelta
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from blog import archive
from blog.blocks import BlogStreamBlock
from blog.feeds import PostsAtomFeed, PostsRssFeed
from blog.panels import OutgoingPingsPanel
from blog.querysets import BlogPageManager
from comments.federation import advertise as fediverse
from comments.feeds import CommentsAtomFeed, CommentsRssFeed
from comments.linkbacks import advertise

# Paths that the index serves itself; a post with such a slug would be hidden.
RESERVED_SLUGS = {
    # the index's own routes
    "tag",
    "category",
    "author",
    "feed",
    "search",
    "page",
    "comments",
    # paths the site's URLconf serves before Wagtail (config/urls.py)
    "admin",
    "django-admin",
    "accounts",
    "documents",
    "i18n",
    "static",
    "media",
    "xmlrpc",
    "webmention",
    "trackback",
    "ap",
    "nodeinfo",
}
_YEAR_SLUG = re.compile(r"^\d{4}$")


@register_snippet
class BlogCategory(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.BlogPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogIndexPage(RoutablePageMixin, Page):
    """The home of a blog: lists its posts and serves archives, feeds and search."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["blog.BlogPage"]

    class Meta:
        verbose_name = _("blog index")

    def get_posts(self):
        """Its published posts, newest first; a listing adds what its cards show
        (BlogPageQuerySet.for_listing) only for the page it shows."""
        return BlogPage.objects.published().child_of(self).order_by("-date", "-pk")

    def render_archive(self, request, listing):
        return self.render(
            request,
            template="blog/blog_index_page.html",
            context_overrides=listing.context(request, self),
        )

    @path("")
    def all_posts(self, request):
        return self.render_archive(request, archive.everything(self))

    @path("tag/<str:tag>/")
    def tag_archive(self, request, tag):
        return self.render_archive(request, archive.for_tag(self, tag))

    @path("category/<str:category>/")
    def category_archive(self, request, category):
        return self.render_archive(request, archive.for_category(self, category))

    @re_path(r"^(?P<year>\d{4})/$")
    def year_archive(self, request, year):
        return self.render_archive(request, archive.for_month(self, int(year)))

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$")
    def month_archive(self, request, year, month):
        return self.render_archive(request, archive.for_month(self, int(year), int(month)))

    @path("author/<str:username>/")
    def author_archive(self, request, username):
        return self.render_archive(request, archive.for_author(self, username))

    @path("search/")
    def search(self, request):
        return self.render_archive(request, archive.for_search(self, request.GET.get("q", "")))

    @path("feed/", name="feed")
    @path("tag/<str:tag>/feed/", name="tag_feed")
    @path("category/<str:category>/feed/", name="category_feed")
    def rss_feed(self, request, **kwargs):
        return PostsRssFeed(self, archive.for_feed(self, **kwargs))(request)

    @path("comments/feed/", name="site_comments_feed")
    def site_comments_rss(self, request):
        return CommentsRssFeed(index=self)(request)

    @path("comments/feed/atom/", name="site_comments_atom_feed")
    def site_comments_atom(self, request):
        return CommentsAtomFeed(index=self)(request)

    @path("feed/atom/", name="atom_feed")
    @path("tag/<str:tag>/feed/atom/", name="tag_atom_feed")
    @path("category/<str:category>/feed/atom/", name="category_atom_feed")
    def atom_feed(self, request, **kwargs):
        return PostsAtomFeed(self, archive.for_feed(self, **kwargs))(request)


WRITING_PERMISSIONS = ["add_page", "change_page"]


def may_write_posts(users):
    """Who may be named a post's author: superusers, and people whose groups
    may add or edit pages and who reach the admin (Editors, Moderators), never
    a reader who signed up to comment; plus whoever already wrote a post, so
    that an old post keeps its author."""
    page_writers = users.filter(
        groups__page_permissions__permission__codename__in=WRITING_PERMISSIONS
    ).values("pk")
    admin_access = Q(
        groups__permissions__codename="access_admin",
        groups__permissions__content_type__app_label="wagtailadmin",
    ) | Q(
        user_permissions__codename="access_admin",
        user_permissions__content_type__app_label="wagtailadmin",
    )
    admins = users.filter(admin_access).values("pk")
    authors = BlogPage.objects.exclude(author=None).values("author_id")
    may_write = Q(is_superuser=True) | (Q(pk__in=page_writers) & Q(pk__in=admins))
    return users.filter((Q(is_active=True) & may_write) | Q(pk__in=authors)).order_by(
        "first_name", "last_name", "username"
    )


class AuthorChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=may_write_posts(queryset), **kwargs)

    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class AuthorPanel(FieldPanel):
    """The author field: only people who may write, and on a new post the
    person writing it, preselected."""

    def __init__(self, field_name="author", **kwargs):
        super().__init__(field_name, **kwargs)

    def get_form_options(self):
        options = super().get_form_options()
        options["field_classes"] = {self.field_name: AuthorChoiceField}
        return options

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            form, instance, request = kwargs["form"], kwargs["instance"], kwargs["request"]
            name = kwargs["panel"].field_name
            is_new = instance is None or instance.pk is None
            if is_new and not form.is_bound and request and not form.initial.get(name):
                form.initial[name] = request.user.pk
            super().__init__(**kwargs)


class BlogPage(RoutablePageMixin, Page):
    date = models.DateTimeField(_("publication date"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blog_posts",
    )
    intro = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_("Shown in listings and feeds. Left empty, the start of the text is used."),
    )
    body = StreamField(BlogStreamBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True, verbose_name=_("tags"))
    categories = ParentalManyToManyField(
        BlogCategory, blank=True, related_name="posts", verbose_name=_("categories")
    )
    allow_comments = models.BooleanField(_("allow comments"), default=True)
    allow_pings = models.BooleanField(
        _("allow pingbacks, trackbacks and webmentions"), default=True
    )
    trackback_urls = models.TextField(
        _("send trackbacks to"),
        blank=True,
        help_text=_(
            "One address per line. Blogs that support Webmention or pingback are told "
            "of your links without this."
        ),
    )

    objects = BlogPageManager()

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), AuthorPanel("author"), FieldPanel("intro")],
            heading=_("Post"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("tags"),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Tags and categories"),
        ),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("allow_comments"),
                FieldPanel("allow_pings"),
                FieldPanel("trackback_urls"),
                OutgoingPingsPanel(),
            ],
            heading=_("Discussion"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS or _YEAR_SLUG.match(self.slug or ""):
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is used by the blog's archives; choose another slug.")
                    % {"slug": self.slug}
                }
            )

    def save(self, *args, **kwargs):
        if self.author_id is None and self.owner_id is not None:
            self.author_id = self.owner_id
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.url

    @property
    def is_scheduled(self):
        """Dated in the future: hidden from readers until that moment."""
        return self.date > timezone.now()

    def route(self, request, path_components):
        if self.is_scheduled and not self.permissions_for_user(request.user).can_edit():
            raise Http404
        return super().route(request, path_components)

    def get_sitemap_urls(self, request=None):
        return [] if self.is_scheduled else super().get_sitemap_urls(request)

    @property
    def comments_open(self):
        """Open while the author allows them and, if set, for N days after publication."""
        if not self.allow_comments:
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return not days or timezone.now() - self.date <= timedelta(days=days)

    def pings_open(self, protocol=None):
        """Open when linkbacks are on site-wide, for this protocol, and on this post."""
        switch = {
            "pingback": "PINGBACK_ENABLED",
            "trackback": "TRACKBACK_ENABLED",
            "webmention": "WEBMENTION_ENABLED",
        }
        if not (settings.LINKBACKS_ENABLED and self.allow_pings):
            return False
        return protocol is None or getattr(settings, switch[protocol])

    @path("feed/", name="comments_feed")
    def comments_rss(self, request):
        return CommentsRssFeed(post=self)(request)

    @path("feed/atom/", name="comments_atom_feed")
    def comments_atom(self, request):
        return CommentsAtomFeed(post=self)(request)

    @property
    def author_name(self):
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @cached_property
    def excerpt(self):
        if self.intro:
            return self.intro
        text = " ".join(
            strip_tags(block.value.source)
            for block in self.body
            if block.block_type == "paragraph"
        )
        return Truncator(text).words(55, truncate=" …")

    @cached_property
    def blog_index(self):
        parent = self.get_parent()
        if parent is None:
            raise Http404
        return parent.specific

    def comment_feeds(self, request):
        """The blog's post feeds and this post's comment feeds, for the page head."""
        index = self.blog_index.get_full_url(request)
        base = self.get_full_url(request)
        title = _("Comments on “%(title)s”") % {"title": self.title}
        return [
            {"type": "rss", "url": index + "feed/", "title": self.blog_index.title},
            {"type": "atom", "url": index + "feed/atom/", "title": self.blog_index.title},
            {"type": "rss", "url": base + "feed/", "title": title},
            {"type": "atom", "url": base + "feed/atom/", "title": title},
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.blog_index
        context["index_url"] = self.blog_index.get_url(request) or "/"
        context["meta_description"] = self.search_description or self.excerpt
        context["feeds"] = self.comment_feeds(request)
        context["linkbacks"] = advertise.endpoints(self, request)
        # Called by the template only when its cached fragment is missing.
        context["fediverse"] = partial(fediverse.head_tags, self, request)
        return context

    def _serves_the_post(self, request, view):
        """The post itself (not a feed or a preview), published and out."""
        main = view is None or getattr(view, "__name__", "") == "index_route"
        preview = getattr(request, "is_preview", False)
        return main and not preview and self.live and not self.is_scheduled

    def serve(self, request, *args, **kwargs):
        the_post = self._serves_the_post(request, args[0] if args else kwargs.get("view"))
        if the_post and fediverse.wants_activity_json(request):
            return fediverse.article_response(self, request)
        response = super().serve(request, *args, **kwargs)
        if the_post:
            patch_vary_headers(response, ("Accept",))
        # The page's context found the endpoints already; feeds and other routes have none.
        found = (getattr(response, "context_data", None) or {}).get("linkbacks")
        return advertise.add_headers(response, found or advertise.endpoints(self, request))
