"""A commenter's picture: their social account's (a copy served from here,
comments/pictures.py), Gravatar's if the blog opts in, and otherwise one drawn
here from a keyed hash of the email, so that no third party hears of the
reader and the email cannot be recovered from it."""

import colorsys
import hashlib
import hmac
import re
from functools import cache

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.cache import cache as django_cache
from django.dispatch import Signal
from django.urls import get_script_prefix, reverse

from comments import pictures

LINKBACK_KINDS = {"pingback", "trackback", "webmention"}
_SALT = "kommentar.avatar"
_PLACEHOLDER = "0" * 32
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_GRID = 5
_HALF = (_GRID + 1) // 2
# How long a page that shows a social picture without its copy waits before
# asking for the copy again (the first ask queues the fetch).
_ASK_AGAIN_SECONDS = 3600

# A social account's picture has no local copy yet; user_id names its owner.
# comments/accounts/tasks.py queues the fetch.
social_picture_wanted = Signal()


def _normalize(email: str) -> str:
    """One address, however the reader typed it, must give one picture."""
    return (email or "").strip().casefold()


@cache
def _key(secret: str) -> bytes:
    """The HMAC key salted_hmac would derive, derived once per secret."""
    return hashlib.sha256((_SALT + secret).encode()).digest()


def avatar_token(email: str, name: str = "") -> str:
    """Stable per address (or per name, for readers without one); keyed with
    SECRET_KEY, so a list of known addresses cannot be matched against it.
    The same value as salted_hmac(_SALT, source, algorithm="sha256")."""
    source = _normalize(email) or "name:" + (name or "").strip().casefold()
    digest = hmac.new(_key(settings.SECRET_KEY), source.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


@cache
def _avatar_path(prefix: str) -> tuple[str, str]:
    """The avatar URL around its token, reversed once per script prefix."""
    url = reverse("comments:avatar", kwargs={"token": _PLACEHOLDER})
    head, _, tail = url.partition(_PLACEHOLDER)
    return head, tail


def _hex_colour(hue: int, lightness: float, saturation: float) -> str:
    """Hex rather than hsl(): every SVG renderer, feed reader included, knows it."""
    red, green, blue = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))


def _cells(bits: int) -> list[tuple[int, int]]:
    """Fill the left half from the token's bits and mirror it, as faces are."""
    cells = []
    for row in range(_GRID):
        for column in range(_HALF):
            if bits >> (8 + row * _HALF + column) & 1:
                cells.extend((x, row) for x in sorted({column, _GRID - 1 - column}))
    return cells


def identicon_svg(token: str) -> str:
    """A symmetric 5x5 pattern drawn from the token alone: it holds no text, so
    nothing about the person travels with the picture. The token is checked
    because it comes from the URL."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise ValueError("An avatar token is 32 lowercase hex characters.")
    bits = int(token, 16)
    hue = bits % 360
    background = _hex_colour(hue, 0.92, 0.40)
    foreground = _hex_colour(hue, 0.35, 0.60)
    rects = "".join(f'<rect x="{x}" y="{y}" width="1" height="1"/>' for x, y in _cells(bits))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_GRID} {_GRID}" '
        'width="64" height="64" shape-rendering="crispEdges">'
        f'<rect width="{_GRID}" height="{_GRID}" fill="{background}"/>'
        f'<g fill="{foreground}">{rects}</g></svg>'
    )


def _gravatar_url(email: str, size: int) -> str:
    """Gravatar hashes the trimmed, lower-cased address; SHA-256 since 2024."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon"


def avatar_url(
    *,
    email: str,
    name: str = "",
    kind: str = "comment",
    social_url: str | None = None,
    size: int = 64,
) -> str | None:
    """Where a comment's picture comes from. Linkbacks get none, as in
    WordPress; Gravatar is asked only when the blog opts in, since every
    request tells it who reads what; otherwise the picture is served here.
    `social_url` is what social_picture found: a copy served here, never the
    provider's address."""
    if kind in LINKBACK_KINDS:
        return None
    if social_url:
        return social_url
    if getattr(settings, "AVATARS_GRAVATAR", False) and _normalize(email):
        return _gravatar_url(email, size)
    head, tail = _avatar_path(get_script_prefix())
    return head + avatar_token(email, name) + tail


def _extra_data_picture(data):
    """Where providers put the picture in what they told us at login:
    Facebook nests it, Google and OpenID Connect name it, GitHub too."""
    picture = data.get("picture")
    if isinstance(picture, dict):
        picture = (picture.get("data") or {}).get("url")
    return picture or data.get("avatar_url")


def _provider_picture(account):
    try:
        return account.get_avatar_url()
    except SocialApp.DoesNotExist:  # the provider has been switched off since
        return None


def _acceptable(url):
    """A web address (fetched by the safe fetcher, never by readers), or a file
    this blog serves itself (the demo's placeholder)."""
    url = str(url or "")
    return url.startswith(("https://", "http://")) or _is_static(url)


def _is_static(url):
    return url.startswith(settings.STATIC_URL) and not url.startswith("//")


def social_source(user):
    """The first linked social account with a picture, and the picture's
    address as the provider gives it; (None, None) without one. Expects
    `user.socialaccount_set` to be prefetched."""
    for account in user.socialaccount_set.all() if user is not None else ():
        url = _provider_picture(account) or _extra_data_picture(account.extra_data or {})
        if _acceptable(url):
            return account, str(url)
    return None, None


def picture_owner(account) -> str:
    """Whose copy it is, for pictures.forget when the account goes or its picture moves."""
    return f"socialaccount:{account.pk}"


def social_picture(user) -> str | None:
    """Where a page shows the picture of a user's social account: the local
    copy, never the provider's address. Without a copy yet, None (the page
    shows the identicon) and the copy is asked for, once an hour at most.
    Expects `user.socialaccount_set` to be prefetched."""
    _account, source = social_source(user)
    if source is None:
        return None
    if _is_static(source):
        return source
    found = pictures.local_url(source)
    if found is None and django_cache.add(
        f"picture-wanted:{pictures.storage_name(source)}", True, _ASK_AGAIN_SECONDS
    ):
        social_picture_wanted.send(sender=None, user_id=user.pk)
    return found
