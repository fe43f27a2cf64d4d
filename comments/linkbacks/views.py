"""Where other blogs reach us: /xmlrpc/, /webmention/, and <post>/trackback/.
The protocol modules hold the rules; these views only speak HTTP."""

import logging
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError
from xmlrpc.client import Fault, ResponseError, dumps

from django.conf import settings
from django.db import transaction
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comments.linkbacks import pingback, targets, tasks, trackback, webmention
from comments.linkbacks.models import IncomingWebmention
from comments.moderation import ratelimit
from comments.readers import client_ip

logger = logging.getLogger(__name__)


def _user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")


# A pingback.ping call is two URLs in a few hundred bytes of XML.
MAX_XMLRPC_BYTES = 64 * 1024


def _too_big(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_XMLRPC_BYTES


def _xml(payload):
    return HttpResponse(payload, content_type="text/xml; charset=utf-8")


@csrf_exempt
def pingback_endpoint(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], "XML-RPC server accepts POST requests only.")
    if _too_big(request):  # refused by its size, before anything reads or parses it
        too_big = f"The request is larger than {MAX_XMLRPC_BYTES} bytes."
        fault = Fault(pingback.PARSE_ERROR, too_big)
        response = _xml(dumps(fault, methodresponse=True))
        response.status_code = 413
        return response
    try:
        if not (settings.LINKBACKS_ENABLED and settings.PINGBACK_ENABLED):
            raise Fault(pingback.TARGET_CLOSED, "Pingbacks are switched off on this blog.")
        result = pingback.call(
            request.body, ip=client_ip(request), user_agent=_user_agent(request)
        )
        return _xml(dumps((result,), methodresponse=True, allow_none=False))
    except Fault as fault:
        return _xml(dumps(fault, methodresponse=True))
    except (ExpatError, ResponseError, LookupError, ValueError, TypeError, IndexError) as error:
        return _xml(dumps(Fault(pingback.PARSE_ERROR, f"Malformed XML-RPC request: {error}")))
    except Exception:  # a fault, never a 500: the caller is a program
        logger.exception("Pingback failed")
        return _xml(dumps(Fault(pingback.UPSTREAM_ERROR, "The pingback could not be processed.")))


@csrf_exempt  # other sites post here; nothing of a reader's session is used
@require_POST
def webmention_endpoint(request):
    if not (settings.LINKBACKS_ENABLED and settings.WEBMENTION_ENABLED):
        return HttpResponse("Webmentions are switched off on this blog.", status=404)
    try:
        source_url, target_url, post = webmention.validate(request.POST)
    except webmention.Invalid as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    ip = client_ip(request)
    if ratelimit.linkback_exceeded(ip, urlsplit(source_url).hostname):
        return HttpResponse("Too many Webmentions. Try again later.", status=429)
    mention = IncomingWebmention.objects.create(
        source=source_url, target=target_url, post=post, ip_address=ip
    )
    transaction.on_commit(lambda: tasks.verify_webmention.enqueue(mention.pk))
    status_url = request.build_absolute_uri(
        reverse("linkbacks:webmention-status", args=[mention.token])
    )
    response = HttpResponse(
        f"Accepted. Its progress: {status_url}\n", status=202, content_type="text/plain"
    )
    response["Location"] = status_url
    return response


@require_GET
def webmention_status(request, token):
    mention = get_object_or_404(IncomingWebmention, token=token)
    return JsonResponse(
        {
            "source": mention.source,
            "target": mention.target,
            "status": mention.state,
            "detail": mention.detail,
            "updated": mention.updated_at.isoformat(),
        }
    )


@csrf_exempt  # other blogs post here; nothing of a reader's session is used
@require_POST
def trackback_endpoint(request, path):
    post = targets.resolve(request.build_absolute_uri("/" + path))
    if post is None:
        return trackback.answer("There is no post at this address.", status=404)
    return trackback.accept(
        request.POST, post, ip=client_ip(request), user_agent=_user_agent(request)
    )
