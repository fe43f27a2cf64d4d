"""A commenter's picture: their social account's, Gravatar's if the blog opts
in, and otherwise one drawn here from a keyed hash of the email, so that no
third party hears of the reader and the email cannot be recovered from it."""

import hashlib
import re

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

LINKBACK_KINDS = {"pingback", "trackback", "webmention"}
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_GRID = 5


def _normalize(email):
    return (email or "").strip().casefold()


def avatar_token(email: str, name: str = "") -> str:
    """Stable per address (or per name, for readers without one); keyed with
    SECRET_KEY, so a list of known addresses cannot be matched against it."""
    source = _normalize(email) or "name:" + (name or "").strip().casefold()
    return salted_hmac("kommentar.avatar", source, algorithm="sha256").hexdigest()[:32]


def _colour(hue, saturation, lightness):
    return f"hsl({hue} {saturation}% {lightness}%)"


def identicon_svg(token: str) -> str:
    """A symmetric 5x5 pattern, drawn from the token alone: it holds no text."""
    if not _TOKEN.match(token or ""):
        raise ValueError("An avatar token is 32 lowercase hex characters.")
    bits = int(token, 16)
    hue = bits % 360
    cells = []
    for row in range(_GRID):
        for column in range((_GRID + 1) // 2):
            if bits >> (8 + row * 3 + column) & 1:
                for x in {column, _GRID - 1 - column}:
                    cells.append(f'<rect x="{x}" y="{row}" width="1" height="1"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" width="64" height="64" '
        'shape-rendering="crispEdges">'
        f'<rect width="5" height="5" fill="{_colour(hue, 40, 92)}"/>'
        f'<g fill="{_colour(hue, 55, 38)}">{"".join(cells)}</g></svg>'
    )


def avatar_url(
    *,
    email: str,
    name: str = "",
    kind: str = "comment",
    social_url: str | None = None,
    size: int = 64,
) -> str | None:
    if kind in LINKBACK_KINDS:
        return None
    if social_url:
        return social_url
    if getattr(settings, "AVATARS_GRAVATAR", False) and _normalize(email):
        digest = hashlib.sha256(_normalize(email).encode()).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon"
    return reverse("comments:avatar", kwargs={"token": avatar_token(email, name)})
