"""Pages of a logged-in reader, next to allauth's under /accounts/."""

from django.urls import path

from comments import account_views

urlpatterns = [
    path("comments/", account_views.my_comments, name="my_comments"),
    path("export/", account_views.export, name="account_export"),
    path("delete/", account_views.delete_account, name="account_delete"),
]
