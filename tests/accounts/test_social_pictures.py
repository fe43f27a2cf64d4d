"""A social commenter's picture is fetched once by the blog, through the safe
fetcher, and served from here: readers' browsers never ask the provider. The
fake Facebook serves the picture on loopback, over real HTTP."""

import io
import os

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from comments import pictures
from comments.models import Comment, PictureCopy
from comments.thread import thread_for
from tests.factories import CommentFactory
from tests.fakes.facebook_server import ARTIST, PICTURE_PATH, jpeg
from tests.helpers import comment_form_data, facebook_login
from tests.security import figures

pytestmark = pytest.mark.django_db


def _comment(client, post, text="Mit Bild"):
    """A comment by the logged-in reader, approved, so that every reader sees it."""
    data = comment_form_data(post, name="", email="", comment=text)
    assert client.post("/comments/post/", data).status_code == 303
    comment = Comment.objects.get(comment=text)
    comment.status = Comment.Status.APPROVED
    comment.save()
    return comment


def _markus():
    return get_user_model().objects.get(socialaccount__isnull=False)


def _avatar(client, post, comment):
    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    return node.select_one(".comment__avatar")["src"], html


def _source(facebook):
    return facebook.profile["picture"]["data"]["url"]


@pytest.fixture
def loopback_allowed(settings):
    """The fake Facebook is on 127.0.0.1, which the safe fetcher refuses unless told."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    return settings


def test_the_login_copies_the_picture_and_pages_show_only_the_copy(
    client, post, fake_facebook, loopback_allowed
):
    facebook_login(client, post, fake_facebook)
    copy = PictureCopy.objects.get()
    assert (copy.source, copy.error) == (_source(fake_facebook), "")
    assert copy.fetched_at is not None
    comment = _comment(client, post)
    src, html = _avatar(client, post, comment)
    assert src == "/media/" + pictures.storage_name(_source(fake_facebook))
    assert fake_facebook.url not in html
    _avatar(client, post, comment)
    assert fake_facebook.picture_requests == 1  # fetched once, by the blog

    # What is stored is a fresh square picture: no EXIF, nothing of the original file.
    data = default_storage.open(copy.file).read()
    assert ARTIST.encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (pictures.SIZE, pictures.SIZE)
        assert image.format in {"WEBP", "PNG"}
        assert not image.getexif()


def test_until_the_copy_exists_the_identicon_then_the_copy_everywhere(
    client, post, fake_facebook, settings
):
    """The login's fetch is refused (loopback, setting off); the page asks again
    in the background once the setting allows it, and the next render, for any
    reader, shows the copy."""
    facebook_login(client, post, fake_facebook)
    assert PictureCopy.objects.get().error
    comment = _comment(client, post)
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    src, html = _avatar(client, post, comment)  # this render asks for the copy
    assert src.startswith("/comments/avatar/") and src.endswith(".svg")
    assert fake_facebook.url not in html
    assert fake_facebook.picture_requests == 1
    local = "/media/" + pictures.storage_name(_source(fake_facebook))
    assert _avatar(client, post, comment)[0] == local
    client.logout()
    assert _avatar(client, post, comment)[0] == local


def _svg():
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><script>1</script></svg>'


def _bomb():
    """A small file that declares a huge canvas: 6000 x 6000 pixels, one bit
    each; more than the blog decodes, less than Pillow's own limit."""
    out = io.BytesIO()
    Image.new("1", (6_000, 6_000)).save(out, "PNG")
    return out.getvalue()


def _noisy_jpeg():
    """A photo that does not compress: larger than the cap the test sets."""
    out = io.BytesIO()
    Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)).save(out, "JPEG")
    return out.getvalue()


BOMB = _bomb()


REFUSED = {
    "an HTML page": ("text/html", b"<!doctype html><title>Login</title>"),
    "an SVG picture": ("image/svg+xml", _svg()),
    "an SVG labelled as PNG": ("image/png", _svg()),
    "HTML labelled as JPEG": ("image/jpeg", b"<html><body>no picture</body></html>"),
    "a decompression bomb": ("image/png", BOMB),
    "a truncated JPEG": ("image/jpeg", jpeg()[:200]),
    "a picture over the size cap": ("image/jpeg", _noisy_jpeg()),
}


