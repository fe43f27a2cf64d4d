from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from comments.avatars import identicon_svg


@require_safe
def avatar(request, token):
    try:
        svg = identicon_svg(token)
    except ValueError as error:
        raise Http404 from error
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
