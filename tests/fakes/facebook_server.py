"""A fake Facebook on 127.0.0.1: the OAuth dialog, the token endpoint and the
Graph API's /me, reached by allauth over real HTTP."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

PROFILE = {
    "id": "10001",
    "name": "Markus Hübner",
    "first_name": "Markus",
    "last_name": "Hübner",
    "email": "markus.huebner@example.org",
    "picture": {"data": {"url": "https://pictures.example/markus.jpg"}},
}


class FakeFacebook(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), _Handler)
        self.codes = {}
        self.profile = dict(PROFILE)

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
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
        return self._json(404, {"error": {"message": "unknown"}})

    def _json(self, status, data):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
