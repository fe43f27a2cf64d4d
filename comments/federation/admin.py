"""The fediverse in the Wagtail admin, under one "Fediverse" menu: who follows
the blog, the boosts and likes each post got (and how its deliveries went),
and every delivery to another server.

Who sees what: moderators (comments/moderation/permissions.py: superusers and
whoever may change comments) see followers and reactions, and may remove a
follower; deliveries name other servers' inboxes and echo their errors, so
only superusers see them. Blocked domains are the "Fediverse" site setting
(comments/federation/models.py).

No page here shows a private key: LocalActor has no admin of its own, and
where a row names a local actor, only its handle shows."""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from comments.federation import delivery
from comments.federation.models import Delivery, Follower, Reaction
from comments.federation.public import web_url
from comments.models import post_model
from comments.moderation.permissions import moderates_all

MODERATORS = "moderators"
SUPERUSERS = "superusers"
# What a delivery's state looks like in a listing: trouble stands out.
STATE_LOOKS = {
    Delivery.State.FAILED: "critical",
    Delivery.State.RETRYING: "warning",
}


class FederationPolicy(BasePermissionPolicy):
    """Who may do what with one of the federation models: `rules` maps an
    action ("view", "delete") to MODERATORS or SUPERUSERS; what it does not
    name, nobody may (nobody adds or edits these rows by hand)."""

    def __init__(self, model, rules):
        super().__init__(model)
        self.rules = rules

    @staticmethod
    def _allows(user, who):
        if not getattr(user, "is_active", False):
            return False
        return user.is_superuser if who == SUPERUSERS else moderates_all(user)

    def user_has_permission(self, user, action):
        who = self.rules.get(action)
        return who is not None and self._allows(user, who)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        levels = {self.rules[action] for action in actions if action in self.rules}
        users = get_user_model().objects.filter(is_active=True)
        if MODERATORS in levels:
            change = Permission.objects.filter(
                content_type__app_label="comments", codename="change_comment"
            )
            return users.filter(
                Q(is_superuser=True)
                | Q(groups__permissions__in=change)
                | Q(user_permissions__in=change)
            ).distinct()
        if SUPERUSERS in levels:
            return users.filter(is_superuser=True)
        return users.none()

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        return manager.all() if self.user_has_any_permission(user, actions) else manager.none()


FOLLOWERS_POLICY = FederationPolicy(Follower, {"view": MODERATORS, "delete": MODERATORS})
REACTIONS_POLICY = FederationPolicy(Reaction, {"view": MODERATORS})
DELIVERIES_POLICY = FederationPolicy(Delivery, {"view": SUPERUSERS})
POLICIES = {Follower: FOLLOWERS_POLICY, Reaction: REACTIONS_POLICY, Delivery: DELIVERIES_POLICY}


class LinkColumn(Column):
    """A web address as a link to it, or nothing: never a javascript: URL."""

    cell_template_name = "comments/admin/fediverse/link_cell.html"

    def get_value(self, instance):
        return web_url(super().get_value(instance))


class StateColumn(Column):
    """A delivery's state, failures marked as such."""

    cell_template_name = "comments/admin/fediverse/state_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["look"] = STATE_LOOKS.get(instance.state, "")
        return context


class PostColumn(Column):
    """The post an activity is about, linking to its editor."""

    cell_template_name = "comments/admin/fediverse/post_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        post = instance.post
        context["post_title"] = post.title if post is not None else ""
        context["post_url"] = (
            reverse("wagtailadmin_pages:edit", args=[post.pk]) if post is not None else ""
        )
        return context


class FailedColumn(NumberColumn):
    """How many deliveries of a post were given up: marked when any were."""

    cell_template_name = "comments/admin/fediverse/failed_cell.html"


class ReadOnlyViewSet(ModelViewSet):
    """A listing of rows the federation code writes: no add, edit, copy,
    history or usage pages; deleting only where the policy allows it."""

    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_admin_menu = False
    deletable = False
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **({} if self.deletable else {"delete_url_name": None}),
            **kwargs,
        )

    def get_urlpatterns(self):
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if self.deletable:
            patterns.append(
                path(f"delete/<{self.pk_path_converter}:pk>/", self.delete_view, name="delete")
            )
        return patterns

    def get_permissions_to_register(self):
        # The policy decides (moderators, superusers): no group checkboxes that would not.
        return Permission.objects.none()

    def register_admin_url_finder(self):
        pass  # there is no edit page to find


class FollowerIndexView(generic.IndexView):
    results_template_name = "comments/admin/fediverse/followers_results.html"

    def get_base_queryset(self):
        return Follower.objects.select_related("remote", "actor").only(
            "created_at",
            "follow_id",
            "actor__handle",
            "remote__preferred_username",
            "remote__host",
            "remote__name",
            "remote__url",
        )

    @cached_property
    def columns(self):
        columns = super().columns
        columns[0].label = _("Account")
        return columns


class FollowerDeleteView(generic.DeleteView):
    """Removing a follower tells its server (a Reject of its Follow), in the
    same transaction: the delivery goes out once the row is gone."""

    def delete_action(self):
        with transaction.atomic():
            delivery.reject(self.object)
            super().delete_action()


class FollowerViewSet(ReadOnlyViewSet):
    model = Follower
    name = "fediverse_followers"
    url_prefix = "fediverse/followers"
    icon = "group"
    menu_label = _("Followers")
    index_view_class = FollowerIndexView
    delete_view_class = FollowerDeleteView
    deletable = True
    list_filter = ["actor"]
    list_display = [
        "remote",  # the handle: the title column, with the "remove" button
        Column("name", label=_("Name"), accessor="remote.display_name"),
        LinkColumn("profile", label=_("Profile"), accessor="remote.url"),
        DateColumn("created_at", label=_("Since"), sort_key="created_at"),
        Column("actor", label=_("Follows"), accessor="actor.handle"),
    ]


class DeliveryFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=Delivery.State.choices)
    post = django_filters.NumberFilter(label=_("Post ID"), field_name="post_id")

    class Meta:
        model = Delivery
        fields = ["state"]


class DeliveryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return Delivery.objects.select_related("post").defer("activity")


class DeliveryViewSet(ReadOnlyViewSet):
    model = Delivery
    name = "fediverse_deliveries"
    url_prefix = "fediverse/deliveries"
    icon = "mail"
    menu_label = _("Deliveries")
    index_view_class = DeliveryIndexView
    filterset_class = DeliveryFilterSet
    list_display = [
        "activity_type",
        Column("inbox", label=_("inbox")),
        PostColumn("post", label=_("Post")),
        StateColumn("state", label=_("state"), accessor="get_state_display", sort_key="state"),
        NumberColumn("attempts", label=_("attempts"), sort_key="attempts"),
        Column("detail", label=_("detail")),
        DateColumn("created_at", label=_("queued"), sort_key="created_at"),
        DateColumn("updated_at", label=_("updated"), sort_key="updated_at"),
        DateColumn("sent_at", label=_("delivered"), sort_key="sent_at"),
    ]


def _per_post(model, **filters):
    """How many rows of `model` name the outer post: a subquery, so that
    counting reactions and deliveries side by side multiplies nothing."""
    rows = (
        model.objects.filter(post=OuterRef("pk"), **filters)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def posts_with_fediverse_activity():
    """Posts that got a reaction or were delivered, with the counts the report shows."""
    waiting = [Delivery.State.QUEUED, Delivery.State.RETRYING]
    return (
        post_model()
        .objects.filter(
            Exists(Reaction.objects.filter(post=OuterRef("pk")))
            | Exists(Delivery.objects.filter(post=OuterRef("pk")))
        )
        .only("title", "date")
        .annotate(
            boosts=_per_post(Reaction, kind=Reaction.Kind.ANNOUNCE),
            likes=_per_post(Reaction, kind=Reaction.Kind.LIKE),
            delivered=_per_post(Delivery, state=Delivery.State.SENT),
            waiting=_per_post(Delivery, state__in=waiting),
            failed=_per_post(Delivery, state=Delivery.State.FAILED),
        )
    )


class ReactionReportView(generic.IndexView):
    """Posts with their boosts, likes and deliveries, newest first."""

    permission_policy = REACTIONS_POLICY
    any_permission_required = ["view"]
    page_title = _("Fediverse reactions")
    header_icon = "pick"
    default_ordering = "-date"
    list_per_page = 50
    model = None

    def get_base_queryset(self):
        return posts_with_fediverse_activity()

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Post"),
                sort_key="title",
                get_url=lambda post: reverse("fediverse_reactions:post", args=[post.pk]),
            ),
            NumberColumn("boosts", label=_("Boosts"), sort_key="boosts"),
            NumberColumn("likes", label=_("Likes"), sort_key="likes"),
            NumberColumn("delivered", label=_("Delivered"), sort_key="delivered"),
            NumberColumn("waiting", label=_("Waiting"), sort_key="waiting"),
            FailedColumn("failed", label=_("Given up"), sort_key="failed"),
            DateColumn("date", label=_("Date"), sort_key="date"),
        ]

    @cached_property
    def verbose_name_plural(self):
        return _("posts with reactions or deliveries")


def post_reactions(request, pk):
    """Who boosted and liked one post, and how its deliveries stand."""
    if not REACTIONS_POLICY.user_has_permission(request.user, "view"):
        raise PermissionDenied
    post = get_object_or_404(posts_with_fediverse_activity(), pk=pk)
    reactions = (
        Reaction.objects.filter(post=post).select_related("actor").order_by("-created_at", "-pk")
    )
    rows = [
        {
            "handle": reaction.actor.handle,
            "name": reaction.actor.display_name,
            "profile": web_url(reaction.actor.url),
            "kind": reaction.get_kind_display(),
            "date": reaction.created_at,
        }
        for reaction in reactions
    ]
    deliveries_url = ""
    if DELIVERIES_POLICY.user_has_permission(request.user, "view"):
        deliveries_url = reverse("fediverse_deliveries:index") + f"?post={post.pk}"
    return TemplateResponse(
        request,
        "comments/admin/fediverse/post_reactions.html",
        {
            "post": post,
            "rows": rows,
            "deliveries_url": deliveries_url,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[post.pk]),
            "report_url": reverse("fediverse_reactions:index"),
            "header_icon": "pick",
        },
    )


class ReactionReportViewSet(ViewSet):
    name = "fediverse_reactions"
    url_prefix = "fediverse/reactions"
    icon = "pick"
    menu_label = _("Reactions")

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", ReactionReportView.as_view(**urls), name="index"),
            path(
                "results/",
                ReactionReportView.as_view(**urls, results_only=True),
                name="index_results",
            ),
            path("<int:pk>/", post_reactions, name="post"),
        ]

    @cached_property
    def menu_item_class(self):
        class Item(MenuItem):
            def is_shown(self, request):
                return REACTIONS_POLICY.user_has_permission(request.user, "view")

        return Item


class FediverseViewSetGroup(ViewSetGroup):
    menu_label = _("Fediverse")
    menu_name = "fediverse"
    menu_icon = "globe"
    menu_order = 260  # after the comments
    items = (FollowerViewSet, ReactionReportViewSet, DeliveryViewSet)
