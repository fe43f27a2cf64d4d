import pytest

from comments.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facebook_login_keeps_the_draft_and_the_reader_comments_as_themselves(
    live_server, page, post, fake_facebook
):
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
    assert avatar.get_attribute("src") == "https://pictures.example/markus.jpg"


def test_draft_survives_a_reload_in_the_same_tab(live_server, page, post):
    page.goto(live_server.url + post.url)
    page.locator("#id_comment").press_sequentially("Halb geschrieben")
    page.reload()
    assert page.locator("#id_comment").input_value() == "Halb geschrieben"
