from django.conf import settings
from wagtail.models import Site


def site(request):
    """The site's name for the header and the head metadata."""
    current = Site.find_for_request(request)
    name = current.site_name if current and current.site_name else settings.WAGTAIL_SITE_NAME
    return {"site_name": name}
