from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from comments.federation.admin import POLICIES as FEDERATION_POLICIES
from comments.federation.admin import FediverseViewSetGroup
from comments.models import Comment
from comments.moderation.bulk_actions import BULK_ACTIONS
from comments.moderation.queue import POLICY, CommentViewSet, PendingCommentsPanel, row_buttons
from comments.wordpress import admin_urls as wordpress_urls

LOG_ACTIONS = [
    ("comments.approve", _("Approve comment"), _("Comment approved")),
    ("comments.unapprove", _("Unapprove comment"), _("Comment unapproved")),
    ("comments.spam", _("Mark comment as spam"), _("Comment marked as spam")),
    ("comments.trash", _("Move comment to trash"), _("Comment moved to trash")),
]


@hooks.register("register_log_actions")
def comment_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


register_permission_policy(Comment, POLICY)
for _model, _policy in FEDERATION_POLICIES.items():
    register_permission_policy(_model, _policy)
register_snippet(CommentViewSet)
for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action)


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if POLICY.user_has_any_permission(request.user, {"change"}):
        panels.append(PendingCommentsPanel(request))


hooks.register("register_snippet_listing_buttons", row_buttons)


@hooks.register("register_admin_urls")
def wordpress_admin_urls():
    return [path("wordpress/", include(wordpress_urls, namespace="wordpress"))]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def wordpress_menu_item():
    return SuperuserMenuItem(
        _("WordPress import and export"), reverse("wordpress:index"), icon_name="download"
    )


@hooks.register("register_admin_viewset")
def fediverse_viewsets():
    """Followers, reactions and deliveries (comments/federation/admin.py says who sees what)."""
    return FediverseViewSetGroup()
