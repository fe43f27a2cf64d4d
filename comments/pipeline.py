"""Judges every incoming piece of feedback: comments now, linkbacks later.

Until the full moderation rules land, this is WordPress's default rule:
a comment is held unless its author already has an approved comment.
"""

from dataclasses import dataclass

from django.db.models import Q

from comments.models import Comment


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def _trusted(comment):
    """Staff and the post's own author need no moderation."""
    user = comment.user
    return user is not None and (user.is_staff or user.pk == _post_author_id(comment))


def _post_author_id(comment):
    post = comment.content_object
    return getattr(post, "author_id", None)


def _has_approved_comment(comment):
    who = Q(user_email__iexact=comment.user_email) if comment.user_email else Q(pk=None)
    if comment.user_id:
        who |= Q(user_id=comment.user_id)
    earlier = Comment.objects.approved().filter(who)
    if comment.pk:
        earlier = earlier.exclude(pk=comment.pk)
    return earlier.exists()


def judge(comment):
    if _trusted(comment):
        return Verdict(Comment.Status.APPROVED, "trusted author")
    if _has_approved_comment(comment):
        return Verdict(Comment.Status.APPROVED, "author has an approved comment")
    return Verdict(Comment.Status.PENDING, "first comment by this author")
