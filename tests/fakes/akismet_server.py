"""A fake Akismet on 127.0.0.1, reached over real HTTP, that answers as told."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeAkismet(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ham"
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        server = self.server
        server.requests.append((self.path, data))
        mode = server.mode
        if mode == "timeout":
            time.sleep(3)
        if mode == "error":
            return self._answer(500, "boom")
        if mode == "invalid":
            return self._answer(200, "invalid")
        if self.path.endswith("/verify-key"):
            return self._answer(200, "valid")
        if self.path.endswith(("/submit-spam", "/submit-ham")):
            return self._answer(200, "Thanks for making the web a better place.")
        headers = {"X-akismet-pro-tip": "discard"} if mode == "discard" else {}
        return self._answer(200, "false" if mode == "ham" else "true", headers)

    def _answer(self, status, body, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())
