"""Pages of a logged-in reader, next to allauth's under /accounts/."""

from django.urls import path

from comments.accounts import views

urlpatterns = [
    path("comments/", views.my_comments, name="my_comments"),
    path("name/", views.change_name, name="account_name"),
    path("export/", views.export, name="account_export"),
    path("delete/", views.delete_account, name="account_delete"),
]
