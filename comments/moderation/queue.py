"""The moderation queue in the Wagtail admin."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from laces.components import Component
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import SnippetViewSet

from comments import posting
from comments.avatars import avatar_url
from comments.forms import CommentTextForm
from comments.models import Comment, post_model
from comments.moderation.bulk_actions import BULK_ACTIONS
from comments.moderation.permissions import CommentPermissionPolicy, visible_to
from comments.moderation.pipeline import Refused


def _post_choices():
    return [(str(pk), title) for pk, title in post_model().objects.values_list("pk", "title")]


POLICY = CommentPermissionPolicy(Comment)


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Comment.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("type"), choices=Comment.Kind.choices)
    post = django_filters.ChoiceFilter(
        label=_("Post"), field_name="object_pk", choices=_post_choices
    )

    class Meta:
        model = Comment
        fields = ["status", "kind"]


class AvatarColumn(Column):
    cell_template_name = "comments/admin/avatar_cell.html"

    def get_value(self, instance):
        return avatar_url(email=instance.user_email, name=instance.user_name, kind=instance.kind)


class ExcerptColumn(Column):
    def get_value(self, instance):
        return Truncator(instance.comment).chars(120)


class PostColumn(Column):
    def get_value(self, instance):
        post = instance.content_object
        if post is None:
            return ""
        return format_html('<a href="{}" target="_blank">{}</a>', post.url or "", post.title)


class PendingBadgeMenuItem(MenuItem):
    """Shows how many comments wait, like WordPress's bubble."""

    def render_component(self, request):
        component = super().render_component(request)
        pending = visible_to(request.user, Comment.objects.pending()).count()
        if pending:
            component.label = f"{self.label} ({pending})"
        return component


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Comments")
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    filterset_class = CommentFilterSet
    search_fields = ["comment", "user_name", "user_email", "ip_address"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-submit_date"]
    list_display = [
        "user_name",  # first: the title column, with the edit link and row buttons
        AvatarColumn("avatar", label=_("Avatar")),
        "user_email",
        "user_url",
        "ip_address",
        "submit_date",
        PostColumn("post", label=_("Post")),
        ExcerptColumn("excerpt", label=_("Comment")),
        "status",
        "status_reason",
    ]
    panels = [FieldPanel("comment")]

    permission_policy = POLICY

    @cached_property
    def menu_item_class(self):
        policy = self.permission_policy

        class Item(PendingBadgeMenuItem):
            def is_shown(self, request):
                return policy.user_has_any_permission(request.user, {"view", "change"})

        return Item

    def get_queryset(self, request):
        return visible_to(request.user, Comment.objects.select_related("user", "content_type"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("reply/<int:pk>/", reply, name="reply")]


class PendingCommentsPanel(Component):
    """The dashboard's list of the latest comments waiting for a moderator."""

    name = "pending_comments"
    order = 50
    template_name = "comments/admin/pending_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        comments = visible_to(self.request.user, Comment.objects.pending())
        return {
            "comments": comments.order_by("-submit_date")[:5],
            "queue_url": reverse("wagtailsnippets_comments_comment:list") + "?status=pending",
        }


def reply(request, pk):
    """Answer a comment as the logged-in user, from the queue."""
    parent = get_object_or_404(visible_to(request.user, Comment.objects.all()), pk=pk)
    if not POLICY.user_has_permission_for_instance(request.user, "change", parent):
        raise PermissionDenied
    error = ""
    text = request.POST.get("comment", "") if request.method == "POST" else ""
    if request.method == "POST":
        form = CommentTextForm(request.POST)
        error = form.error
        if form.is_valid():
            try:
                created = posting.reply_as(request.user, parent, form.cleaned_data["comment"])
            except Refused as refusal:
                error = str(refusal)
            else:
                messages.success(request, _("Your reply is published."))
                return redirect(created.get_absolute_url())
    return TemplateResponse(
        request,
        "comments/admin/reply.html",
        {"parent": parent, "text": text, "error": error, "header_icon": "comment"},
    )


def row_buttons(instance, user, next_url=None):
    """Reply, and each status change that applies, for one comment."""
    if not isinstance(instance, Comment) or not POLICY.user_has_permission_for_instance(
        user, "change", instance
    ):
        return
    url = reverse("wagtailsnippets_comments_comment:reply", args=[instance.pk])
    yield Button(_("Reply"), url, icon_name="comment", priority=5)
    for action in BULK_ACTIONS:
        if action.applies_to(instance.status):
            bulk_url = reverse(
                "wagtail_bulk_action", args=["comments", "comment", action.action_type]
            )
            query = urlencode({"id": instance.pk, "next": next_url or ""})
            yield Button(
                action.display_name, f"{bulk_url}?{query}", priority=action.action_priority
            )
