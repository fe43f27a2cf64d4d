from django.conf import settings
from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django_comments import get_model as get_comment_model
from wagtail.models import PageManager
from wagtail.query import PageQuerySet


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
        comments = (
            get_comment_model()
            .objects.filter(
                content_type__app_label=self.model._meta.app_label,
                content_type__model=self.model._meta.model_name,
                object_pk=Cast(OuterRef("pk"), CharField()),
                site_id=settings.SITE_ID,
                is_public=True,
                is_removed=False,
            )
            .order_by()
            .values("object_pk")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), Value(0))
        )


BlogPageManager = PageManager.from_queryset(BlogPageQuerySet)
