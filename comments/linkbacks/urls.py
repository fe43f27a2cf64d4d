"""Where other blogs reach us: /xmlrpc/, /webmention/, and <post>/trackback/."""

from django.urls import path, re_path

from comments.linkbacks import pingback, trackback, webmention

urlpatterns = [
    path("xmlrpc/", pingback.endpoint, name="pingback"),
    path("webmention/", webmention.endpoint, name="webmention"),
    path("webmention/status/<str:token>/", webmention.status, name="webmention-status"),
    re_path(r"^(?P<path>(?:[^/]+/)+)trackback/$", trackback.endpoint, name="trackback"),
]
