from django.urls import path

from comments import views
from comments.accounts.views import start_login

app_name = "comments"

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("login/<slug:provider>/", start_login, name="login"),
    path("<int:comment_id>/", views.goto, name="goto"),
    path("<int:comment_id>/edit/", views.edit, name="edit"),
    path("<int:comment_id>/delete/", views.delete, name="delete"),
    path("follow/<str:token>/", views.confirm, name="confirm"),
    path("mute/<str:token>/", views.mute, name="mute"),
    path("avatar/<str:token>.svg", views.avatar, name="avatar"),
]
