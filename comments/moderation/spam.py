"""Akismet, wrapped: plain data in, a verdict out. It never raises into the
request, always has a timeout, and marks its calls as tests outside production."""

import datetime
import logging
import time
from dataclasses import dataclass

import akismet
import httpx
from django.conf import settings
from django.utils import timezone

from comments.moderation import reasons

logger = logging.getLogger(__name__)

HAM, SPAM, DISCARD, ERROR, SKIPPED = "ham", "spam", "discard", "error", "skipped"


@dataclass(frozen=True)
class SpamCheck:
    result: str
    detail: str = ""

    @property
    def is_spam(self):
        return self.result in (SPAM, DISCARD)


class _Deadline(httpx.SyncByteStream):
    """A response body read against the call's deadline, not per read: a server
    that sends a byte a second would otherwise never time out."""

    def __init__(self, stream, deadline):
        self.stream, self.deadline = stream, deadline

    def __iter__(self):
        for chunk in self.stream:
            if time.monotonic() > self.deadline:
                raise httpx.ReadTimeout("Akismet did not answer within its deadline.")
            yield chunk

    def close(self):
        self.stream.close()


class _AkismetTransport(httpx.HTTPTransport):
    """One deadline for the whole call (AKISMET_TIMEOUT seconds), and, with
    AKISMET_ENDPOINT, Akismet's fixed https://rest.akismet.com URLs sent there
    instead: a fake Akismet on loopback in tests, or a proxy in odd networks."""

    def __init__(self, endpoint="", **kwargs):
        super().__init__(**kwargs)
        self.endpoint = httpx.URL(endpoint) if endpoint else None

    def handle_request(self, request):
        deadline = time.monotonic() + settings.AKISMET_TIMEOUT
        if self.endpoint is not None:
            request.url = request.url.copy_with(
                scheme=self.endpoint.scheme, host=self.endpoint.host, port=self.endpoint.port
            )
            request.headers["Host"] = request.url.netloc.decode()
        response = super().handle_request(request)
        if time.monotonic() > deadline:
            response.close()
            raise httpx.ReadTimeout("Akismet did not answer within its deadline.", request=request)
        response.stream = _Deadline(response.stream, deadline)
        return response


def _http_client():
    return httpx.Client(
        timeout=settings.AKISMET_TIMEOUT,
        headers={"User-Agent": akismet.USER_AGENT},
        transport=_AkismetTransport(getattr(settings, "AKISMET_ENDPOINT", "")),
        follow_redirects=False,
    )


def client(blog_url):
    """An Akismet client, or None when no key is configured."""
    if not settings.AKISMET_API_KEY:
        return None
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=blog_url)
    return akismet.SyncClient(config=config, http_client=_http_client())


def payload(feedback):
    """What Akismet gets to see of one piece of feedback (its comment-check fields)."""
    post = feedback.post
    kind = "reply" if feedback.is_reply and feedback.kind == "comment" else feedback.kind
    if kind == "fediverse":
        kind = "comment"  # Akismet's word for a reply written elsewhere, by a person
    user = feedback.user
    return {
        "user_ip": feedback.ip or "",
        "user_agent": feedback.user_agent,
        "referrer": feedback.referrer,
        "permalink": post.get_full_url() if post else "",
        "comment_type": kind,
        "comment_author": feedback.name,
        "comment_author_email": feedback.email,
        "comment_author_url": feedback.url,
        "comment_content": feedback.content,
        "comment_date_gmt": timezone.now().astimezone(datetime.UTC).isoformat(),
        "blog_lang": "de, en",
        "blog_charset": "UTF-8",
        "user_role": "administrator" if user is not None and user.is_staff else "",
    }


def blog_address(post):
    return post.get_site().root_url + "/"


def _arguments(data):
    arguments = {k: v for k, v in data.items() if v not in (None, "") and k != "user_ip"}
    if not settings.AKISMET_PRODUCTION:
        arguments["is_test"] = True
    return arguments


def check(data, blog_url, spam_client=None):
    """comment-check; any failure (timeout, HTTP error, bad key) is ERROR, never raised."""
    spam_client = spam_client or client(blog_url)
    if spam_client is None:
        return SpamCheck(SKIPPED, reasons.AKISMET_NO_KEY)
    try:
        answer = spam_client.comment_check(data.get("user_ip") or "", **_arguments(data))
    except akismet.APIKeyError:
        logger.error("Akismet refused the API key; comments are held until it is fixed")
        return SpamCheck(ERROR, reasons.AKISMET_INVALID_KEY)
    except akismet.AkismetError as error:
        logger.warning("Akismet check failed: %s", error)
        return SpamCheck(ERROR, str(error) or error.__class__.__name__)
    if answer == akismet.CheckResponse.DISCARD:
        return SpamCheck(DISCARD, reasons.AKISMET_DISCARD)
    if answer == akismet.CheckResponse.SPAM:
        return SpamCheck(SPAM, reasons.AKISMET_SPAM)
    return SpamCheck(HAM, reasons.AKISMET_HAM)


def submit(kind, data, blog_url, spam_client=None):
    """Teach Akismet: kind is SPAM or HAM. Raises on failure, so the task can retry."""
    spam_client = spam_client or client(blog_url)
    if spam_client is None:
        return False
    method = spam_client.submit_spam if kind == SPAM else spam_client.submit_ham
    return method(data.get("user_ip") or "", **_arguments(data))
