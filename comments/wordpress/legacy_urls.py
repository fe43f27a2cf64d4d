"""Old WordPress addresses of imported posts keep working, with a 301 each:

- the old permalink (/2009/05/slug/), through Wagtail's redirects, which an
  admin sees and edits under Settings → Redirects;
- WordPress's plain addresses /?p=<id> and /?page_id=<id>, and any old
  permalink followed by comment-page-<n>/, which the middleware below
  answers (Wagtail's own redirect middleware only looks at pages that are
  not found, and / is the blog).
"""

import re
from urllib.parse import urlsplit

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect

_COMMENT_PAGE = re.compile(r"^(?P<post>/.*?/)comment-page-(?P<number>\d{1,6})/?$")
_PLAIN = ("p", "page_id")


def remember(importer, item, page):
    """Redirect the item's old addresses to `page` (once; a rerun keeps them)."""
    new_path = page.url or ""
    wanted = {_path(item.link)}
    wanted.add(f"/?{'page_id' if item.post_type == 'page' else 'p'}={item.wp_id}")
    for old in wanted:
        if not old or old.rstrip("/") == new_path.rstrip("/"):
            continue
        normalised = Redirect.normalise_path(old)
        Redirect.objects.update_or_create(
            old_path=normalised,
            site=None,
            defaults={"redirect_page": page, "is_permanent": True, "redirect_link": ""},
        )


def _path(link):
    """The path of an old permalink, with its query only for ?p= style ones."""
    parts = urlsplit(link or "")
    if not parts.path and not parts.query:
        return ""
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query and path == "/" else path


def _target(old_path):
    found = Redirect.objects.filter(old_path=Redirect.normalise_path(old_path)).first()
    return found.link if found is not None else None


class LegacyAddressMiddleware:
    """301 for /?p=<id>, /?page_id=<id> and <old permalink>/comment-page-<n>/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD"):
            plain = [key for key in _PLAIN if request.GET.get(key, "").isdigit()]
            if plain:
                key = plain[0]
                target = _target(f"/?{key}={int(request.GET[key])}")
                if target:
                    return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            found = _COMMENT_PAGE.match(request.path)
            target = _target(found["post"]) if found else None
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
