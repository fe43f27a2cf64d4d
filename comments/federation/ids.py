"""The absolute URLs that name the blog's actors and objects in the fediverse.
They hang off the default site's root URL, like every post's full URL, and
never change once given out (a post's id is its number, not its slug)."""

from urllib.parse import urlsplit

from django.urls import reverse
from wagtail.models import Site

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PUBLIC_ALIASES = frozenset({PUBLIC, "as:Public", "Public"})
BLOG_HANDLE = "blog"


def base() -> str:
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return site.root_url if site is not None else "http://localhost"


def host() -> str:
    """The host (and port, if any) of acct: handles."""
    return urlsplit(base()).netloc


def absolute(path: str) -> str:
    return base() + path


def actor(actor_or_handle) -> str:
    handle = getattr(actor_or_handle, "handle", actor_or_handle)
    return absolute(reverse("federation:actor", args=[handle]))


def key(actor_or_handle) -> str:
    return actor(actor_or_handle) + "#main-key"


def inbox(actor_or_handle) -> str:
    return absolute(reverse("federation:inbox", args=[actor_or_handle.handle]))


def shared_inbox() -> str:
    return absolute(reverse("federation:shared-inbox"))


def outbox(actor_or_handle) -> str:
    return absolute(reverse("federation:outbox", args=[actor_or_handle.handle]))


def followers(actor_or_handle) -> str:
    return absolute(reverse("federation:followers", args=[actor_or_handle.handle]))


def post(post_or_pk) -> str:
    return absolute(reverse("federation:post", args=[getattr(post_or_pk, "pk", post_or_pk)]))


def replies(post_or_pk) -> str:
    return absolute(reverse("federation:replies", args=[getattr(post_or_pk, "pk", post_or_pk)]))


def comment(comment_or_pk) -> str:
    pk = getattr(comment_or_pk, "pk", comment_or_pk)
    return absolute(reverse("federation:comment", args=[pk]))


def note(note_or_pk) -> str:
    pk = getattr(note_or_pk, "pk", note_or_pk)
    return absolute(reverse("federation:note", args=[pk]))


def activity(kind: str, object_id: str, stamp: str) -> str:
    """An id for one of our activities: the object's, with a fragment."""
    return f"{object_id}#{kind.lower()}-{stamp}"


def local_path(url: str) -> str | None:
    """The path of one of our own URLs, or None for another server's."""
    ours, theirs = urlsplit(base()), urlsplit(url or "")
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        return None
    return theirs.path or "/"
