"""HTTP Signatures as Mastodon speaks them (draft-cavage-http-signatures,
rsa-sha256): signing outgoing requests, and checking incoming ones before
anything else reads their body.

An incoming POST must sign `(request-target)`, `host`, `date` and `digest`;
its Digest (SHA-256) must match the body; its Date may be at most 12 hours
old and 1 hour ahead. Only then is the key fetched and the signature checked."""

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from django.views.decorators.debug import sensitive_variables

from comments.federation import keys

MAX_AGE = timedelta(hours=12)
MAX_AHEAD = timedelta(hours=1)
POST_HEADERS = ("(request-target)", "host", "date", "digest")
GET_HEADERS = ("(request-target)", "host", "date")
ALGORITHMS = ("rsa-sha256", "hs2019")
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')
MAX_HEADER = 4096


class Invalid(Exception):
    """The request is not signed as required; the message says how (for the 401)."""


@dataclass(frozen=True)
class Signed:
    """A signature header that passed every check but the key's."""

    key_id: str
    signature: str
    signing_string: bytes

    def verified_by(self, public_pem):
        return keys.verify(public_pem, self.signing_string, self.signature)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(when=None) -> str:
    return format_datetime((when or datetime.now(UTC)).astimezone(UTC), usegmt=True)


def _target(method, url):
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{method.lower()} {path}?{parts.query}" if parts.query else f"{method.lower()} {path}"


def _signing_string(names, method, target_url, headers):
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {_target(method, target_url)}")
        else:
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines).encode()


@sensitive_variables("private_pem")
def sign(method, url, key_id, private_pem, body=None, when=None):
    """The headers that sign a request to `url`: Host, Date, Digest (with a
    body) and Signature. The caller adds them to its own."""
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "date": http_date(when)}
    names = GET_HEADERS
    if body is not None:
        headers["digest"] = digest(body)
        names = POST_HEADERS
    signature = keys.sign(private_pem, _signing_string(names, method, url, headers))
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",'
        f'headers="{" ".join(names)}",signature="{signature}"'
    )
    return {name.title(): value for name, value in headers.items()}


def parse(header: str) -> dict:
    """The parameters of a Signature header; Invalid if it is not one."""
    if not header or len(header) > MAX_HEADER:
        raise Invalid("The request is not signed.")
    params, position = {}, 0
    while position < len(header):
        match = _PARAM.match(header, position)
        if match is None:
            raise Invalid("The Signature header cannot be read.")
        params[match.group(1)] = match.group(2)
        position = match.end()
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise Invalid(f"The Signature header has no {required}.")
    return params


def _date(value, now):
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as error:
        raise Invalid("The Date header cannot be read.") from error
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if sent < now - MAX_AGE:
        raise Invalid("The Date header is more than 12 hours old.")
    if sent > now + MAX_AHEAD:
        raise Invalid("The Date header is more than an hour ahead.")


def check(method, path, headers, body=None, now=None) -> Signed:
    """Everything about an incoming request's signature that needs no key.
    `headers` maps lower-case names to values; `path` includes the query."""
    params = parse(headers.get("signature", ""))
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise Invalid(f"The signature algorithm {algorithm} is not supported.")
    names = params.get("headers", "date").lower().split()
    required = POST_HEADERS if method.upper() == "POST" else ("date",)
    missing = [name for name in required if name not in names]
    if missing:
        raise Invalid(f"The signature must cover {', '.join(missing)}.")
    absent = [n for n in names if not n.startswith("(") and n not in headers]
    if absent:
        raise Invalid(f"Signed headers are missing: {', '.join(absent)}.")
    if any(n.startswith("(") and n != "(request-target)" for n in names):
        raise Invalid("Only (request-target) is supported among the pseudo-headers.")
    _date(headers["date"], now or datetime.now(UTC))
    if body is not None or "digest" in names:
        _check_digest(headers.get("digest", ""), body or b"")
    return Signed(
        key_id=params["keyId"],
        signature=params["signature"],
        signing_string=_signing_string(names, method, path, headers),
    )


def _check_digest(header, body):
    wanted = digest(body)[len("SHA-256=") :]
    for part in header.split(","):
        algorithm, _, value = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            if value != wanted:
                raise Invalid("The Digest header does not match the body.")
            return
    raise Invalid("A SHA-256 Digest header is required.")
