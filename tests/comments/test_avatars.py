import hashlib
import re
import xml.etree.ElementTree as ET

import pytest

from comments.avatars import avatar_token, avatar_url, identicon_svg

SVG = "{http://www.w3.org/2000/svg}"
EMAIL = "marcus@example.org"


def _cells(svg):
    """The foreground cells of an identicon, as (x, y) pairs."""
    root = ET.fromstring(svg)
    return {(int(r.get("x")), int(r.get("y"))) for r in root.iter(f"{SVG}rect") if r.get("x")}


def _luminance(hex_colour):
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_token_is_stable_and_ignores_case_and_whitespace():
    token = avatar_token(" Marcus@Example.ORG ")
    assert token == avatar_token(EMAIL)
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert token != avatar_token("werner@example.org")


def test_token_is_keyed_with_the_secret_key(settings):
    token = avatar_token(EMAIL)
    settings.SECRET_KEY = "another-key-that-is-long-enough-for-django-to-accept-it"
    assert avatar_token(EMAIL) != token


def test_token_and_svg_reveal_nothing_of_the_email():
    token = avatar_token(EMAIL)
    svg = identicon_svg(token)
    plain_hashes = [
        hashlib.sha256(EMAIL.encode()).hexdigest(),
        hashlib.md5(EMAIL.encode()).hexdigest(),  # noqa: S324
    ]
    for public in (token, svg):
        assert "marcus" not in public
        assert "example" not in public
        for digest in plain_hashes:
            assert digest[:8] not in public


def test_readers_without_an_email_get_a_stable_picture_by_name():
    assert avatar_token("", "Vu") == avatar_token("  ", "vu")
    assert avatar_token("", "Vu") != avatar_token("", "Nila")
    assert avatar_token("", "vu@example.org") != avatar_token("vu@example.org")


def test_identicon_is_deterministic_and_differs_between_tokens():
    token = avatar_token(EMAIL)
    assert identicon_svg(token) == identicon_svg(token)
    assert identicon_svg(token) != identicon_svg(avatar_token("vu@example.org"))


def test_identicon_is_valid_svg_without_any_text():
    root = ET.fromstring(identicon_svg(avatar_token(EMAIL)))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 5 5"
    assert (root.get("width"), root.get("height")) == ("64", "64")
    assert root.get("shape-rendering") == "crispEdges"
    assert {element.tag for element in root.iter()} == {f"{SVG}svg", f"{SVG}rect", f"{SVG}g"}
    assert all(not (element.text or "").strip() for element in root.iter())


@pytest.mark.parametrize("email", [EMAIL, "vu@example.org", "nila@example.net", ""])
def test_identicon_is_mirror_symmetric(email):
    cells = _cells(identicon_svg(avatar_token(email, "Anonymous")))
    assert cells == {(4 - x, y) for x, y in cells}
    assert all(0 <= x < 5 and 0 <= y < 5 for x, y in cells)


def test_identicon_colours_contrast_for_every_hue():
    for hue in range(360):
        root = ET.fromstring(identicon_svg(f"{hue:032x}"))
        background = root.find(f"{SVG}rect").get("fill")
        foreground = root.find(f"{SVG}g").get("fill")
        light, dark = sorted((_luminance(background), _luminance(foreground)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 3, hue


@pytest.mark.parametrize(
    "bad", ["../etc/passwd", "A" * 32, "0" * 31, "0" * 33, "g" * 32, "", " " + "0" * 31, None]
)
def test_identicon_refuses_bad_tokens(bad):
    with pytest.raises(ValueError):
        identicon_svg(bad)


def test_avatar_view_serves_a_cacheable_inert_svg(client):
    token = avatar_token(EMAIL)
    response = client.get(f"/comments/avatar/{token}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode() == identicon_svg(token)
    assert client.head(f"/comments/avatar/{token}.svg").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../etc.svg",
        "..%2Fetc.svg",
        "..%2F..%2Fetc%2Fpasswd.svg",
        f"{avatar_token(EMAIL).upper()}.svg",
        f"{avatar_token(EMAIL)[:31]}.svg",
        f"{avatar_token(EMAIL)}0.svg",
    ],
)
def test_avatar_view_refuses_bad_tokens(client, db, path):
    """The site's 404 page reads the database, hence `db`."""
    assert client.get(f"/comments/avatar/{path}").status_code == 404


def test_avatar_view_only_answers_safe_methods(client):
    url = f"/comments/avatar/{avatar_token(EMAIL)}.svg"
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


def test_avatar_url_is_local_by_default(settings):
    if hasattr(settings, "AVATARS_GRAVATAR"):
        del settings.AVATARS_GRAVATAR
    url = avatar_url(email=EMAIL)
    assert url == f"/comments/avatar/{avatar_token(EMAIL)}.svg"
    assert "gravatar" not in url
    assert avatar_url(email="", name="Vu") == f"/comments/avatar/{avatar_token('', 'Vu')}.svg"


def test_avatar_url_asks_gravatar_only_when_opted_in(settings):
    settings.AVATARS_GRAVATAR = False
    assert avatar_url(email=EMAIL).startswith("/comments/avatar/")
    settings.AVATARS_GRAVATAR = True
    digest = hashlib.sha256(EMAIL.encode()).hexdigest()
    assert avatar_url(email=" Marcus@Example.org ", size=48) == (
        f"https://www.gravatar.com/avatar/{digest}?s=48&d=identicon"
    )
    assert avatar_url(email="", name="Vu").startswith("/comments/avatar/")


def test_avatar_url_prefers_the_social_picture(settings):
    settings.AVATARS_GRAVATAR = True
    picture = "https://pic.example/1.jpg"
    assert avatar_url(email=EMAIL, social_url=picture) == picture


@pytest.mark.parametrize("kind", ["pingback", "trackback", "webmention"])
def test_linkbacks_have_no_avatar(kind, settings):
    settings.AVATARS_GRAVATAR = True
    assert avatar_url(email=EMAIL, name="Blog", kind=kind, social_url="https://x.example") is None


def test_the_fast_token_and_url_match_what_django_would_compute(settings):
    """Worked out without a reverse() and a key derivation per comment, yet the
    same addresses as before, so pictures already out there keep working."""
    from django.urls import reverse  # noqa: PLC0415
    from django.utils.crypto import salted_hmac  # noqa: PLC0415

    expected = salted_hmac("kommentar.avatar", "vu@example.org", algorithm="sha256")
    assert avatar_token(" Vu@Example.org ") == expected.hexdigest()[:32]
    url = avatar_url(email="vu@example.org", name="Vu")
    assert url == reverse("comments:avatar", kwargs={"token": expected.hexdigest()[:32]})
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert avatar_token("vu@example.org") != expected.hexdigest()[:32]
