import pytest

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_guest_form(page, name, email, text):
    page.fill("#id_comment", text)
    page.fill("#id_name", name)
    page.fill("#id_email", email)


def test_guest_posts_and_sees_the_moderation_notice(live_server, page, post):
    page.goto(live_server.url + post.url)
    y_before = None
    fill_guest_form(page, "Marcus Greyer", "marcus@example.org", "Hallo! Ein peinlicher Fehler.")
    y_before = page.evaluate("window.scrollY")
    page.get_by_role("button", name="Kommentar abschicken").click()
    notice = page.locator(".comment--pending .comment__awaiting")
    notice.wait_for()
    assert notice.inner_text() == "Dein Kommentar wartet auf Freischaltung."
    assert Comment.objects.get().status == "pending"
    assert page.url == live_server.url + post.url  # posted in place, no reload
    assert y_before is not None


def test_reply_in_a_thread_with_the_moved_form(live_server, page, post):
    vu = CommentFactory(post=post, user_name="Vu", comment="Kann ja doch ein Marketing Gag sein.")
    CommentFactory(post=post, user_name="Nila", user_email="nila@example.org")
    page.goto(live_server.url + post.url)
    page.locator(f"#comment-{vu.pk} .comment__reply").click()
    assert page.locator(f"#comment-{vu.pk} > #respond").count() == 1
    assert (
        page.locator("#reply-title").inner_text().startswith("Antworte auf den Kommentar von Vu")
    )
    fill_guest_form(
        page, "Nila", "nila@example.org", "@Vu: Nur, dass dieser Gag nach hinten losgeht."
    )
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(f"#comment-{vu.pk} .comment-list--children .comment").wait_for()
    reply = Comment.objects.get(comment__startswith="@Vu")
    assert reply.parent_id == vu.pk
    assert reply.status == "approved"


def test_cancel_reply_moves_the_form_back(live_server, page, post):
    vu = CommentFactory(post=post, user_name="Vu")
    page.goto(live_server.url + post.url)
    page.locator(f"#comment-{vu.pk} .comment__reply").click()
    page.locator("#cancel-comment-reply-link").click()
    assert page.locator(f"#comment-{vu.pk} #respond").count() == 0
    assert page.locator("input[name=reply_to]").input_value() == "0"


def test_following_a_mention_link(live_server, page, post):
    vu = CommentFactory(post=post, user_name="Vu")
    CommentFactory(post=post, user_name="Nila", comment="@Vu: Nur, dass …")
    page.goto(live_server.url + post.url)
    page.get_by_role("link", name="@Vu").click()
    page.wait_for_url(f"**#comment-{vu.pk}")
    assert page.evaluate("location.hash") == f"#comment-{vu.pk}"


def test_posting_with_javascript_disabled(live_server, browser, post):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + post.url)
    fill_guest_form(page, "Eol", "eol@example.org", "Hmmm. Technische Panne?")
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.wait_for_load_state()
    assert "Dein Kommentar wartet auf Freischaltung." in page.content()
    assert Comment.objects.get().comment == "Hmmm. Technische Panne?"
    context.close()


def test_error_keeps_the_text_in_the_browser(live_server, page, post):
    page.goto(live_server.url + post.url)
    page.fill("#id_comment", "Ohne Namen geschrieben")
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(".comment-form__field--name .comment-form__error").wait_for()
    assert page.locator("#id_comment").input_value() == "Ohne Namen geschrieben"


def test_typing_at_suggests_names_from_the_thread(live_server, page, post):
    CommentFactory(post=post, user_name="Werner Reiter")
    CommentFactory(post=post, user_name="Vu")
    page.goto(live_server.url + post.url)
    page.locator("#id_comment").press_sequentially("Danke @We")
    suggestion = page.locator(".mention-suggestions__item")
    assert suggestion.all_inner_texts() == ["@Werner Reiter"]
    suggestion.click()
    assert page.locator("#id_comment").input_value() == "Danke @Werner "
