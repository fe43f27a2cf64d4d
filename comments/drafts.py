"""A comment typed before logging in survives the trip to the provider:
the server keeps it in the session (JavaScript keeps a copy in sessionStorage)."""

KEY = "kommentar_draft"


def save(request, post, text, reply_to):
    request.session[KEY] = {"post": post.pk, "comment": text[:5000], "reply_to": reply_to}


def take(request, post):
    """The draft for this post, once: it is gone from the session after this."""
    session = getattr(request, "session", None)
    if session is None or session.get(KEY, {}).get("post") != post.pk:
        return None
    return session.pop(KEY)
