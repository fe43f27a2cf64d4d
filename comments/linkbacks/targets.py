"""Which of our posts a linkback's target URL names, and whether it takes pings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from wagtail.models import Site

from comments.models import post_model


def _site_for(host, port):
    sites = Site.objects.select_related("root_page").filter(hostname__iexact=host)
    exact = [site for site in sites if site.port == port]
    if exact or sites:
        return (exact or list(sites))[0]
    allowed = settings.ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
    if validate_host(host, allowed):
        return Site.objects.select_related("root_page").filter(is_default_site=True).first()
    return None


def resolve(url):
    """The published post at `url` on one of our sites, or None."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host, _ = split_domain_port(parts.netloc.rsplit("@", 1)[-1])
    site = _site_for(host or parts.hostname, port or (443 if parts.scheme == "https" else 80))
    if site is None:
        return None
    path = parts.path.strip("/")
    url_path = site.root_page.url_path + (f"{path}/" if path else "")
    return post_model().objects.published().filter(url_path=url_path).first()
