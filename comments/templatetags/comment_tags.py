from django import template
from django.urls import reverse

from comments import discussion
from comments.accounts.names import public_name
from comments.caching import csrf
from comments.forms import CommentForm
from comments.readers import own_comment_ids, saved_author, take_draft

register = template.Library()


def _form(request, post, reply_to):
    user = request.user if request.user.is_authenticated else None
    initial = {} if user else saved_author(request)
    if initial:
        initial["save_info"] = True
    if reply_to is not None:
        initial["reply_to"] = reply_to.id
    draft = take_draft(request, post)
    if draft:
        initial["comment"] = draft["comment"]
        initial["reply_to"] = draft["reply_to"]
    return CommentForm(post, initial=initial, user=user)


@register.inclusion_tag("comments/area.html", takes_context=True)
def comment_area(context, post):
    request = context["request"]
    own = own_comment_ids(request)
    user = request.user if request.user.is_authenticated else None
    token = csrf.personal_token(request)
    shown = discussion.for_reader(request, post, own, user, token)
    form = context.get("comment_form")
    if form is not None:
        reply_to = discussion.reply_target(post, form.data.get("reply_to"))
    else:
        reply_to = discussion.reply_target(post, request.GET.get("replytocom"))
        form = _form(request, post, reply_to)
    return {
        "request": request,
        "post": post,
        "discussion": shown,
        "form": form,
        "reply_to": reply_to,
        "user": user,
        "public_name": public_name(user) if user else "",
        "error": context.get("comment_error", ""),
        "comments_open": post.comments_open,
        # The page opens at the form after a POST without JavaScript, error and all;
        # the page of the discussion travels along, so a reply there finds its comment.
        "post_url": reverse("comments:post") + _query(shown.page_number) + "#respond",
        "page_url": post.url,
    }


def _query(number):
    return f"?cpage={number}" if number > 1 else ""
