from django import template
from django.urls import reverse

from comments.accounts.names import public_name
from comments.forms import CommentForm
from comments.readers import own_comment_ids, saved_author, take_draft
from comments.thread import thread_for

register = template.Library()


def _reply_target(request, thread):
    """`?replytocom=<id>` answers a comment without JavaScript, as in WordPress."""
    try:
        wanted = int(request.GET.get("replytocom", ""))
    except ValueError:
        return None
    for node in thread.comments:
        if node.id == wanted and node.can_reply and not node.is_pending:
            return node
    return None


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
    thread = thread_for(post, request.GET.get("cpage"), own, request.user)
    form = context.get("comment_form")
    reply_to = None
    if form is not None:
        reply_id = form.data.get("reply_to") or "0"
        reply_to = next((n for n in thread.comments if str(n.id) == reply_id), None)
    else:
        reply_to = _reply_target(request, thread)
        form = _form(request, post, reply_to)
    user = request.user if request.user.is_authenticated else None
    page_base = _page_base(post, thread)
    return {
        "request": request,
        "post": post,
        "thread": thread,
        "form": form,
        "reply_to": reply_to,
        "user": user,
        "public_name": public_name(user) if user else "",
        "error": context.get("comment_error", ""),
        "comments_open": post.comments_open,
        # The page opens at the form after a POST without JavaScript, error and all;
        # the page of the discussion travels along, so a reply there finds its comment.
        "post_url": reverse("comments:post") + _query(thread.page.number) + "#respond",
        "csrf_token": context.get("csrf_token"),
        "page_url": post.url,
        "permalink_base": page_base,
        "reply_base": page_base + ("&" if "?" in page_base else "?") + "replytocom=",
    }


def _query(number):
    return f"?cpage={number}" if number > 1 else ""


def _page_base(post, thread):
    """Links name the post and its page of the discussion, so that they work from
    anywhere: the post page, or /comments/post/ showing an error."""
    return post.url + _query(thread.page.number)
