"""A reader's account pages: logging in from the comment form, their
comments, the name they comment under, their data, leaving."""

import json

from allauth.account.decorators import reauthentication_required
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments import posting, readers
from comments.accounts import data_export, erasure, names
from comments.accounts.forms import DeleteAccountForm, NameForm
from comments.accounts.own_comments import own_comments, rename_own_comments
from comments.caching.csrf import origin_checked

PER_PAGE = 50


@origin_checked
@require_POST
def start_login(request, provider):
    """Keep what the reader typed, then send them to the provider's login."""
    post = posting.commentable_post(request.POST)
    if post is None:
        return HttpResponseBadRequest(_("This post does not exist or takes no comments."))
    readers.save_draft(
        request, post, request.POST.get("comment", ""), request.POST.get("reply_to", "0")
    )
    back = f"{post.url}#respond"
    if provider == "account":
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    try:
        social = get_social_adapter().get_provider(request, provider)
    except SocialApp.DoesNotExist as error:
        raise Http404(_("This login provider is not available.")) from error
    return redirect(social.get_login_url(request, process="login", next=back))


@login_required
@require_GET
def my_comments(request):
    page = Paginator(own_comments(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "account/my_comments.html",
        {"page_obj": page, "comments": page, "public_name": names.public_name(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_name(request):
    """The name a reader comments under. New comments carry the new name; the
    ones written before keep theirs (as in WordPress) unless the reader ticks
    the box to rename them too."""
    user = request.user
    form = NameForm(request.POST or None, initial={"name": names.display_name(user)})
    if request.method == "POST" and form.is_valid():
        names.set_display_name(user, form.cleaned_data["name"])
        if form.cleaned_data["earlier_comments"]:
            rename_own_comments(user, names.public_name(user))
        messages.success(request, _("Your name was changed."))
        return redirect("account_name")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "account/name.html",
        {"form": form, "public_name": names.public_name(user)},
        status=status,
    )


@login_required
@require_GET
def export(request):
    data = json.dumps(data_export.export(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"kommentar-{request.user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


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
