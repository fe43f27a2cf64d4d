"""Headers that tell the browser what a page may do: a Content-Security-Policy
with no inline script or style (the templates load files only), embeds only
as frames the author put in a post, no framing of the blog by others; and a
Permissions-Policy that switches off what a blog never needs.

Wagtail's admin and editors on the site (its user bar) are left to Wagtail,
which uses inline scripts. deploy/nginx/kommentar.conf sends the same two
headers with cached pages; tests/deploy checks that they agree."""

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",  # social and Gravatar pictures, images in posts
        "frame-src 'self' https:",  # embeds (video, maps) an author put in a post
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
_ADMIN = ("/admin/", "/django-admin/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(_ADMIN) or _is_editor(request):
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def _is_editor(request):
    """Staff see Wagtail's user bar on the site, which needs inline script."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # anonymous: no need to load the session to know
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)
