from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from wagtail.signals import page_published

        from blog.publishing import on_page_published

        page_published.connect(on_page_published, dispatch_uid="blog.send_linkbacks")
