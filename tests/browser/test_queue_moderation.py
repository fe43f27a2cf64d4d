"""The moderation queue as a moderator uses it (issue 11): a wide-screen
listing that opens on pending comments, one click per status change, replies
to pending comments, and an admin that asks no third party for anything."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory
from tests.helpers import browser_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/admin/snippets/comments/comment/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mia", first_name="Mia", last_name="Moser")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "delete_comment"],
        ),
    )
    return user


@pytest.fixture
def wide_page(browser):
    with browser_tab(browser, width=1400) as tab:
        yield tab


def _log_in(page, live_server, username="mia"):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")


def _row(page, comment):
    return page.locator("tr", has=page.locator(f"[data-object-id='{comment.pk}']"))


def test_one_click_approve_at_1400_pixels(live_server, wide_page, post, moderator):
    page = wide_page
    waiting = CommentFactory(
        post=post,
        status="pending",
        comment="Bitte freischalten, " + "sehr lang " * 30,
        user_email="ein.sehr.langer.name.mit.vielen.teilen@beispiel-domain.example.org",
        user_url="https://www.ein-ziemlich-langer-blogname.example.org/2009/05/ein-beitrag/",
        status_reason="first comment by this author",
    )
    CommentFactory(post=post, comment="Schon lange frei")
    _log_in(page, live_server)

    page.get_by_role("link", name="Kommentare (1)").click()
    page.wait_for_url(f"**{QUEUE}?status=pending")
    assert "Schon lange frei" not in page.content()  # pending only, by default

    table = page.locator("table.listing")
    for header in ("Status", "Grund"):
        box = table.locator("th", has_text=header).bounding_box()
        assert box is not None and box["x"] >= 0
        assert box["x"] + box["width"] <= 1400, f"{header} is cut off: {box}"
    reason = _row(page, waiting).get_by_text("erster Kommentar dieser Person")
    assert reason.is_visible()
    reason_box = reason.bounding_box()
    assert reason_box["x"] + reason_box["width"] <= 1400
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    assert table.locator("th", has_text="Benutzername").count() == 0
    assert table.locator("th", has_text="Name").count() == 1

    _row(page, waiting).get_by_role("button", name="Freigeben").click()
    page.wait_for_url(f"**{QUEUE}?status=pending")
    assert "ist freigegeben" in page.locator(".messages").inner_text()
    waiting.refresh_from_db()
    assert waiting.status == "approved"
    assert waiting.status_reason == "approved by Mia Moser"

    page.goto(live_server.url + post.url)
    assert "Bitte freischalten" in page.locator(f"#comment-{waiting.pk}").inner_text()


def test_one_click_spam_from_the_row(live_server, wide_page, post, moderator):
    page = wide_page
    junk = CommentFactory(post=post, status="pending", comment="Billige Uhren")
    _log_in(page, live_server)
    page.goto(live_server.url + QUEUE)
    _row(page, junk).get_by_role("button", name="Spam").click()
    page.wait_for_url(f"**{QUEUE}**")
    junk.refresh_from_db()
    assert junk.status == "spam"
    assert _row(page, junk).count() == 0  # gone from the pending queue
    page.goto(live_server.url + QUEUE + "?status=spam")
    row = _row(page, junk)
    assert "als Spam markiert von Mia Moser" in row.inner_text()


def test_no_add_button_and_no_copy_in_the_row_menu(live_server, wide_page, post, moderator):
    page = wide_page
    comment = CommentFactory(post=post, status="pending", comment="Wartet")
    _log_in(page, live_server)
    page.goto(live_server.url + QUEUE)
    assert page.get_by_text("Kommentar hinzufügen").count() == 0
    row = _row(page, comment)
    row.get_by_role("button", name="Weitere Optionen").click()
    menu = row.locator(".w-dropdown__content")
    menu.wait_for()
    assert menu.get_by_text("Bearbeiten").is_visible()
    assert menu.get_by_text("Kopieren").count() == 0
    response = page.goto(live_server.url + f"{QUEUE}add/")
    assert response.status == 404
    assert Comment.objects.count() == 1


def test_approve_and_reply_shows_both_on_the_page(live_server, wide_page, post, moderator):
    page = wide_page
    question = CommentFactory(post=post, status="pending", comment="Eine offene Frage")
    _log_in(page, live_server)
    page.goto(live_server.url + f"{QUEUE}reply/{question.pk}/")
    assert "noch nicht freigegeben" in page.content()
    page.fill("#id_comment", "Und hier die Antwort")
    page.get_by_role("button", name="Freischalten und antworten").click()
    page.wait_for_url(f"**{post.url}**")
    assert "freigegeben und deine Antwort veröffentlicht" in page.content()
    reply = Comment.objects.get(comment="Und hier die Antwort")
    thread = page.locator(f"#comment-{question.pk}")
    assert "Eine offene Frage" in thread.inner_text()
    assert "Und hier die Antwort" in page.locator(f"#comment-{reply.pk}").inner_text()


def test_reply_without_approving_waits_with_its_parent(live_server, wide_page, post, moderator):
    page = wide_page
    question = CommentFactory(post=post, status="pending", comment="Noch eine Frage")
    _log_in(page, live_server)
    page.goto(live_server.url + f"{QUEUE}reply/{question.pk}/")
    page.fill("#id_comment", "Antwort, die wartet")
    page.get_by_role("button", name="Antworten, ohne freizuschalten").click()
    page.wait_for_url(f"**{QUEUE}?status=pending")
    message = page.locator(".messages").inner_text()
    assert "nicht veröffentlicht" in message
    assert "beantwortete Kommentar" in message
    assert "Antwort, die wartet" in page.locator("table.listing").inner_text()
    page.goto(live_server.url + post.url)
    assert "Antwort, die wartet" not in page.content()
    assert "Noch eine Frage" not in page.content()


def test_the_admin_asks_no_third_party(live_server, wide_page, post, moderator):
    """No Gravatar for the admins' avatars, no release check: only this host."""
    moderator.is_superuser = True  # the release check is shown to superusers
    moderator.save()
    CommentFactory(post=post, status="pending")
    page = wide_page
    hosts = set()

    def record(request):
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss"):
            hosts.add(urlsplit(request.url).netloc)

    page.on("request", record)
    _log_in(page, live_server)
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + QUEUE)
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/admin/account/")
    page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(live_server.url).netloc}
