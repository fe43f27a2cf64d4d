from django.urls import path, register_converter

from comments import views
from comments.accounts.views import start_login

app_name = "comments"


class CommentId:
    """A comment id as a 64-bit column holds it: longer numbers match no URL (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(CommentId, "comment_id")

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("login/<slug:provider>/", start_login, name="login"),
    path("<comment_id:comment_id>/", views.goto, name="goto"),
    path("<comment_id:comment_id>/edit/", views.edit, name="edit"),
    path("<comment_id:comment_id>/delete/", views.delete, name="delete"),
    path("follow/<str:token>/", views.confirm, name="confirm"),
    path("mute/<str:token>/", views.mute, name="mute"),
    path("avatar/<str:token>.svg", views.avatar, name="avatar"),
]
