import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_approves_in_bulk_and_the_comment_appears(live_server, page, post):
    moderator = UserFactory(username="mia", email="mia@example.org")
    moderator.set_password("a-long-test-password")
    moderator.save()
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    moderator.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment"]
        ),
    )
    waiting = CommentFactory(post=post, status="pending", comment="Bitte freischalten")
    CommentFactory(post=post, status="pending", comment="Auch noch offen")

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", "a-long-test-password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "Kommentare (2)" in page.content()

    page.goto(live_server.url + "/admin/snippets/comments/comment/?status=pending")
    page.locator(f"input[data-bulk-action-checkbox][data-object-id='{waiting.pk}']").check()
    page.locator("[data-bulk-action-button]", has_text="Freigeben").first.click()
    page.get_by_role("button", name="Ja, ausführen").click()
    page.wait_for_url("**/admin/snippets/comments/comment/**")

    waiting.refresh_from_db()
    assert waiting.status == "approved"
    page.goto(live_server.url + post.url)
    assert page.locator(f"#comment-{waiting.pk}").inner_text().find("Bitte freischalten") >= 0
    assert "Auch noch offen" not in page.content()
