"""A logged-in reader's own pages: their comments, their data, leaving."""

import json

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comments import data_export, erasure
from comments.own_comments import own_comments

PER_PAGE = 50


@login_required
@require_GET
def my_comments(request):
    page = Paginator(own_comments(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "account/my_comments.html", {"page_obj": page, "comments": page})


@login_required
@require_GET
def export(request):
    data = json.dumps(data_export.export(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"kommentar-{request.user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label=gettext_lazy("What happens to your comments?"),
        choices=[
            (erasure.ANONYMISE, gettext_lazy('Keep them, signed "Deleted user"')),
            (erasure.DELETE, gettext_lazy("Delete them")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose what happens to your comments.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, delete my account. This cannot be undone."),
        error_messages={"required": gettext_lazy("Please confirm that you want to leave.")},
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    form = DeleteAccountForm(request.POST or None)
    allowed = not (user.is_staff or user.is_superuser)
    if request.method == "POST" and allowed and form.is_valid():
        erasure.delete_account(user, form.cleaned_data["comments"])
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("/")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "account/account_delete.html",
        {"form": form, "allowed": allowed, "comment_count": len(own_comments(user))},
        status=status,
    )
