"""The page, the comment feeds and the mails agree on what is visible: a reply
under a hidden comment, a comment edited after approval, a deleted account."""

import re

import pytest

from comments import posting
from comments.accounts import erasure
from comments.models import Comment
from comments.moderation.status import set_status
from tests.factories import CommentFactory, UserFactory

ANCHOR = re.compile(r'id="comment-(\d+)"')
FEED_ITEM = re.compile(r"<link>[^<]*#comment-(\d+)</link>")


def on_page(client, post):
    return {int(pk) for pk in ANCHOR.findall(client.get(post.url).content.decode())}


def in_feeds(client, post):
    per_post = client.get(post.url + "feed/").content.decode()
    site = client.get("/comments/feed/").content.decode()
    return {int(pk) for pk in FEED_ITEM.findall(per_post)}, {
        int(pk) for pk in FEED_ITEM.findall(site)
    }


def assert_agree(client, post, expected):
    per_post, site = in_feeds(client, post)
    assert on_page(client, post) == expected
    assert per_post == expected
    assert site == expected


def test_a_reply_under_a_held_comment_is_in_no_feed(client, post):
    top = CommentFactory(post=post)
    held = CommentFactory(post=post, parent_id=top.pk, status="pending")
    reply = CommentFactory(post=post, parent_id=held.pk)
    below = CommentFactory(post=post, parent_id=reply.pk)
    sibling = CommentFactory(post=post, parent_id=top.pk)
    assert reply.status == below.status == "approved"
    assert_agree(client, post, {top.pk, sibling.pk})
    set_status(held, Comment.Status.APPROVED)
    assert_agree(client, post, {top.pk, held.pk, reply.pk, below.pk, sibling.pk})


@pytest.mark.parametrize("status", ["spam", "trash", "pending"])
def test_hiding_a_top_level_comment_hides_its_thread_everywhere(client, post, status):
    top = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent_id=top.pk)
    other = CommentFactory(post=post)
    set_status(top, status)
    assert_agree(client, post, {other.pk})
    assert not Comment.objects.visible().filter(pk=reply.pk).exists()


def test_editing_an_approved_first_comment_keeps_it_published(client, post):
    """Its own approval counts: the edit is judged on its content."""
    comment = CommentFactory(post=post, user_email="neu@example.org", status="pending")
    set_status(comment, Comment.Status.APPROVED)
    reply = CommentFactory(post=post, parent_id=comment.pk)
    posting.edit(comment, "Ein kleiner Tippfehler, korrigiert.")
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert_agree(client, post, {comment.pk, reply.pk})


def test_an_edit_that_adds_links_is_held_and_leaves_page_and_feeds(client, post):
    comment = CommentFactory(post=post, user_email="neu@example.org")
    reply = CommentFactory(post=post, parent_id=comment.pk)
    links = " ".join(f"https://spam{n}.example.com/" for n in range(4))
    posting.edit(comment, f"Jetzt mit Links: {links}")
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert "links" in comment.status_reason
    assert_agree(client, post, set())
    assert reply.pk not in on_page(client, post)


def test_a_held_first_comment_edited_stays_held(post):
    comment = CommentFactory(post=post, user_email="neu@example.org", status="pending")
    posting.edit(comment, "Noch einmal, bitte freischalten.")
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize("choice", [erasure.ANONYMISE, erasure.DELETE])
def test_a_deleted_account_leaves_page_and_feeds_in_step(client, post, choice):
    reader = UserFactory(username="leaving")
    theirs = CommentFactory(post=post, user=reader, user_name="Leaving Reader")
    answer = CommentFactory(post=post, parent_id=theirs.pk, user_name="Anne")
    erasure.delete_account(reader, choice)
    expected = {theirs.pk, answer.pk} if choice == erasure.ANONYMISE else {answer.pk}
    assert_agree(client, post, expected)
    page = client.get(post.url).content.decode()
    feed = client.get("/comments/feed/").content.decode()
    assert "Leaving Reader" not in page
    assert "Leaving Reader" not in feed


def test_listing_count_and_permalinks_follow_what_the_page_shows(client, post):
    top = CommentFactory(post=post)
    held = CommentFactory(post=post, parent_id=top.pk, status="pending")
    hidden_reply = CommentFactory(post=post, parent_id=held.pk)
    home = client.get("/").content.decode()
    assert "1 Kommentar" in home
    assert client.get(f"/comments/{hidden_reply.pk}/").status_code == 404
    assert client.get(f"/comments/{top.pk}/").status_code == 302
