"""What another site may give as an address: an http(s) URL with a host, that
parses (a port in range, brackets closed), at most MAX_LENGTH characters, with
no space or control character. Anything else is refused where it comes in,
with a reason, before it reaches a parser, a query or a column."""

import re
from urllib.parse import urlsplit

MAX_LENGTH = 2000  # the URL columns of linkback records
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")


class BadAddress(ValueError):
    pass


def web_url(value, name="URL") -> str:
    """The address, stripped of surrounding space; or BadAddress saying why."""
    value = (value or "").strip()
    if len(value) > MAX_LENGTH:
        raise BadAddress(f"The {name} is longer than {MAX_LENGTH} characters.")
    if _FORBIDDEN.search(value):
        raise BadAddress(f"The {name} contains spaces or control characters.")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:
        raise BadAddress(f"The {name} is not a valid URL.") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadAddress(f"The {name} must be an http or https URL.")
    return value
