"""The Wagtail site and its home page, a BlogIndexPage."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from wagtail.models import Page, Site

from blog.models import BlogIndexPage

HOME_SLUG = "home"
HOME_TITLE = "Kommentar"
HOME_INTRO = (
    "<p>Ein Blog über das Social Web, Datenschutz und die Kunst, "
    "mit Kundinnen und Kunden zu reden.</p>"
)


def _home():
    home = BlogIndexPage.objects.filter(depth=2).first()
    if home is not None:
        return home, False
    _retire_welcome_page()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=BlogIndexPage(title=HOME_TITLE, slug=HOME_SLUG, intro=HOME_INTRO)
    )
    home.save_revision().publish()
    return home, True


def _retire_welcome_page():
    """Wagtail's initial migration leaves a placeholder 'Welcome' page (and a
    site pointing at it) that would take the home page's slug; drop both."""
    for page in Page.objects.filter(depth=2, content_type__app_label="wagtailcore"):
        if page.is_leaf():
            page.delete()


def load(demo):
    home, created = _home()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.root_page = home
    site.save()
    DjangoSite.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": base.netloc or "localhost", "name": settings.WAGTAIL_SITE_NAME},
    )
    demo.objects["home"] = home
    demo.write(("Created" if created else "Kept") + f" the home page “{home.title}”.")
