"""How a post tells other blogs where to ping it: HTTP headers, <link> tags
and the trackback RDF block, each only while that protocol is open."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Endpoints:
    pingback: str = ""
    webmention: str = ""
    trackback: str = ""


def endpoints(post, request=None):
    # The root URL from Wagtail's site root paths (cached), not a query per page view.
    parts = post.get_url_parts(request)
    base = parts[1] if parts else post.get_site().root_url
    return Endpoints(
        pingback=base + reverse("linkbacks:pingback") if post.pings_open("pingback") else "",
        webmention=base + reverse("linkbacks:webmention") if post.pings_open("webmention") else "",
        trackback=post.get_full_url(request) + "trackback/"
        if post.pings_open("trackback")
        else "",
    )


def add_headers(response, found):
    if found.pingback:
        response["X-Pingback"] = found.pingback
    if found.webmention:
        response["Link"] = f'<{found.webmention}>; rel="webmention"'
    return response
