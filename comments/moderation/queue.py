"""The moderation queue in the Wagtail admin: a snippet listing of comments
that opens on the pending ones, with one-click status buttons in each row.

Comments come from readers and other blogs, never from this listing: the
queue has no "add" and no "copy" (a comment made here would belong to no post)."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from laces.components import Component
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from comments import posting
from comments.avatars import avatar_url
from comments.forms import CommentTextForm
from comments.models import Comment, post_model
from comments.moderation import reasons
from comments.moderation.bulk_actions import BULK_ACTIONS
from comments.moderation.permissions import CommentPermissionPolicy, visible_to
from comments.moderation.pipeline import Refused

ALL = "all"
LIST_URL_NAME = "wagtailsnippets_comments_comment:list"
#: Row actions that a moderator sees as buttons, not in the "more" menu.
ROW_BUTTONS = {"approve", "spam"}
ACTIONS = {action.action_type: action for action in BULK_ACTIONS}


def _post_choices():
    return [(str(pk), title) for pk, title in post_model().objects.values_list("pk", "title")]


def pending_queue_url():
    return reverse(LIST_URL_NAME) + f"?status={Comment.Status.PENDING}"


POLICY = CommentPermissionPolicy(Comment)


class CommentFilterSet(WagtailFilterSet):
    """Opens on the pending comments; "all" shows every status."""

    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[*Comment.Status.choices, (ALL, _("All"))],
        empty_label=None,
        initial=Comment.Status.PENDING,
        method="filter_status",
    )
    kind = django_filters.ChoiceFilter(label=_("type"), choices=Comment.Kind.choices)
    post = django_filters.ChoiceFilter(
        label=_("Post"), field_name="object_pk", choices=_post_choices
    )

    class Meta:
        model = Comment
        fields = ["status", "kind"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Comment.Status.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset if value in ("", ALL) else queryset.filter(status=value)


class AvatarColumn(Column):
    cell_template_name = "comments/admin/avatar_cell.html"

    def get_value(self, instance):
        return avatar_url(email=instance.user_email, name=instance.user_name, kind=instance.kind)


class ExcerptColumn(Column):
    def get_value(self, instance):
        return Truncator(instance.comment).chars(80)


class ReasonColumn(Column):
    """The stored reason, in the moderator's language."""

    def get_value(self, instance):
        return reasons.describe(instance.status_reason)


class ContactColumn(Column):
    """Email, website and IP address in one narrow cell (moderators only)."""

    cell_template_name = "comments/admin/contact_cell.html"

    def get_value(self, instance):
        return instance


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


