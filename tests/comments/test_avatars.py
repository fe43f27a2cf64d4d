import hashlib
import xml.etree.ElementTree as ET

import pytest

from comments.avatars import avatar_token, avatar_url, identicon_svg


def test_token_is_stable_keyed_and_hides_the_email(settings):
    token = avatar_token(" Marcus@Example.org ")
    assert token == avatar_token("marcus@example.org")
    assert len(token) == 32
    assert int(token, 16) >= 0
    assert token != avatar_token("werner@example.org")
    assert token not in hashlib.sha256(b"marcus@example.org").hexdigest()
    assert token not in hashlib.md5(b"marcus@example.org").hexdigest()  # noqa: S324
    settings.SECRET_KEY = "another-key"
    assert avatar_token("marcus@example.org") != token


def test_readers_without_an_email_get_a_picture_by_name():
    assert avatar_token("", "Vu") == avatar_token("", "vu")
    assert avatar_token("", "Vu") != avatar_token("", "Nila")


def test_identicon_is_deterministic_symmetric_svg():
    token = avatar_token("marcus@example.org")
    svg = identicon_svg(token)
    assert svg == identicon_svg(token)
    assert svg != identicon_svg(avatar_token("vu@example.org"))
    root = ET.fromstring(svg)
    cells = {
        (int(r.get("x")), int(r.get("y")))
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("x") is not None
    }
    assert cells == {(4 - x, y) for x, y in cells}
    assert "example" not in svg


@pytest.mark.parametrize("bad", ["../etc/passwd", "A" * 32, "0" * 31, "g" * 32, ""])
def test_identicon_refuses_bad_tokens(bad):
    with pytest.raises(ValueError):
        identicon_svg(bad)


def test_avatar_view(client, db):
    token = avatar_token("marcus@example.org")
    response = client.get(f"/comments/avatar/{token}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.get(f"/comments/avatar/{token.upper()}.svg").status_code == 404
    assert client.get("/comments/avatar/abc.svg").status_code == 404
    assert client.post(f"/comments/avatar/{token}.svg").status_code == 405


def test_avatar_sources(settings):
    local = avatar_url(email="marcus@example.org")
    assert local.startswith("/comments/avatar/")
    assert "gravatar" not in local
    assert avatar_url(email="m@example.org", social_url="https://pic.example/1.jpg") == (
        "https://pic.example/1.jpg"
    )
    for kind in ("pingback", "trackback", "webmention"):
        assert avatar_url(email="", name="Blog", kind=kind) is None
    settings.AVATARS_GRAVATAR = True
    digest = hashlib.sha256(b"marcus@example.org").hexdigest()
    assert avatar_url(email=" Marcus@example.org") == (
        f"https://www.gravatar.com/avatar/{digest}?s=64&d=identicon"
    )
