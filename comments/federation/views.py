"""The blog's ActivityPub endpoints: actors, their collections, posts and
comments as JSON, and the inboxes. The rules live in the modules these call;
the views only speak HTTP. Nothing here sets a cookie or needs a session."""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from comments.federation import actors, ids, inbox, objects, received
from comments.models import MAX_ID, Comment, post_model
from comments.readers import client_ip

CONTENT_TYPE = "application/activity+json; charset=utf-8"
OUTBOX_PAGE = 20


def _negotiated(response):
    """JSON or, for a browser, a redirect to the page: caches keep them apart."""
    patch_vary_headers(response, ("Accept",))
    return response


def _json(data, status=200):
    response = JsonResponse(
        data, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _enabled():
    if not settings.FEDERATION_ENABLED:
        raise Http404("The fediverse is switched off on this blog.")


def read_only(view):
    """GET and HEAD only, and nothing at all while the fediverse is switched off."""

    @wraps(view)
    def when_enabled(request, *args, **kwargs):
        _enabled()
        return view(request, *args, **kwargs)

    return require_safe(when_enabled)


def _browser(request):
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


def _actor_or_404(handle):
    found = actors.for_handle(handle)
    if found is None:
        raise Http404("No such actor.")
    return found


@read_only
def actor(request, handle):
    found = _actor_or_404(handle)
    document = actors.document(found)
    if _browser(request):
        return _negotiated(redirect(document["url"]))
    return _negotiated(_json(document))


def _posts_of(found):
    posts = post_model().objects.published().order_by("-first_published_at", "-pk")
    return posts.filter(author=found.user) if found.user_id else posts


@read_only
def outbox(request, handle):
    found = _actor_or_404(handle)
    posts = _posts_of(found)
    items = [
        {
            "id": ids.activity("Create", ids.post(post), "outbox"),
            "type": "Create",
            "actor": ids.actor(actors.blog_actor()),
            "published": objects.article(post)["published"],
            "to": [ids.PUBLIC],
            "object": ids.post(post),
        }
        for post in posts[:OUTBOX_PAGE]
    ]
    return _json(
        {
            "@context": objects.AS_CONTEXT,
            "id": ids.outbox(found),
            "type": "OrderedCollection",
            "totalItems": posts.count(),
            "orderedItems": items,
        }
    )


@read_only
def followers(request, handle):
    """The public sees how many, never who."""
    found = _actor_or_404(handle)
    return _json(
        {
            "@context": objects.AS_CONTEXT,
            "id": ids.followers(found),
            "type": "OrderedCollection",
            "totalItems": found.followers.count(),
        }
    )


def _id_or_404(pk):
    """A number beyond a 64-bit column names nothing (and must not reach the database)."""
    if not 0 < pk <= MAX_ID:
        raise Http404("No such object.")
    return pk


def _published_post(pk):
    _id_or_404(pk)
    post = post_model().objects.published().filter(pk=pk).first()
    if post is None:
        raise Http404("No such post.")
    return post


@read_only
def post(request, pk):
    found = _published_post(pk)
    if _browser(request):
        return _negotiated(redirect(found.get_full_url()))
    return _negotiated(_json(objects.article(found)))


@read_only
def replies(request, pk):
    return _json(objects.replies_collection(_published_post(pk)))


@read_only
def comment(request, pk):
    found = (
        Comment.objects.on_posts()
        .visible()
        .filter(pk=_id_or_404(pk), kind=Comment.Kind.COMMENT)
        .first()
    )
    if found is None or not post_model().objects.published().filter(pk=found.object_pk).exists():
        raise Http404("No such comment.")
    if _browser(request):
        return _negotiated(redirect(ids.absolute(found.get_absolute_url())))
    return _negotiated(_json(objects.note(found)))


@read_only
def note(request, pk):
    found = received.live_note(_id_or_404(pk))
    if found is None:
        raise Http404("No such note.")
    document = objects.local_note(found)
    return _json(document, status=410 if found.deleted_at else 200)


def _body(request):
    """The body, at most FEDERATION_MAX_BODY bytes; None when it is larger
    (refused by its declared length before anything is read)."""
    limit = settings.FEDERATION_MAX_BODY
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > limit:
        return None
    data = request.read(limit + 1)
    return data if len(data) <= limit else None


@csrf_exempt
def inbox_view(request, handle=None):
    _enabled()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], "An inbox takes POST requests only.")
    if handle is not None:
        _actor_or_404(handle)
    body = _body(request)
    if body is None:
        return HttpResponse(
            f"The body is larger than {settings.FEDERATION_MAX_BODY} bytes.",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    headers = {name.lower(): value for name, value in request.headers.items()}
    answer = inbox.receive("POST", request.get_full_path(), headers, body, client_ip(request))
    return HttpResponse(
        answer.message, status=answer.status, content_type="text/plain; charset=utf-8"
    )
