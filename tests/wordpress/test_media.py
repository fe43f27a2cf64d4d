"""--fetch-media: a post's images become Wagtail images, downloaded once
through the safe fetcher; what cannot be had stays a link, with a reason."""

import io

import pytest
from PIL import Image as Pillow
from wagtail.images import get_image_model

from blog.models import BlogPage
from comments.wordpress import importer
from tests.fakes.loopback import LoopbackServer, QuietHandler
from tests.wordpress.builders import post_item, write_wxr


def png():
    out = io.BytesIO()
    Pillow.new("RGB", (40, 30), "#a1c").save(out, "PNG")
    return out.getvalue()


class Pictures(QuietHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path == "/bild.png":
            return self.answer(200, png(), "image/png")
        if self.path == "/keins.png":
            return self.answer(200, "<html>kein Bild</html>", "image/png")
        return self.answer(404, "weg")


@pytest.fixture
def pictures(settings):
    server = LoopbackServer(Pictures).start()
    server.requests = []
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    settings.LINKBACKS_ALLOWED_PORTS = [80, 443, server.server_address[1]]
    yield server
    server.shutdown()
    server.server_close()


def post_with(*urls):
    html = "".join(f'<p><img src="{url}" alt="Ein Bild"></p>' for url in urls)
    return post_item(content=html)


def blocks():
    return [block.block_type for block in BlogPage.objects.get(slug="a1-kompetenz").body]


def test_images_are_downloaded_once_into_wagtail(site, tmp_path, pictures):
    path = write_wxr(tmp_path / "m.xml", [post_with(f"{pictures.url}/bild.png")])
    report = importer.run(path, importer.Options(fetch_media=True))
    image = get_image_model().objects.get()
    assert (image.title, image.width, image.height) == ("Ein Bild", 40, 30)
    assert blocks() == ["image"]
    assert report.counts[("image", "fetched", "created")] == 1
    importer.run(path, importer.Options(fetch_media=True))  # again: no second copy
    assert get_image_model().objects.count() == 1
    assert pictures.requests == ["/bild.png"]


@pytest.mark.parametrize("name", ["keins.png", "fehlt.png"])
def test_what_is_no_image_stays_a_link(site, tmp_path, pictures, name):
    url = f"{pictures.url}/{name}"
    report = importer.run(
        write_wxr(tmp_path / "m.xml", [post_with(url)]), importer.Options(fetch_media=True)
    )
    assert not get_image_model().objects.exists()
    assert blocks() == ["paragraph"]
    assert any(url in note and "kept as a link" in note for note in report.notes)


def test_private_addresses_are_refused_without_the_setting(site, tmp_path, pictures, settings):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    path = write_wxr(tmp_path / "m.xml", [post_with(f"{pictures.url}/bild.png")])
    importer.run(path, importer.Options(fetch_media=True))
    assert pictures.requests == []
    assert not get_image_model().objects.exists()


def test_without_the_option_nothing_is_fetched(site, tmp_path, pictures):
    path = write_wxr(tmp_path / "m.xml", [post_with(f"{pictures.url}/bild.png")])
    importer.run(path, importer.Options())
    assert pictures.requests == [] and blocks() == ["paragraph"]
