"""An embed loads only when the reader asks: until then the provider's frame
is inert, with a note of who serves it and a link to it."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import BlogPageFactory
from tests.helpers import known_embed

VIDEO = "https://video.example/watch?v=abc"


@pytest.fixture
def post_with_embed(site, blog_index):
    def make(url=VIDEO, html='<iframe src="https://video.example/embed/abc"></iframe>'):
        known_embed(url, html)
        return BlogPageFactory(
            parent=blog_index,
            slug="mit-video",
            body=[{"type": "paragraph", "value": "<p>Davor</p>"}, {"type": "embed", "value": url}],
        )

    return make


def test_the_frame_waits_in_a_template(client, post_with_embed):
    post = post_with_embed()
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    figure = page.select_one("[data-embed]")
    assert figure is not None
    assert not [frame for frame in page.find_all("iframe") if not frame.find_parent("template")]
    assert "Video Example" in figure.select_one(".embed__notice").get_text()
    assert figure.select_one(".embed__load").has_attr("hidden")  # shown by JavaScript
    assert figure.select_one(".embed__link")["href"] == VIDEO


def test_an_embed_that_cannot_be_fetched_is_a_link(client, site, blog_index, settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.blog.test_embeds.NoEmbeds"}]
    post = BlogPageFactory(
        parent=blog_index, slug="ohne", body=[{"type": "embed", "value": VIDEO}]
    )
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(".embed__link")["href"] == VIDEO
    assert page.select_one("template.embed__frame") is None


class NoEmbeds:
    """A finder that knows no provider (nothing is fetched from the network)."""

    def __init__(self, **options):
        pass

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        from wagtail.embeds.exceptions import EmbedNotFoundException  # noqa: PLC0415

        raise EmbedNotFoundException
