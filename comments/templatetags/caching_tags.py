"""What templates need so that a page can be shared between readers: a CSRF
field only on personal pages, and the versions for fragment cache keys: the
site's where comments show, the posts' where none do
({% wagtailcache 86400 "sidebar" blog_index.pk posts_v LANGUAGE_CODE %})."""

from django import template
from django.utils.html import format_html

from comments.caching import csrf, versions

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """{% csrf_token %} on a reader's own pages only: a shared page carries none."""
    token = csrf.personal_token(context["request"])
    if not token:
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def site_version(context):
    """The version of everything readers see, read once per request."""
    (version,) = versions.current(context["request"], versions.SITE)
    return versions.token(version)


@register.simple_tag(takes_context=True)
def posts_version(context):
    """The version of what shows no comments: a post's text, the sidebar."""
    (version,) = versions.current(context["request"], versions.POSTS)
    return versions.token(version)
