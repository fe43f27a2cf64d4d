"""Serves the locally drawn avatars, so no commenter's picture needs a third party."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from comments.avatars import identicon_svg

# The picture for a token never changes, and an SVG must not run script.
_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


@require_safe
def avatar(request, token):
    """The identicon for a token; anything but a well-formed token is a 404."""
    try:
        svg = identicon_svg(token)
    except ValueError as error:
        raise Http404 from error
    return HttpResponse(svg, content_type="image/svg+xml", headers=_HEADERS)
