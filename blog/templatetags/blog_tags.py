from django import template
from django.db.models import Count
from django.db.models.functions import TruncMonth
from taggit.models import Tag

from blog.models import BlogCategory, BlogPage

register = template.Library()


@register.inclusion_tag("includes/sidebar.html", takes_context=True)
def blog_sidebar(context, index):
    """Tags, categories and months of one blog, each with its count of posts."""
    request = context.get("request")
    posts = BlogPage.objects.published().child_of(index)
    ids = posts.values("pk")
    tags = (
        Tag.objects.filter(blog_blogpagetag_items__content_object__in=ids)
        .annotate(n=Count("blog_blogpagetag_items"))
        .order_by("name")
    )
    categories = (
        BlogCategory.objects.filter(posts__in=ids).annotate(n=Count("posts")).order_by("name")
    )
    months = (
        posts.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-month")
    )
    return {
        "index_url": index.get_url(request) if index else "/",
        "tags": tags,
        "categories": categories,
        "months": months,
        "request": request,
    }
