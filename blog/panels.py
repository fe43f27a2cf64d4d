"""An admin panel on each post: what became of telling linked blogs about it."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class OutgoingPingsPanel(Panel):
    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Linked blogs"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "outgoing_pings"

    class BoundPanel(Panel.BoundPanel):
        template_name = "blog/admin/outgoing_pings_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            post = self.instance
            context["pings"] = list(post.outgoing_pings.all()) if post and post.pk else []
            return context
