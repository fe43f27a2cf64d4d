import time

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from comments import discussion
from comments.accounts.names import public_name
from comments.caching import csrf, pagecache, versions
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


def _shared_form(request, post, context):
    """The form as every anonymous reader gets it (no name remembered, no draft,
    no reply chosen) renders the same for all: cached per post, language and
    version of the posts (comments change nothing in it), for an hour at most,
    so that its timestamp stays fresh."""
    key = ":".join(
        [
            "comment-form",
            str(post.pk),
            translation.get_language() or "",
            versions.token(versions.current(request, versions.POSTS)[0]),
            "open" if post.comments_open else "closed",
            str(int(time.time() // 3600)),
        ]
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("comments/form.html", context, request=request)
        cache.set(key, html, 3600)
    return html


@register.inclusion_tag("comments/area.html", takes_context=True)
def comment_area(context, post):
    request = context["request"]
    own = own_comment_ids(request)
    user = request.user if request.user.is_authenticated else None
    token = csrf.personal_token(request)
    shown = discussion.for_reader(request, post, own, user, token)
    form = context.get("comment_form")
    sent_back = form is not None
    if sent_back:
        reply_to = discussion.reply_target(post, form.data.get("reply_to"))
    else:
        reply_to = discussion.reply_target(post, request.GET.get("replytocom"))
        form = _form(request, post, reply_to)
    area = {
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
        "post_url": reverse("comments:post")
        + discussion.page_query(shown.page_number)
        + "#respond",
        "page_url": post.url,
    }
    anonymous = user is None and not pagecache.is_personal(request)
    if anonymous and not sent_back and reply_to is None:
        area["form_html"] = _shared_form(request, post, area)
    return area
