"""RSS 2.0 and Atom feeds of a blog's posts, site-wide or per tag and category."""

from django.conf import settings
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from comments.feeds import CachedFeed, absolutize_urls


class PostsRssFeed(CachedFeed):
    feed_type = Rss201rev2Feed

    def __init__(self, index, listing):
        super().__init__()
        self.index = index
        self.listing = listing

    def get_object(self, request, *args, **kwargs):
        self.request = request
        if self.listing.missing_when_empty and not self.listing.posts.exists():
            raise Http404(self.listing.missing_when_empty)
        return self.listing

    def title(self, listing):
        if listing.title == self.index.title:
            return self.index.title
        return f"{self.index.title} – {listing.title}"

    def link(self, listing):
        return self.index.get_full_url(self.request) + listing.route

    def description(self, listing):
        return self.index.search_description or listing.title

    def feed_url(self, listing):
        return self.request.build_absolute_uri()

    def items(self, listing):
        return listing.posts.for_listing()[: settings.BLOG_FEED_ITEMS]

    def item_title(self, post):
        return post.title

    def item_link(self, post):
        return post.get_full_url(self.request)

    def item_description(self, post):
        if not settings.BLOG_FEED_FULL_TEXT:
            return post.excerpt
        return absolutize_urls(str(post.body), self.request.build_absolute_uri("/"))

    def item_pubdate(self, post):
        return post.date

    def item_updateddate(self, post):
        return post.last_published_at or post.date

    def author_name(self, listing):
        """Atom needs an author; entries without one inherit the blog's."""
        return self.index.title

    def item_author_name(self, post):
        return post.author_name or None

    def item_categories(self, post):
        return [tag.name for tag in post.tags.all()]


class PostsAtomFeed(PostsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, listing):
        return self.description(listing)
