"""The moderation queue in the Wagtail admin."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory, UserFactory

QUEUE = "/admin/snippets/comments/comment/"


@pytest.fixture
def queue(post):
    other_post = BlogPageFactory(parent=post.get_parent(), slug="other", title="Other post")
    return {
        "pending": CommentFactory(
            post=post,
            status="pending",
            comment="Wartet noch",
            user_email="wartet@example.org",
            ip_address="198.51.100.7",
        ),
        "approved": CommentFactory(post=post, comment="Schon frei"),
        "spam": CommentFactory(post=post, status="spam", comment="Billige Uhren"),
        "other": CommentFactory(post=other_post, status="pending", comment="Woanders"),
    }


def test_queue_lists_and_filters_with_everything_a_moderator_needs(admin_client, queue):
    html = admin_client.get(QUEUE).content.decode()
    for comment in queue.values():
        assert comment.comment in html
    assert "wartet@example.org" in html  # visible here, to moderators only
    assert "198.51.100.7" in html
    pending = admin_client.get(QUEUE, {"status": "pending"}).content.decode()
    assert "Wartet noch" in pending and "Schon frei" not in pending
    by_post = admin_client.get(QUEUE, {"post": queue["other"].object_pk}).content.decode()
    assert "Woanders" in by_post and "Wartet noch" not in by_post
    found = admin_client.get(QUEUE, {"q": "198.51.100.7"}).content.decode()
    assert "Wartet noch" in found and "Schon frei" not in found


def test_menu_shows_the_pending_count(admin_client, queue):
    html = admin_client.get("/admin/").content.decode()
    assert QUEUE in html
    assert re.search(r"Kommentare \(2\)", html)
    Comment.objects.filter(status="pending").update(status="approved")
    assert not re.search(r"Kommentare \(\d+\)", admin_client.get("/admin/").content.decode())


def _bulk(client, action, comments):
    url = f"/admin/bulk/comments/comment/{action}/"
    query = "&".join(f"id={c.pk}" for c in comments)
    return client.post(f"{url}?{query}&next={QUEUE}")


@pytest.mark.parametrize(
    "action, start, end",
    [
        ("approve", "pending", "approved"),
        ("unapprove", "approved", "pending"),
        ("spam", "approved", "spam"),
        ("not-spam", "spam", "approved"),
        ("trash", "approved", "trash"),
        ("restore", "trash", "pending"),
    ],
)
def test_bulk_actions(admin_client, post, action, start, end):
    comments = [CommentFactory(post=post, status=start) for _ in range(3)]
    response = _bulk(admin_client, action, comments)
    assert response.status_code == 302
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {end}


def test_bulk_delete_permanently(admin_client, post):
    comments = [CommentFactory(post=post, status="spam") for _ in range(2)]
    assert _bulk(admin_client, "delete", comments).status_code == 302
    assert not Comment.objects.filter(pk__in=[c.pk for c in comments]).exists()


def test_moderators_group_may_moderate_everything(client, queue):
    group = Group.objects.get(name="Moderators")
    moderator = UserFactory(username="moderator")
    moderator.groups.add(group)
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    assert "Wartet noch" in html and "Woanders" in html
    _bulk(client, "approve", [queue["other"]])
    queue["other"].refresh_from_db()
    assert queue["other"].status == "approved"


def test_post_author_moderates_only_their_own_posts(client, queue, author):
    editor = Group.objects.get(name="Editors")
    author.groups.add(editor)
    client.force_login(author)
    html = client.get(QUEUE).content.decode()
    assert "Wartet noch" in html
    assert "Woanders" not in html
    _bulk(client, "approve", [queue["pending"], queue["other"]])
    queue["pending"].refresh_from_db()
    queue["other"].refresh_from_db()
    assert (queue["pending"].status, queue["other"].status) == ("approved", "pending")


def test_others_see_nothing_of_the_queue(client, queue):
    stranger = UserFactory(username="stranger")
    stranger.groups.add(Group.objects.get(name="Editors"))
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    assert client.get(QUEUE).status_code in (302, 403)
    assert QUEUE not in client.get("/admin/").content.decode()


def test_dashboard_lists_the_latest_pending_comments(admin_client, queue):
    html = admin_client.get("/admin/").content.decode()
    assert "Kommentare, die auf Freischaltung warten" in html or "awaiting moderation" in html
    assert "Wartet noch" in html
    assert "Schon frei" not in html


def test_moderator_edits_the_text_and_the_page_shows_it(admin_client, client, queue, post):
    comment = queue["approved"]
    url = f"/admin/snippets/comments/comment/edit/{comment.pk}/"
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"comment": "Vom Moderator **gekürzt**"})
    comment.refresh_from_db()
    assert comment.comment == "Vom Moderator **gekürzt**"
    assert "<strong>gekürzt</strong>" in comment.body_html
    assert "<strong>gekürzt</strong>" in client.get(post.url).content.decode()


def test_post_author_replies_from_the_queue_with_the_badge(client, queue, author, post):
    author.groups.add(Group.objects.get(name="Editors"))
    client.force_login(author)
    html = client.get(QUEUE).content.decode()
    reply_url = f"/admin/snippets/comments/comment/reply/{queue['approved'].pk}/"
    assert reply_url in html
    response = client.post(reply_url, {"comment": "Danke für den Hinweis!"})
    assert response.status_code == 302
    reply = Comment.objects.get(comment="Danke für den Hinweis!")
    assert (reply.user, reply.status, reply.parent_id) == (
        author,
        "approved",
        queue["approved"].pk,
    )
    client.logout()
    node = client.get(post.url).content.decode()
    assert "comment--by-author" in node and "Danke für den Hinweis!" in node


def test_author_cannot_reply_on_others_posts(client, queue, author):
    author.groups.add(Group.objects.get(name="Editors"))
    client.force_login(author)
    url = f"/admin/snippets/comments/comment/reply/{queue['other'].pk}/"
    assert client.post(url, {"comment": "Nein"}).status_code == 404


def test_single_comment_actions_in_the_row(admin_client, queue):
    html = admin_client.get(QUEUE).content.decode()
    approve = f"/admin/bulk/comments/comment/approve/?id={queue['pending'].pk}"
    assert approve in html.replace("&amp;", "&")
    assert f"/admin/bulk/comments/comment/approve/?id={queue['approved'].pk}" not in html
    response = admin_client.post(approve + "&next=" + QUEUE)
    assert response.status_code == 302
    queue["pending"].refresh_from_db()
    assert queue["pending"].status == "approved"
