"""Requests refused before any view parses them, with a clear 400 instead of
the 500 that parsing would end in: a body in a charset Python does not know."""

import codecs

from django.http import HttpResponseBadRequest


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.encoding or ""
        if request.method == "POST" and charset:
            try:
                codecs.lookup(charset)
            except LookupError:
                return HttpResponseBadRequest(
                    f"Unknown charset: {charset[:40]}", content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)
