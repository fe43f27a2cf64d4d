"""Where other blogs reach us: /xmlrpc/, /webmention/, and <post>/trackback/."""

from django.urls import path, re_path

from comments.linkbacks import views

app_name = "linkbacks"

urlpatterns = [
    path("xmlrpc/", views.pingback_endpoint, name="pingback"),
    path("webmention/", views.webmention_endpoint, name="webmention"),
    path("webmention/status/<slug:token>/", views.webmention_status, name="webmention-status"),
    re_path(r"^(?P<path>(?:[^/]+/)+)trackback/$", views.trackback_endpoint, name="trackback"),
]
