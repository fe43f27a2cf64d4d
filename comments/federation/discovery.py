"""How the fediverse finds the blog: WebFinger turns `@blog@<host>` (or an
author's `@<handle>@<host>`) into the actor's URL, and NodeInfo says what
software runs here and how much it holds. Read-only JSON for anyone (CORS
open), never a cookie, never a server error whatever the query says."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from comments.federation import actors, ids
from comments.federation.views import read_only
from comments.models import Comment, post_model

SOFTWARE_NAME = "kommentar"
SOFTWARE_VERSION = "0.1.0"  # pyproject.toml's [project] version
# The public source repository; left out of NodeInfo while empty.
SOFTWARE_REPOSITORY = ""
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_TYPE = f'application/json; profile="{NODEINFO_SCHEMA}#"'
JRD_TYPE = "application/jrd+json"
MAX_RESOURCE = 512


def _json(data, *, status=200, content_type="application/json"):
    response = JsonResponse(data, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status, message):
    return _json({"error": str(message)}, status=status)


class _BadResource(ValueError):
    pass


def _handle_from_acct(resource):
    """`acct:name@host` (the scheme and a leading "@" may be left out)."""
    name = resource[5:] if resource[:5].lower() == "acct:" else resource
    user, at, host = name.lstrip("@").rpartition("@")
    if not at or not user or not host:
        raise _BadResource(_("An acct: resource is written acct:name@host."))
    if host.lower() != ids.host().lower():
        return None
    return user.lower()


def _handle_from_url(resource):
    """The handle in one of our actor URLs; None for anything else."""
    try:
        theirs = urlsplit(resource)
    except ValueError:
        raise _BadResource(_("The resource is not a valid URL.")) from None
    ours = urlsplit(ids.base())
    if (theirs.scheme.lower(), theirs.netloc.lower()) != (ours.scheme, ours.netloc.lower()):
        return None
    try:
        match = resolve(theirs.path or "/")
    except Resolver404:
        return None
    if match.view_name != "federation:actor":
        return None
    values = [*match.args, *match.kwargs.values()]
    return str(values[0]) if values else None


def _handle(resource):
    if resource.lower().startswith(("http://", "https://")):
        return _handle_from_url(resource)
    if "@" not in resource or any(char.isspace() or ord(char) < 32 for char in resource):
        raise _BadResource(_("The resource must be acct:name@host or an actor's URL."))
    return _handle_from_acct(resource)


def _jrd(actor):
    actor_id = ids.actor(actor)
    profile = actors.profile_url(actor)
    return {
        "subject": f"acct:{actor.handle}@{ids.host()}",
        "aliases": [actor_id, profile],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_id},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": profile,
            },
        ],
    }


@read_only
def webfinger(request):
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return _error(400, _("Ask with ?resource=acct:name@host."))
    if len(resource) > MAX_RESOURCE or "\x00" in resource:
        return _error(400, _("The resource is not a valid name or URL."))
    try:
        handle = _handle(resource)
    except _BadResource as bad:
        return _error(400, bad)
    actor = actors.for_handle(handle) if handle and actors.HANDLE.match(handle) else None
    if actor is None:
        return _error(404, _("Nobody here goes by that name."))
    return _json(_jrd(actor), content_type=JRD_TYPE)


@read_only
def nodeinfo_links(request):
    href = ids.absolute(reverse("federation:nodeinfo"))
    return _json({"links": [{"rel": NODEINFO_SCHEMA, "href": href}]})


def _site_name():
    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME


def _authors(posts, since=None):
    if since is not None:
        posts = posts.filter(date__gte=since)
    users = get_user_model().objects.filter(is_active=True, blog_posts__in=posts)
    return users.distinct().count()


def _usage():
    posts = post_model().objects.live().public()
    now = timezone.now()
    comments = Comment.objects.approved().on_posts().filter(kind=Comment.Kind.COMMENT)
    return {
        "users": {
            "total": _authors(posts),
            "activeHalfyear": _authors(posts, now - timedelta(days=180)),
            "activeMonth": _authors(posts, now - timedelta(days=30)),
        },
        "localPosts": posts.count(),
        "localComments": comments.count(),
    }


def _software():
    software = {"name": SOFTWARE_NAME, "version": SOFTWARE_VERSION}
    if SOFTWARE_REPOSITORY:
        software["repository"] = SOFTWARE_REPOSITORY
    return software


@read_only
def nodeinfo(request):
    document = {
        "version": "2.1",
        "software": _software(),
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": _usage(),
        "metadata": {"nodeName": _site_name()},
    }
    return _json(document, content_type=NODEINFO_TYPE)
