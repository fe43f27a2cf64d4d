"""The blog's own actors: the blog as a Service, and each author who has
published as a Person. A row and its key pair are made the first time an
actor is asked for; the documents show the public key only."""

import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from comments.accounts import names
from comments.federation import ids, keys
from comments.federation.content import sanitize
from comments.federation.models import LocalActor
from comments.models import post_model

CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "toot": "http://joinmastodon.org/ns#",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
        "Hashtag": "as:Hashtag",
    },
]
HANDLE = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")


@sensitive_variables("private_pem")
def _create(**fields):
    public_pem, private_pem = keys.generate()  # slow-ish: before the transaction
    try:
        with transaction.atomic():
            return LocalActor.objects.create(
                public_key_pem=public_pem, private_key_pem=private_pem, **fields
            )
    except IntegrityError:  # made at the same moment by another request?
        found = LocalActor.objects.filter(handle=fields["handle"]).first()
        user = fields.get("user")
        if found is not None and found.user_id == getattr(user, "pk", None):
            return found
        raise


def blog_actor() -> LocalActor:
    found = LocalActor.objects.filter(handle=ids.BLOG_HANDLE).first()
    return found or _create(kind=LocalActor.Kind.BLOG, handle=ids.BLOG_HANDLE)


def author_handle(user) -> str:
    """The author's user name as the archive shows it, when it makes a handle
    that is not someone else's already; never anything built from an email
    address (author_<id> then)."""
    fallback = f"author_{user.pk}"
    name = user.get_username()
    if "@" in name or names.username_from_email(name, user.email):
        return fallback
    handle = slugify(name).replace("-", "_")
    if not HANDLE.match(handle) or handle == ids.BLOG_HANDLE:
        return fallback
    taken = LocalActor.objects.filter(handle=handle).exclude(user=user).exists()
    return fallback if taken else handle


def _has_published(user):
    return post_model().objects.live().public().filter(author=user).exists()


def author_actor(user) -> LocalActor | None:
    """The author's actor, made on first use; None for someone who has not
    published (they are nobody the fediverse could follow)."""
    if user is None:
        return None
    found = LocalActor.objects.filter(user=user).first()
    if found is not None:
        return found
    if not _has_published(user):
        return None
    return _create(kind=LocalActor.Kind.AUTHOR, handle=author_handle(user), user=user)


def for_handle(handle: str) -> LocalActor | None:
    """The actor a WebFinger name or an actor URL means, if there is one."""
    if handle == ids.BLOG_HANDLE:
        return blog_actor()
    found = LocalActor.objects.filter(handle=handle).first()
    if found is not None:
        return found
    for user in (
        get_user_model().objects.filter(is_active=True, blog_posts__isnull=False).distinct()
    ):
        if author_handle(user) == handle:
            return author_actor(user)
    return None


def name_of(actor: LocalActor) -> str:
    if actor.user is not None:
        return names.display_name(actor.user) or actor.handle
    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site else "") or "Blog"


def _index():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site else None


def _summary(actor):
    if actor.user is not None:
        return escape(_("Writes at %(blog)s") % {"blog": name_of(blog_actor())})
    intro = getattr(_index(), "intro", "") or ""
    return sanitize(expand_db_html(str(intro)))


def profile_url(actor):
    """The blog's home, or the author's archive (home, if the user name in
    its address would look like an email address)."""
    index_url = getattr(_index(), "url", None) or "/"
    name = actor.user.get_username() if actor.user_id else ""
    if not name or actor.handle == f"author_{actor.user_id}":
        return ids.absolute(index_url)
    return ids.absolute(f"{index_url}author/{name}/")


def icon_url():
    return ids.absolute(static("img/fediverse-icon.png"))


def document(actor: LocalActor) -> dict:
    """The actor as ActivityPub JSON: nothing about it but what the blog shows."""
    actor_id = ids.actor(actor)
    return {
        "@context": CONTEXT,
        "id": actor_id,
        "type": "Person" if actor.kind == LocalActor.Kind.AUTHOR else "Service",
        "preferredUsername": actor.handle,
        "name": name_of(actor),
        "summary": _summary(actor),
        "url": profile_url(actor),
        "inbox": ids.inbox(actor),
        "outbox": ids.outbox(actor),
        "followers": ids.followers(actor),
        "endpoints": {"sharedInbox": ids.shared_inbox()},
        "icon": {"type": "Image", "mediaType": "image/png", "url": icon_url()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "attributionDomains": [ids.host()],
        "published": actor.created_at.isoformat(),
        "publicKey": {
            "id": ids.key(actor),
            "owner": actor_id,
            "publicKeyPem": actor.public_key_pem,
        },
    }
