"""Who may moderate: the "Moderators" group (or anyone with the comment
permissions) everything; a post's author the comments on their own posts.
Nobody adds a comment in the admin: comments belong to a post, and only the
comment form, an admin reply and linkbacks make them."""

from wagtail.permission_policies import ModelPermissionPolicy

from comments.models import post_model

MODERATORS = "Moderators"


def authored_post_ids(user):
    posts = post_model().objects.filter(author=user)
    return [str(pk) for pk in posts.values_list("pk", flat=True)]


def moderates_all(user):
    return user.is_active and (user.is_superuser or user.has_perm("comments.change_comment"))


def visible_to(user, queryset):
    if moderates_all(user):
        return queryset
    return queryset.on_posts().filter(object_pk__in=authored_post_ids(user))


class CommentPermissionPolicy(ModelPermissionPolicy):
    ACTIONS = {"view", "change", "delete"}

    def _is_author(self, user):
        return user.is_active and bool(authored_post_ids(user))

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        if super().user_has_permission(user, action):
            return True
        return action in self.ACTIONS and self._is_author(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "add":
            return False
        if super().user_has_permission(user, action):
            return True
        if action not in self.ACTIONS:
            return False
        post = instance.content_object
        return post is not None and getattr(post, "author_id", None) == user.pk

    def instances_user_has_permission_for(self, user, action):
        return visible_to(user, self.model.objects.all())
