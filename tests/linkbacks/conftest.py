"""Linkback sources served for real on loopback, and the setting that lets the
safe fetcher reach them."""

from dataclasses import dataclass

import pytest

from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.helpers import POST_URL, free_port, page_html


@dataclass
class Page:
    status: int
    body: str
    content_type: str = "text/html; charset=utf-8"


class SourceHandler(QuietHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.server.requests.append(path)
        page = self.server.pages.get(path)
        if page is None:
            self.answer(404, "<!doctype html><title>Nicht gefunden</title>", "text/html")
            return
        self.answer(page.status, page.body, page.content_type)


class SourceSite:
    """A blog on 127.0.0.1 whose pages the test sets (and changes) at will."""

    def __init__(self, server):
        self.server = server

    @property
    def root(self):
        return self.server.url + "/"

    @property
    def requests(self):
        return self.server.requests

    def url(self, path):
        return self.server.url + path

    def serve(self, path, body, status=200, content_type="text/html; charset=utf-8"):
        """Serve `body` at `path` from now on; returns the page's full URL."""
        self.server.pages[path] = Page(status, body, content_type)
        return self.url(path)

    def linking(self, path, target=POST_URL, title="Ein anderer Blog", text="Lesenswert"):
        """A plain page whose article links to `target`."""
        return self.serve(path, page_html(title, f'<p>{text}: <a href="{target}">hier</a>.</p>'))


@pytest.fixture
def allow_private_hosts(settings):
    """The safe fetcher refuses loopback unless told otherwise."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    return settings


@pytest.fixture
def start_source_site(allow_private_hosts):
    """Starts source sites, each on its own port (so each is another site)."""
    servers = []

    def start():
        server = LoopbackServer(SourceHandler)
        server.pages = {}
        server.requests = []
        servers.append(server.start())
        return SourceSite(server)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def source_site(start_source_site):
    return start_source_site()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connecting to it is refused."""
    return free_port()
