"""Bad input gets a 400 or 404 with a reason, never a 500 (issue 13's battery
found these with DEBUG off)."""

import pytest

from comments.linkbacks import source
from comments.models import Comment
from tests.factories import CommentFactory
from tests.helpers import comment_form_data

HUGE = "9" * 25  # beyond any 64-bit column


@pytest.mark.parametrize(
    "path",
    [f"/comments/{HUGE}/", f"/comments/{HUGE}/edit/", "/comments/99999999999999999999/"],
)
def test_comment_ids_beyond_64_bits_are_404(client, post, path):
    assert client.get(path).status_code == 404
    assert client.post(path.replace("edit/", "delete/")).status_code in (404, 405)


def test_a_normal_comment_permalink_still_works(client, post):
    comment = CommentFactory(post=post)
    assert client.get(f"/comments/{comment.pk}/").status_code == 302


@pytest.mark.parametrize(
    "field",
    [
        {"object_pk": HUGE},
        {"reply_to": HUGE},
        {"reply_to": "-1"},
        {"timestamp": "4" * 400},
    ],
)
def test_huge_numbers_in_the_form_are_a_bad_request(client, post, field):
    response = client.post("/comments/post/", comment_form_data(post, **field))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_huge_replytocom_is_ignored(client, post):
    assert client.get(f"{post.url}?replytocom={HUGE}").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/0001/", "/0001/01/", "/9999/12/", "/webmention/status/%00/", f"/?page={HUGE}"],
)
def test_absurd_archive_and_status_addresses_are_no_500(client, post, path):
    assert client.get(path).status_code in (200, 404)


@pytest.mark.parametrize("wrapper", ["noscript", "template"])
def test_a_link_inside_noscript_or_template_is_read(wrapper):
    """It crashed the handlers: the wrapper was removed with the link in it."""
    target = "https://blog.example.org/post/"
    html = (
        f"<html><head><title>Quelle</title></head><body><p>Davor.</p>"
        f'<{wrapper}><p>Siehe <a href="{target}">dort</a> bitte.</p></{wrapper}></body></html>'
    )
    page = source.inspect(html, "https://other.example/a/", target)
    assert page.title == "Quelle"
    assert "dort" in page.excerpt


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "no-such-charset"])
def test_a_form_in_a_foreign_charset_is_no_500(client, post, charset):
    client.cookies["csrftoken"] = "a" * 32
    body = "comment=Gr%FC%DFe&name=X&email=x%40example.org&object_pk=1"
    response = client.generic(
        "POST",
        "/comments/post/",
        body.encode("ascii"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code in (400, 403)
