"""Where the fediverse reaches the blog: discovery at the well-known paths,
actors, objects and inboxes under /ap/."""

from django.urls import path

from comments.federation import discovery, views

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", discovery.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", discovery.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", discovery.nodeinfo, name="nodeinfo"),
    path("ap/inbox/", views.inbox_view, name="shared-inbox"),
    path("ap/actors/<slug:handle>/", views.actor, name="actor"),
    path("ap/actors/<slug:handle>/inbox/", views.inbox_view, name="inbox"),
    path("ap/actors/<slug:handle>/outbox/", views.outbox, name="outbox"),
    path("ap/actors/<slug:handle>/followers/", views.followers, name="followers"),
    path("ap/posts/<int:pk>/", views.post, name="post"),
    path("ap/posts/<int:pk>/replies/", views.replies, name="replies"),
    path("ap/comments/<int:pk>/", views.comment, name="comment"),
    path("ap/notes/<int:pk>/", views.note, name="note"),
]
