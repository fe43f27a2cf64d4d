"""The common end of the three protocols: a verified source becomes a comment
of its kind, judged by the same pipeline as every comment."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import Truncator

from comments import posting
from comments.models import Comment
from comments.moderation.pipeline import Refused
from comments.moderation.status import set_status

NAME_LENGTH = 50  # django-comments' user_name
URL_LENGTH = 200  # django-comments' user_url, as WordPress's comment_author_url


def existing(post, source_url, kinds=None):
    """A linkback from this source on this post that is still there (not trashed)."""
    kinds = kinds or Comment.Kind.LINKBACKS
    return (
        Comment.objects.for_post(post)
        .filter(kind__in=kinds, user_url=source_url)
        .exclude(status=Comment.Status.TRASH)
        .first()
    )


def _name(page, blog_name=""):
    name = page.author or page.title or blog_name
    return Truncator(" ".join(name.split())).chars(NAME_LENGTH, truncate="…")


def _apply(comment, page, blog_name=""):
    comment.user_name = _name(page, blog_name)
    comment.comment = page.excerpt or page.title
    comment.user_url = page.url


def store(kind, post, page, *, ip=None, user_agent="", blog_name=""):
    """Judge and store a new linkback; returns the comment, or raises Refused."""
    if len(page.url) > URL_LENGTH:
        raise Refused(f"The source URL is longer than {URL_LENGTH} characters.")
    comment = Comment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        kind=kind,
        ip_address=ip,
        user_agent=user_agent[:500],
        submit_date=timezone.now(),
    )
    _apply(comment, page, blog_name)
    return posting.store(comment)


def update(comment, page):
    """A source changed: its mention changes with it, and is judged again."""
    _apply(comment, page)
    return posting.revise(comment)


def remove(comment, reason):
    set_status(comment, Comment.Status.TRASH, reason=reason)
