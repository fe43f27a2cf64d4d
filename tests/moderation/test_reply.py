"""Replying from the admin (issue 11): a reply to a pending comment either
approves that comment first or waits with it, and the page shows exactly
what was approved."""

import pytest
from django.contrib.auth.models import Group

from comments import posting
from comments.models import Comment
from comments.moderation.pipeline import Refused
from tests.factories import CommentFactory, UserFactory

QUEUE = "/admin/snippets/comments/comment/"


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mia", first_name="Mia", last_name="Moser")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def question(post):
    return CommentFactory(post=post, status="pending", comment="Eine offene Frage")


def _reply_url(comment):
    return f"{QUEUE}reply/{comment.pk}/"


def test_reply_page_offers_approve_and_reply_for_a_pending_comment(client, moderator, question):
    client.force_login(moderator)
    html = client.get(_reply_url(question)).content.decode()
    assert "Freischalten und antworten" in html
    assert 'name="approve_parent"' in html
    assert "noch nicht freigegeben" in html


def test_reply_page_to_an_approved_comment_just_publishes(client, moderator, post):
    approved = CommentFactory(post=post, comment="Schon frei")
    client.force_login(moderator)
    html = client.get(_reply_url(approved)).content.decode()
    assert "Freischalten und antworten" not in html
    assert "Antwort veröffentlichen" in html


def test_approve_and_reply_publishes_both(client, moderator, question, post):
    client.force_login(moderator)
    response = client.post(
        _reply_url(question), {"comment": "Die Antwort", "approve_parent": "1"}, follow=True
    )
    question.refresh_from_db()
    reply = Comment.objects.get(comment="Die Antwort")
    assert (question.status, reply.status, reply.parent_id) == (
        "approved",
        "approved",
        question.pk,
    )
    assert question.status_reason == "approved by Mia Moser"
    assert "Der Kommentar ist freigegeben und deine Antwort veröffentlicht." in (
        response.content.decode()
    )
    client.logout()
    page = client.get(post.url).content.decode()
    assert "Eine offene Frage" in page and "Die Antwort" in page


def test_reply_without_approving_waits_with_its_parent(client, moderator, question, post):
    client.force_login(moderator)
    response = client.post(_reply_url(question), {"comment": "Wartet mit"}, follow=True)
    question.refresh_from_db()
    reply = Comment.objects.get(comment="Wartet mit")
    assert question.status == "pending"
    assert reply.status == "pending"
    assert reply.status_reason == f"held: the comment it answers (#{question.pk}) is not approved"
    html = response.content.decode()
    assert "Deine Antwort ist veröffentlicht" not in html
    assert "nicht veröffentlicht" in html and f"(#{question.pk})" in html
    assert response.redirect_chain[-1][0] == f"{QUEUE}?status=pending"
    client.logout()
    page = client.get(post.url).content.decode()
    assert "Wartet mit" not in page and "Eine offene Frage" not in page
    for feed in (f"{post.url}feed/", "/comments/feed/"):
        assert "Wartet mit" not in client.get(feed).content.decode()


def test_a_reply_deeper_under_a_hidden_comment_waits_too(moderator, post):
    hidden = CommentFactory(post=post, status="spam", comment="Versteckt")
    child = CommentFactory(post=post, comment="Darunter", parent_id=hidden.pk)
    reply = posting.reply_as(moderator, child, "Noch tiefer")
    assert reply.status == "pending"
    assert f"(#{hidden.pk})" in reply.status_reason


def test_a_refused_reply_leaves_the_parent_pending(moderator, question, post):
    CommentFactory(post=post, comment="Schon gesagt")
    with pytest.raises(Refused):
        posting.reply_as(moderator, question, "Schon gesagt", approve_parent=True)
    question.refresh_from_db()
    assert question.status == "pending"


def test_reply_to_an_approved_comment_is_published(client, moderator, post):
    approved = CommentFactory(post=post, comment="Schon frei")
    client.force_login(moderator)
    response = client.post(_reply_url(approved), {"comment": "Gern geschehen"}, follow=True)
    reply = Comment.objects.get(comment="Gern geschehen")
    assert reply.status == "approved"
    assert "Deine Antwort ist veröffentlicht." in response.content.decode()
    assert "Gern geschehen" in client.get(post.url).content.decode()
