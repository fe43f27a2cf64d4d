from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import PageManager
from wagtail.query import PageQuerySet

from comments.thread import approved_count


class BlogPageQuerySet(PageQuerySet):
    def published(self):
        """What an anonymous reader may see: live, not behind a view restriction,
        and not dated in the future (a future date waits, as in WordPress)."""
        return self.live().public().filter(date__lte=timezone.now())

    def for_listing(self):
        """Everything a listing shows, in a fixed number of queries."""
        return (
            self.select_related("author")
            .prefetch_related("tags", "categories")
            .with_comment_count()
            .order_by("-date", "-pk")
        )

    def with_comment_count(self):
        return self.annotate(comment_count=Coalesce(approved_count(), Value(0)))


BlogPageManager = PageManager.from_queryset(BlogPageQuerySet)
