"""Thin views: parse the request, call a service, answer."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments import discussion, posting, readers, subscriptions
from comments.avatars import identicon_svg
from comments.caching.csrf import origin_checked
from comments.forms import CommentForm, CommentTextForm
from comments.models import Comment
from comments.moderation import ratelimit
from comments.moderation.pipeline import Refused
from comments.moderation.status import set_status
from comments.thread import page_number_for


def render_post(request, post, form, status, error=""):
    """The post page again, with the reader's form and everything they typed."""
    context = post.get_context(request)
    # Shown at /comments/post/, which answers only POST: the language switch returns to the post.
    context.update(comment_form=form, comment_error=error, page_path=post.url)
    return TemplateResponse(request, post.get_template(request), context, status=status)


def permalink(comment, request=None):
    post = comment.content_object
    own = readers.own_comment_ids(request) if request is not None else ()
    page = page_number_for(comment, post, own)
    return f"{post.url}{discussion.page_query(page)}#comment-{comment.pk}"


@origin_checked
@require_POST
def post_comment(request):
    post = posting.commentable_post(request.POST)
    if post is None:
        return HttpResponseBadRequest(_("This post does not exist or takes no comments."))
    form = CommentForm(post, data=request.POST, user=request.user)
    if ratelimit.exceeded(request):
        return render_post(
            request, post, form, 429, _("Too many comments from your address. Try again later.")
        )
    if not form.is_valid():
        if form.security_errors():
            form = _fresh_form(post, request)
            return render_post(
                request, post, form, 400, _("The form had expired. Please send it again.")
            )
        return render_post(request, post, form, 400)
    try:
        comment = posting.submit(form, request, post)
    except Refused as refusal:  # closed, honeypot, flood, duplicate: the pipeline says why
        return render_post(request, post, form, 403, str(refusal))
    if comment.status == Comment.Status.SPAM:
        return HttpResponseRedirect(post.url + "#comments", status=303)
    response = HttpResponseRedirect(permalink(comment, request), status=303)
    readers.update_saved_author(request, response, form)
    return response


def _fresh_form(post, request):
    """A new security hash and timestamp, with the reader's text kept."""
    data = request.POST.copy()
    form = CommentForm(post, user=request.user)
    for key, value in form.generate_security_data().items():
        data[key] = value
    return CommentForm(post, data=data, user=request.user)


def csrf_failure(request, reason=""):
    """An expired token must not cost a reader their comment: show it again."""
    post = posting.commentable_post(request.POST) if request.method == "POST" else None
    if post is None or request.path != reverse("comments:post"):
        return render(request, "403_csrf.html", {"reason": reason}, status=403)
    form = _fresh_form(post, request)
    return render_post(
        request, post, form, 403, _("Your session had expired. Please send your comment again.")
    )


def goto(request, comment_id):
    comment = get_object_or_404(Comment.objects.visible(), pk=comment_id)
    return redirect(permalink(comment, request))


def _own_comment(request, comment_id):
    comment = get_object_or_404(Comment, pk=comment_id)
    if not readers.can_edit(request, comment) or comment.status == Comment.Status.TRASH:
        raise Http404(_("This comment can no longer be changed."))
    return comment


@require_http_methods(["GET", "POST"])
def edit(request, comment_id):
    comment = _own_comment(request, comment_id)
    error = ""
    text = comment.comment
    if request.method == "POST":
        form = CommentTextForm(request.POST)
        text = request.POST.get("comment", "")
        error = form.error
        if form.is_valid():
            try:
                posting.edit(comment, form.cleaned_data["comment"])
                return redirect(permalink(comment, request))
            except Refused as refusal:
                error = str(refusal)
    return render(
        request,
        "comments/edit.html",
        {
            "comment_id": comment.pk,
            "text": text,
            "error": error,
            "post": comment.content_object,
            "limit": settings.COMMENT_MAX_LENGTH,
        },
        status=400 if error else 200,
    )


@require_POST
def delete(request, comment_id):
    comment = _own_comment(request, comment_id)
    post = comment.content_object
    set_status(comment, Comment.Status.TRASH, reason="deleted by its author")
    messages.success(request, _("Your comment was deleted."))
    return redirect(post.url + "#comments")


def _subscription_link(request, token, action, perform):
    """A mailed link shows a button on GET (mail scanners follow links) and acts on POST."""
    subscription = subscriptions.from_token(token, action)
    if subscription is None:
        raise Http404(_("This link is not valid."))
    if request.method == "POST":
        perform(subscription)
    return render(
        request,
        "comments/subscription.html",
        {"subscription": subscription, "action": action, "done": request.method == "POST"},
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    return _subscription_link(request, token, subscriptions.CONFIRM, subscriptions.confirm)


@csrf_exempt  # the signed token authorises it; mail clients post without a form (RFC 8058)
@require_http_methods(["GET", "POST"])
def mute(request, token):
    return _subscription_link(request, token, subscriptions.MUTE, subscriptions.mute)


# The picture for a token never changes, and an SVG must not run script.
_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


@require_safe
def avatar(request, token):
    """The identicon for a token; anything but a well-formed token is a 404."""
    try:
        svg = identicon_svg(token)
    except ValueError as error:
        raise Http404 from error
    return HttpResponse(svg, content_type="image/svg+xml", headers=_HEADERS)
