""" "My comments": what a logged-in reader wrote, with its status, as views
that carry no address and no IP (templates never get the model)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from comments.readers import may_edit

STATUS_LABELS = {
    Comment.Status.APPROVED: _("Published"),
    Comment.Status.PENDING: _("Awaiting moderation"),
    Comment.Status.SPAM: _("Not published"),
}


@dataclass(frozen=True)
class OwnComment:
    id: int
    post_title: str
    post_url: str
    html: str
    date: datetime
    status: str
    status_label: str
    can_edit: bool

    @property
    def is_approved(self):
        return self.status == Comment.Status.APPROVED


def own_comments(user):
    """Newest first; deleted ones (trash) are gone for their author too."""
    comments = (
        Comment.objects.filter(user=user, kind=Comment.Kind.COMMENT)
        .exclude(status=Comment.Status.TRASH)
        .order_by("-submit_date", "-pk")
        .prefetch_related("content_object")
    )
    return [
        OwnComment(
            id=comment.pk,
            post_title=comment.content_object.title if comment.content_object else "",
            post_url=comment.content_object.url if comment.content_object else "",
            html=comment.body_html,
            date=comment.submit_date,
            status=comment.status,
            status_label=str(STATUS_LABELS[comment.status]),
            can_edit=may_edit(comment, (), user),
        )
        for comment in comments
    ]


def rename_own_comments(user, name):
    """Put `name` on everything the reader wrote, whatever its status."""
    return Comment.objects.filter(user=user, kind=Comment.Kind.COMMENT).update(user_name=name)