class CommentIndexView(IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        # The title column would take the field's label, "user's name" (Benutzername).
        next(c for c in columns if c.name == "user_name").label = _("Name")
        return columns


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Comments")
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = CommentIndexView
    filterset_class = CommentFilterSet
    search_fields = ["comment", "user_name", "user_email", "ip_address"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-submit_date"]
    list_display = [
        "user_name",  # first: the title column, with the edit link and row buttons
        AvatarColumn("avatar", label=_("Avatar")),
        ExcerptColumn("excerpt", label=_("Comment")),
        "status",
        ReasonColumn("status_reason", label=_("reason"), sort_key="status_reason"),
        PostColumn("post", label=_("Post")),
        DateColumn("submit_date", label=_("Date"), sort_key="submit_date"),
        ContactColumn("contact", label=_("Email, website, IP")),
    ]
    panels = [FieldPanel("comment", disable_comments=True)]

    permission_policy = POLICY

    @property
    def menu_url(self):
        return pending_queue_url()

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
        # "add" keeps its name (Wagtail may reverse it) but there is no such page.
        return [
            *(p for p in super().get_urlpatterns() if p.name != "add"),
            path("add/", no_new_comments, name="add"),
            path("reply/<int:pk>/", reply, name="reply"),
            path("status/<int:pk>/<slug:action>/", change_status, name="status"),
        ]


class PendingCommentsPanel(Component):
    """The dashboard's list of the latest comments waiting for a moderator."""

    name = "pending_comments"
    order = 50
    template_name = "comments/admin/pending_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        comments = visible_to(self.request.user, Comment.objects.pending())
        latest = comments.order_by("-submit_date")[:5]
        return {
            "rows": [(comment, reasons.describe(comment.status_reason)) for comment in latest],
            "queue_url": pending_queue_url(),
        }


def no_new_comments(request):
    """A comment made from a blank form would belong to no post (HTTP 500 before)."""
    raise Http404


def _may_change(user, comment):
    return POLICY.user_has_permission_for_instance(user, "change", comment)


def _moderated_comment(request, pk):
    comment = get_object_or_404(visible_to(request.user, Comment.objects.all()), pk=pk)
    if not _may_change(request.user, comment):
        raise PermissionDenied
    return comment


def _back(request):
    """Where a row's button leads back to: the listing as the moderator left it."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, {request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return pending_queue_url()


@require_POST
def change_status(request, pk, action):
    """One click in a row: approve, unapprove, spam, not spam, trash or restore.
    Each can be undone by another click, so none asks for a confirmation."""
    action_class = ACTIONS.get(action)
    comment = _moderated_comment(request, pk)
    if action_class is None or not action_class.applies_to(comment.status):
        messages.error(request, _("This action does not apply to this comment any more."))
        return redirect(_back(request))
    action_class.perform(comment, request.user)
    messages.success(request, action_class.done_message % {"name": comment.user_name})
    return redirect(_back(request))


def reply(request, pk):
    """Answer a comment as the logged-in user, from the queue. A reply to a
    pending comment either approves it first or waits with it."""
    parent = _moderated_comment(request, pk)
    error = ""
    text = request.POST.get("comment", "") if request.method == "POST" else ""
    if request.method == "POST":
        form = CommentTextForm(request.POST)
        error = form.error
        if form.is_valid():
            approve = "approve_parent" in request.POST
            try:
                created = posting.reply_as(
                    request.user, parent, form.cleaned_data["comment"], approve_parent=approve
                )
            except Refused as refusal:
                error = str(refusal)
                parent.refresh_from_db()
            else:
                return _replied(request, parent, created)
    return TemplateResponse(
        request,
        "comments/admin/reply.html",
        {
            "parent": parent,
            "parent_pending": parent.status == Comment.Status.PENDING,
            "parent_hidden": parent.status != Comment.Status.APPROVED,
            "text": text,
            "error": error,
            "header_icon": "comment",
        },
    )


def _replied(request, parent, created):
    if created.is_approved:
        if parent.is_approved and "approve_parent" in request.POST:
            messages.success(request, _("The comment is approved and your reply is published."))
        else:
            messages.success(request, _("Your reply is published."))
        return redirect(created.get_absolute_url())
    messages.warning(
        request,
        _("Your reply is saved but not published: %(reason)s. It waits in the queue.")
        % {"reason": reasons.describe(created.status_reason)},
    )
    return redirect(pending_queue_url())


class RowActionButton(Button):
    """A status change as a small POST form, so one click does it (with CSRF)."""

    template_name = "comments/admin/row_action_button.html"

    def __init__(self, label, action_url, allow_in_dropdown=True, **kwargs):
        super().__init__(label, attrs={"type": "submit"}, **kwargs)
        self.action_url = action_url
        self.allow_in_dropdown = allow_in_dropdown
        if not allow_in_dropdown:
            self.classname = "button button-small button-secondary"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = context.get("request")
        context["csrf_token"] = get_token(request) if request is not None else ""
        return context


def row_buttons(instance, user, next_url=None):
    """Reply, and each status change that applies, for one comment."""
    if not isinstance(instance, Comment) or not _may_change(user, instance):
        return
    url = reverse("wagtailsnippets_comments_comment:reply", args=[instance.pk])
    yield Button(_("Reply"), url, icon_name="comment", priority=5)
    for action in BULK_ACTIONS:
        if action.applies_to(instance.status):
            yield RowActionButton(
                action.display_name,
                reverse(
                    "wagtailsnippets_comments_comment:status",
                    args=[instance.pk, action.action_type],
                ),
                allow_in_dropdown=action.action_type not in ROW_BUTTONS,
                icon_name=action.icon_name,
                priority=action.action_priority,
            )