def test_what_is_not_a_sane_picture_is_refused_and_the_identicon_stays(
    client, post, fake_facebook, loopback_allowed
):
    loopback_allowed.LINKBACKS_MAX_BYTES = 20_000
    assert len(BOMB) < 20_000 < len(REFUSED["a picture over the size cap"][1])
    failed = []
    for number, (case, answer) in enumerate(REFUSED.items()):
        fake_facebook.picture = answer
        fake_facebook.profile["picture"]["data"]["url"] = (
            f"{fake_facebook.url}{PICTURE_PATH}?{number}"
        )
        client.logout()
        facebook_login(client, post, fake_facebook)
        copy = PictureCopy.objects.get(source=_source(fake_facebook))
        stored = default_storage.exists(pictures.storage_name(copy.source))
        if stored or copy.file or not copy.error or pictures.local_url(copy.source):
            failed.append(case)
    comment = _comment(client, post)
    src, html = _avatar(client, post, comment)
    figures.record(
        "Bad input",
        "social pictures that are no sane image, stored",
        tried=len(REFUSED),
        failed=len(failed),
    )
    assert failed == []
    assert src.startswith("/comments/avatar/")
    assert fake_facebook.url not in html
    # The page asked for the last one again, in the background; once an hour at most.
    assert fake_facebook.picture_requests == len(REFUSED) + 1
    assert _avatar(client, post, comment)[0] == src
    assert fake_facebook.picture_requests == len(REFUSED) + 1


def test_a_private_address_is_refused_unless_the_setting_allows_it(
    client, post, fake_facebook, settings
):
    """The port is allowed, so that the address is what the fetcher refuses."""
    port = int(fake_facebook.url.rpartition(":")[2])
    settings.LINKBACKS_ALLOWED_PORTS = [80, 443, port]
    facebook_login(client, post, fake_facebook)
    copy = PictureCopy.objects.get()
    refused = fake_facebook.picture_requests == 0 and "loopback" in copy.error and not copy.file
    figures.record(
        "SSRF", "social pictures on a loopback address fetched", tried=1, failed=int(not refused)
    )
    assert refused
    assert pictures.copy(_source(fake_facebook)) is None
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    assert pictures.copy(_source(fake_facebook)).startswith("/media/pictures/")
    assert fake_facebook.picture_requests == 1


def test_a_new_picture_url_is_a_new_copy_and_the_old_one_goes(
    client, post, fake_facebook, loopback_allowed
):
    facebook_login(client, post, fake_facebook)
    old = _source(fake_facebook)
    comment = _comment(client, post)
    assert _avatar(client, post, comment)[0] == "/media/" + pictures.storage_name(old)
    fake_facebook.picture = ("image/jpeg", jpeg(colour=(200, 30, 30)))
    fake_facebook.profile["picture"]["data"]["url"] = old + "?v=2"
    facebook_login(client, post, fake_facebook)
    new = _source(fake_facebook)
    assert list(PictureCopy.objects.values_list("source", flat=True)) == [new]
    assert not default_storage.exists(pictures.storage_name(old))
    assert _avatar(client, post, comment)[0] == "/media/" + pictures.storage_name(new)


def test_deleting_the_account_deletes_the_copy(client, post, fake_facebook, loopback_allowed):
    facebook_login(client, post, fake_facebook)
    name = pictures.storage_name(_source(fake_facebook))
    assert default_storage.exists(name)
    _markus().delete()
    assert not PictureCopy.objects.exists()
    assert not default_storage.exists(name)


def test_pictures_cost_no_query_per_comment(client, post, fake_facebook, loopback_allowed):
    facebook_login(client, post, fake_facebook)
    user = _markus()
    CommentFactory(post=post, user=user, user_name="Markus Hübner")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            thread = thread_for(post)
        assert all(node.avatar_url.startswith("/media/pictures/") for node in thread.comments)
        return len(captured)

    one = queries()
    CommentFactory.create_batch(5, post=post, user=user, user_name="Markus Hübner")
    assert queries() == one
