"""Social accounts' pictures, copied here (comments/pictures.py does the
copying): which picture a user has, when the pages with their comments must
be built again, and which copy goes with a deleted account."""

from django.contrib.auth import get_user_model

from comments import pictures
from comments.avatars import picture_owner, social_source
from comments.caching import versions
from comments.models import Comment


def copy_for(user_id) -> bool:
    """Copy the picture of the user's social account here, if it is not yet.
    True when a new copy arrived: the posts the user commented on are then
    built again, to show it. Raises pictures.TryLater for another try."""
    users = get_user_model().objects.filter(pk=user_id)
    user = users.prefetch_related("socialaccount_set").first()
    account, source = social_source(user)
    if source is None or not source.startswith(("https://", "http://")):
        return False
    if pictures.local_url(source) is not None:
        return False
    if pictures.copy(source, owner=picture_owner(account)) is None:
        return False
    posts = Comment.objects.on_posts().filter(user_id=user_id).values_list("object_pk", flat=True)
    versions.bump(*set(posts))
    return True


def account_deleted(sender, instance, **kwargs):
    """A social account was removed (or its user, erased): its copy goes too."""
    pictures.forget(picture_owner(instance))
