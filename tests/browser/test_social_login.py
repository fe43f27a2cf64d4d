from urllib.parse import urlsplit

import pytest

from comments.models import Comment
from tests.helpers import browser_tab, comment_form_data, facebook_login
from tests.security import figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facebook_login_keeps_the_draft_and_the_reader_comments_as_themselves(
    live_server, page, post, fake_facebook, settings
):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True  # the fake Facebook's picture is on loopback
    page.goto(live_server.url + post.url)
    page.fill("#id_comment", "Kommentare schreiben über Facebook Connect macht doppelt Spaß ;-)")
    page.locator(".comment-login__button--facebook").click()
    page.wait_for_url("**/accounts/facebook/login/**")
    page.locator(".account form[method=post] button[type=submit]").click()  # allauth: continue
    page.wait_for_url(f"{live_server.url}{post.url}#respond")
    assert "Angemeldet als Markus Hübner." in page.locator("#respond").inner_text()
    assert page.locator("#id_comment").input_value() == (
        "Kommentare schreiben über Facebook Connect macht doppelt Spaß ;-)"
    )
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(".comment--mine").wait_for()
    comment = Comment.objects.get()
    assert comment.user.get_full_name() == "Markus Hübner"
    avatar = page.locator(f"#comment-{comment.pk} .comment__avatar")
    # Facebook's picture, copied by the blog at the login: the browser never asks Facebook.
    assert avatar.get_attribute("src").startswith("/media/pictures/")
    assert fake_facebook.picture_requests == 1


@pytest.mark.once
def test_a_post_with_a_facebook_commenters_picture_asks_no_other_host(
    live_server, browser, client, post, fake_facebook, settings
):
    """A reader opens a post where a Facebook user commented: every request
    their Chromium makes goes to the blog, the picture's included."""
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True
    facebook_login(client, post, fake_facebook)
    data = comment_form_data(post, name="", email="", comment="Mit Facebook-Bild")
    assert client.post("/comments/post/", data).status_code == 303
    comment = Comment.objects.get()
    comment.status = Comment.Status.APPROVED
    comment.save()
    own = urlsplit(live_server.url).netloc
    requests = []
    with browser_tab(browser) as tab:
        tab.context.on("request", lambda request: requests.append(request.url))
        tab.goto(live_server.url + post.url)
        tab.wait_for_load_state("networkidle")
        avatar = tab.locator(f"#comment-{comment.pk} .comment__avatar")
        assert avatar.get_attribute("src").startswith("/media/pictures/")
    elsewhere = [url for url in requests if urlsplit(url).netloc != own]
    figures.record(
        "Privacy",
        "requests to other hosts of a post with a Facebook commenter, in Chromium",
        tried=len(requests),
        failed=len(elsewhere),
    )
    assert elsewhere == []
    assert any("/media/pictures/" in url for url in requests)
    assert fake_facebook.picture_requests == 1  # the blog's one fetch


def test_draft_survives_a_reload_in_the_same_tab(live_server, page, post):
    page.goto(live_server.url + post.url)
    page.locator("#id_comment").press_sequentially("Halb geschrieben")
    page.reload()
    assert page.locator("#id_comment").input_value() == "Halb geschrieben"
