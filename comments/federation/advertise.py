"""What a post page tells the fediverse: its Article JSON to a client that
asks for ActivityStreams in its Accept header, and the <link>/<meta> tags
that name that JSON and the post's author in the HTML page. The only
federation module the blog app uses."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_vary_headers

from comments.federation import actors, ids, objects
from comments.federation.models import LocalActor

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
AS_PROFILE = "https://www.w3.org/ns/activitystreams"
# An Accept header longer than any client sends is read this far only.
MAX_ACCEPT = 2048
MAX_RANGES = 32
_RANGE = re.compile(r'(?:[^,"]|"(?:\\.|[^"\\])*")+')
_PARAM = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:\\.|[^"\\])*"|[^;\s]*)')
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _params(text):
    found = {}
    for name, value in _PARAM.findall(text):
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found.setdefault(name.lower(), value)
    return found


def _ranges(header):
    """(media type, parameters, q) of each range in the header, in order;
    a range with a malformed q is left out."""
    for part in _RANGE.findall(header[:MAX_ACCEPT])[:MAX_RANGES]:
        media, _, rest = part.partition(";")
        media = media.strip().lower()
        if media.count("/") != 1:
            continue
        params = _params(rest)
        q = params.get("q", "1").strip()
        if not _QVALUE.match(q):
            continue
        yield media, params, float(q)


def _is_activity(media, params):
    if media == ACTIVITY_JSON:
        return True
    return media == LD_JSON and AS_PROFILE in params.get("profile", "").split()


def _html_rank(media):
    """How specifically a range names HTML: 3 exactly, 2 text/*, 1 */*, 0 not."""
    if media in HTML_TYPES:
        return 3
    return {"text/*": 2, "*/*": 1}.get(media, 0)


def _best(header):
    """(q, position) of the best ActivityStreams range, and (rank, q, position)
    of the range that decides HTML's q (the most specific, then the highest)."""
    activity = html = None
    for position, (media, params, q) in enumerate(_ranges(header)):
        if _is_activity(media, params) and (activity is None or q > activity[0]):
            activity = (q, position)
        rank = _html_rank(media)
        if rank and (html is None or (rank, q) > html[:2]):
            html = (rank, q, position)
    return activity, html


def wants_activity_json(request) -> bool:
    """True when the Accept header prefers ActivityStreams JSON to HTML: by
    q-value, then, at equal q, by whichever is named first (a wildcard that
    only happens to match HTML loses to an explicit ActivityStreams type)."""
    header = request.META.get("HTTP_ACCEPT", "")
    if not settings.FEDERATION_ENABLED:
        return False  # switched off: every client gets the page
    if not isinstance(header, str) or "json" not in header.lower():
        return False
    activity, html = _best(header)
    if activity is None or activity[0] <= 0:
        return False
    if html is None or activity[0] != html[1]:
        return html is None or activity[0] > html[1]
    return html[0] < 3 or activity[1] < html[2]


def article_response(post, request=None) -> JsonResponse:
    """The post as an Article; varies by Accept as the page it shares a URL with."""
    response = JsonResponse(objects.article(post), content_type=ACTIVITY_JSON)
    patch_vary_headers(response, ("Accept",))
    return response


def _creator_handle(post) -> str:
    """The author's handle if WebFinger knows them (they published), else the
    blog's. Read only: the author's actor is made when it is first asked for."""
    user = post.author
    if user is None:
        return ids.BLOG_HANDLE
    stored = LocalActor.objects.filter(user=user).values_list("handle", flat=True).first()
    if stored:
        return stored
    published = type(post).objects.live().public().filter(author=user).exists()
    if not (user.is_active and published):
        return ids.BLOG_HANDLE
    return actors.author_handle(user)


def head_tags(post, request=None) -> dict | None:
    """The alternate link and the fediverse:creator of a live post's page;
    None for a preview or a draft, which has no ActivityPub id to name."""
    if post.pk is None or not post.live or not settings.FEDERATION_ENABLED:
        return None
    alternate = ids.post(post)
    host = urlsplit(alternate).netloc  # ids.host(), without asking for the site again
    return {"alternate": alternate, "creator": f"@{_creator_handle(post)}@{host}"}
