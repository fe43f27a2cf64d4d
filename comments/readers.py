"""What the blog knows of the reader in front of it: their address, the
comments this browser posted, whether they may still change one, the
"remember me" cookie and a draft kept across a social login."""

import json

from django.conf import settings
from django.utils import timezone

from comments.models import Comment

OWN_COMMENTS_KEY = "kommentar_own_comments"
DRAFT_KEY = "kommentar_draft"

AUTHOR_COOKIE = "kommentar_author"
_AUTHOR_SALT = "kommentar.author"
_AUTHOR_MAX_AGE = 365 * 24 * 3600
_AUTHOR_FIELDS = ("name", "email", "url")


def client_ip(request):
    """REMOTE_ADDR only: behind trusted proxies, ClientAddressMiddleware has put the
    reader's address there (comments/client_address.py), never a forged one."""
    return request.META.get("REMOTE_ADDR") or None


def own_comment_ids(request):
    session = getattr(request, "session", None)
    return set(session.get(OWN_COMMENTS_KEY, [])) if session is not None else set()


def remember(request, comment):
    ids = request.session.get(OWN_COMMENTS_KEY, [])
    request.session[OWN_COMMENTS_KEY] = [*ids[-49:], comment.pk]


def may_edit(comment, own_ids, user):
    """Its author may edit or delete a comment for a while: the same logged-in
    user, or the same browser (the session remembers what it posted)."""
    if comment.kind != Comment.Kind.COMMENT:
        return False
    window = timezone.timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)
    if timezone.now() - comment.submit_date > window:
        return False
    if user is not None and user.is_authenticated and comment.user_id == user.pk:
        return True
    return comment.pk in own_ids


def can_edit(request, comment):
    return may_edit(comment, own_comment_ids(request), request.user)


def saved_author(request):
    """WordPress's "save my name, email and website in this browser": a signed,
    HTTP-only cookie, set only when the reader ticks the box."""
    raw = request.get_signed_cookie(AUTHOR_COOKIE, default=None, salt=_AUTHOR_SALT)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {key: str(data[key]) for key in _AUTHOR_FIELDS if key in data}


def update_saved_author(request, response, form):
    """Set the cookie when the box is ticked, remove it when it is not."""
    if form.user is not None:
        return
    if not form.cleaned_data.get("save_info"):
        if AUTHOR_COOKIE in request.COOKIES:
            response.delete_cookie(AUTHOR_COOKIE)
        return
    data = {key: form.cleaned_data.get(key, "") for key in _AUTHOR_FIELDS}
    response.set_signed_cookie(
        AUTHOR_COOKIE,
        json.dumps(data),
        salt=_AUTHOR_SALT,
        max_age=_AUTHOR_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def save_draft(request, post, text, reply_to):
    """A comment typed before logging in survives the trip to the provider
    (JavaScript keeps a copy in sessionStorage too)."""
    request.session[DRAFT_KEY] = {"post": post.pk, "comment": text[:5000], "reply_to": reply_to}


def take_draft(request, post):
    """The draft for this post, once: it is gone from the session after this."""
    session = getattr(request, "session", None)
    if session is None or session.get(DRAFT_KEY, {}).get("post") != post.pk:
        return None
    return session.pop(DRAFT_KEY)
