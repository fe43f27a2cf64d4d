"""A fake Facebook on 127.0.0.1: the OAuth dialog, the token endpoint, the
Graph API's /me and the profile picture /me names, reached by allauth and the
blog over real HTTP. It listens on a port the system picks; the
`fake_facebook` fixture points allauth at it."""

import io
import json
from urllib.parse import parse_qs, urlencode, urlsplit

from PIL import Image

from tests.fakes.loopback import LoopbackServer, QuietHandler

PICTURE_PATH = "/pictures/markus.jpg"
ARTIST = "Markus Huebner, Graz"  # EXIF metadata the blog's copy must not keep


def jpeg(size=(200, 160), colour=(40, 90, 160)):
    """A JPEG photo, not square, with an Artist tag in its EXIF metadata."""
    exif = Image.Exif()
    exif[0x013B] = ARTIST
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


PROFILE = {
    "id": "10001",
    "name": "Markus Hübner",
    "first_name": "Markus",
    "last_name": "Hübner",
    "email": "markus.huebner@example.org",
}


class FakeFacebook(LoopbackServer):
    def __init__(self):
        super().__init__(_Handler)  # a free port, chosen by the system
        self.codes = {}
        self.profile = dict(PROFILE)
        self.deny = False  # True: the reader clicks "Cancel" in the dialog
        self.profile["picture"] = {"data": {"url": self.url + PICTURE_PATH}}
        # What the picture's address answers: tests put other bodies here.
        self.picture = ("image/jpeg", jpeg())
        self.picture_requests = 0


class _Handler(QuietHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/dialog/oauth" and self.server.deny:
            answer = {
                "error": "access_denied",
                "error_code": "200",
                "error_description": "Permissions error",
                "error_reason": "user_denied",
                "state": query["state"],
            }
            self.send_response(302)
            self.send_header("Location", query["redirect_uri"] + "?" + urlencode(answer))
            self.end_headers()
            return
        if url.path == "/dialog/oauth":
            code = f"code-{len(self.server.codes) + 1}"
            self.server.codes[code] = query
            target = (
                query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
            )
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        if url.path.endswith("/oauth/access_token"):
            if query.get("code") not in self.server.codes:
                return self._json(400, {"error": {"message": "bad code"}})
            return self._json(200, {"access_token": "token-" + query["code"], "expires_in": 3600})
        if url.path.endswith("/me"):
            return self._json(200, self.server.profile)
        if url.path == PICTURE_PATH:
            self.server.picture_requests += 1
            content_type, body = self.server.picture
            return self.answer(200, body, content_type=content_type)
        return self._json(404, {"error": {"message": "unknown"}})

    def _json(self, status, data):
        self.answer(status, json.dumps(data), content_type="application/json")
