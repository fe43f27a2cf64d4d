"""A fake Akismet on 127.0.0.1, reached over real HTTP, that answers as told."""

import threading
import time
from urllib.parse import parse_qs

from tests.fakes.loopback import LoopbackServer, QuietHandler


class FakeAkismet(LoopbackServer):
    def __init__(self):
        super().__init__(_Handler)
        self.mode = "ham"
        self.requests = []
        # mode "hold": a comment-check waits for `release` (then answers ham);
        # `holding` is set while one waits.
        self.holding = threading.Event()
        self.release = threading.Event()


class _Handler(QuietHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        server = self.server
        server.requests.append((self.path, data))
        mode = server.mode
        if mode == "timeout":
            time.sleep(3)
        if mode == "error":
            return self.answer(500, "boom")
        if mode == "invalid":
            return self.answer(200, "invalid")
        if self.path.endswith("/verify-key"):
            return self.answer(200, "valid")
        if self.path.endswith(("/submit-spam", "/submit-ham")):
            return self.answer(200, "Thanks for making the web a better place.")
        if mode == "hold" and self.path.endswith("/comment-check"):
            server.holding.set()
            server.release.wait(60)
            return self.answer(200, "false")
        if mode == "trickle":  # headers at once, then "false" a byte every 1.5 s
            return self.trickle(b"false", every=1.5)
        headers = {"X-akismet-pro-tip": "discard"} if mode == "discard" else {}
        return self.answer(200, "false" if mode == "ham" else "true", headers=headers)

    def trickle(self, body, every):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(every)
