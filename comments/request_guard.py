"""Requests refused before any view parses them, with a clear 400 instead of
the 500 that parsing would end in:

- a body in a charset Python cannot decode text with (unknown, or a codec that
  is no text encoding, such as base64);
- a form (application/x-www-form-urlencoded) in a charset other than UTF-8,
  which Django refuses while reading it, and again in its own error page when
  the request carries a CSRF cookie: that second refusal was a 500;
- a Content-Length that is no number, which Django cannot read the body by.

And a 404 for an address with a NUL in it: no page has one, and PostgreSQL
refuses to look one up (a 500 wherever a view queries by a path segment).
"""

from django.http import HttpResponseBadRequest, HttpResponseNotFound

FORM = "application/x-www-form-urlencoded"


def _decodes_text(charset) -> bool:
    """Whether Django can decode a body in this charset as it does, bad bytes
    replaced. Not every codec Python knows can: base64 and rot13 are no text
    encodings, idna refuses the "replace" handler, "undefined" refuses all."""
    try:
        b"x".decode(charset, "replace")
    except (LookupError, UnicodeError):
        return False
    return True


def _refusal(request):
    """Why the request cannot be read, or None."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isascii() or not length.isdigit():
        return "The Content-Length is not a number."
    if request.method != "POST":
        return None
    # content_params, not request.encoding: Django drops a charset it does not know.
    charset = request.content_params.get("charset", "")
    if charset and not _decodes_text(charset):
        return f"Unknown charset: {charset[:40]}"
    if (
        charset and request.content_type == FORM and charset.lower() != "utf-8"
    ):  # as Django checks it
        return f"Form data must be UTF-8, not {charset[:40]}."
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return HttpResponseNotFound(
                "No address contains a NUL character.", content_type="text/plain; charset=utf-8"
            )
        refusal = _refusal(request)
        if refusal:
            return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
