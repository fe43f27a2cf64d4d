"""Likes and boosts of a post from the fediverse: one per account and kind,
counted under the post. Each change moves the post's cache version."""

from django.db import IntegrityError, transaction

from comments.caching import versions
from comments.federation.models import Reaction
from comments.models import Comment

KINDS = {"Like": Reaction.Kind.LIKE, "Announce": Reaction.Kind.ANNOUNCE}


def add(post, actor, activity_type, activity_id):
    try:
        with transaction.atomic():
            Reaction.objects.create(
                post=post, actor=actor, kind=KINDS[activity_type], activity_id=activity_id
            )
    except IntegrityError:
        return False  # this account already liked (or boosted) it
    versions.bump(post.pk)
    return True


def undo(actor, activity_id):
    """Undo names the Like or Announce by its id (or, from some servers, only
    its type and object): remove the one that matches."""
    gone = Reaction.objects.filter(actor=actor, activity_id=activity_id)
    posts = set(gone.values_list("post_id", flat=True))
    gone.delete()
    if posts:
        versions.bump(*posts)
    return bool(posts)


def undo_on(post, actor, activity_type):
    gone = Reaction.objects.filter(post=post, actor=actor, kind=KINDS[activity_type])
    deleted, _ = gone.delete()
    if deleted:
        versions.bump(post.pk)
    return bool(deleted)


def seen_on(actor):
    """The posts where the account shows (a reply or a reaction): their pages
    change when its name or picture does."""
    replied = Comment.objects.filter(kind=Comment.Kind.FEDIVERSE, user_url=actor.uri)
    posts = set(replied.values_list("object_pk", flat=True))
    posts |= {str(pk) for pk in actor.reactions.values_list("post_id", flat=True)}
    if posts:
        versions.bump(*posts)
    return posts


def forget_actor(actor):
    posts = set(actor.reactions.values_list("post_id", flat=True))
    actor.reactions.all().delete()
    if posts:
        versions.bump(*posts)
