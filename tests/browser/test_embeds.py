"""In Chromium: a post with an embed asks nobody else until the reader clicks."""

import pytest

from tests.factories import BlogPageFactory
from tests.helpers import known_embed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_embed_loads_only_when_the_reader_asks(live_server, page, site, blog_index):
    # The "provider" is the blog itself (robots.txt), so that no request leaves loopback.
    url = "https://video.example/watch?v=abc"
    known_embed(url, f'<iframe src="{live_server.url}/robots.txt?embed"></iframe>')
    post = BlogPageFactory(
        parent=blog_index, slug="mit-video", body=[{"type": "embed", "value": url}]
    )
    asked = []
    page.on(
        "request", lambda request: asked.append(request.url) if "embed" in request.url else None
    )
    page.goto(live_server.url + post.url)
    page.wait_for_load_state("networkidle")
    assert asked == []
    page.get_by_role("button", name="Hier laden").click()
    page.locator("[data-embed] iframe, iframe").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert asked == [f"{live_server.url}/robots.txt?embed"]
