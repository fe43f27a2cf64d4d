"""A reader leaves: their account goes, and their comments either go with it
or stay, anonymised. Replies that others wrote to a removed comment stay on
the page, moved up one level, as WordPress does when it deletes a comment."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from comments.models import Comment, Subscription

DELETE = "delete"
ANONYMISE = "anonymise"


class NotAllowed(Exception):
    """Staff accounts own posts and moderation history: an administrator removes them."""


def deleted_user_name():
    """Stored in the blog's own language, as the comments around it are."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Deleted user")


def _descendants(comment):
    """The comments below one in its thread: xtd orders a thread depth-first,
    so they follow it until the next comment at its level or above."""
    later = Comment.objects.filter(thread_id=comment.thread_id, order__gt=comment.order)
    found = []
    for other in later.order_by("order"):
        if other.level <= comment.level:
            break
        found.append(other)
    return found


def remove_comment(comment):
    """Delete one comment and lift its replies into its place."""
    descendants = _descendants(comment)
    is_root = comment.parent_id == comment.pk
    new_roots = {}
    for reply in descendants:
        if reply.parent_id == comment.pk:
            if is_root:
                new_roots[reply.pk] = reply
                reply.parent_id = reply.pk
            else:
                reply.parent_id = comment.parent_id
        reply.level -= 1
    # A lifted top-level reply starts a thread of its own, with its subtree.
    thread = None
    for reply in descendants:
        if reply.pk in new_roots:
            thread = reply.pk
        if is_root:
            reply.thread_id = thread
    Comment.objects.bulk_update(descendants, ["parent_id", "level", "thread_id"])
    comment.delete()


def _anonymise(comments):
    comments.update(
        user=None,
        user_name=deleted_user_name(),
        user_email="",
        user_url="",
        ip_address=None,
        user_agent="",
        referrer="",
    )


def user_emails(user):
    emails = {address.email.casefold() for address in user.emailaddress_set.all()}
    if user.email:
        emails.add(user.email.casefold())
    return emails


@transaction.atomic
def delete_account(user, comments):
    """Remove the user with their social accounts, tokens and addresses;
    `comments` says what happens to what they wrote: DELETE or ANONYMISE."""
    if user.is_staff or user.is_superuser:
        raise NotAllowed(_("Staff accounts can only be deleted by an administrator."))
    if comments not in (DELETE, ANONYMISE):
        raise ValueError(f"Unknown choice for the comments: {comments!r}")
    theirs = Comment.objects.filter(user=user)
    if comments == ANONYMISE:
        _anonymise(theirs)
    else:
        for pk in list(theirs.order_by("-level", "-pk").values_list("pk", flat=True)):
            remove_comment(Comment.objects.get(pk=pk))
    for email in user_emails(user):
        Subscription.objects.filter(email__iexact=email).delete()
    user.delete()
