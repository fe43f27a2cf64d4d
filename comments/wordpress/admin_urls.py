from django.urls import path

from comments.wordpress import views

app_name = "wordpress"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("export/", views.download, name="export"),
]
