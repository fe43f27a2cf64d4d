"""Every change a reader could see shows on the next request, although the
discussion, the post and the sidebar come from caches: each change moves a
version the cache keys are made of (comments/caching/versions.py)."""

import datetime
import time

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from comments import posting
from comments.accounts.own_comments import rename_own_comments
from comments.linkbacks import receive
from comments.linkbacks.source import SourcePage
from comments.models import Comment, ContentVersion, ModerationSettings
from comments.moderation import status
from tests.factories import BlogPageFactory, CommentFactory, UserFactory
from tests.helpers import comment_form_data


def comment_texts(client, post):
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    return [node.get_text(" ", strip=True) for node in page.select(".comment__content")]


def shown(client, post, text):
    return any(text in node for node in comment_texts(client, post))


def test_a_queryset_update_moves_the_version_too(client, post):
    """update() sends no signal; CommentQuerySet.update moves the versions itself."""
    CommentFactory(post=post, user_name="Alter Name")
    assert "Alter Name" in client.get(post.url).content.decode()
    Comment.objects.filter(user_name="Alter Name").update(user_name="Neuer Name")
    assert "Neuer Name" in client.get(post.url).content.decode()


def test_an_entry_is_reused_while_nothing_changes(client, post, django_assert_max_num_queries):
    for n in range(30):
        CommentFactory(post=post, comment=f"Nummer {n}")
    client.get(post.url)
    with django_assert_max_num_queries(12):
        assert shown(client, post, "Nummer 29")


def _approve(post, comment):
    status.set_status(comment, Comment.Status.APPROVED)


def _spam(post, comment):
    status.set_status(comment, Comment.Status.SPAM)


def _trash(post, comment):
    status.set_status(comment, Comment.Status.TRASH)


def _delete(post, comment):
    status.delete(comment)


def _edit(post, comment):
    posting.edit(comment, "Geänderter Text")


@pytest.mark.parametrize(
    ("start", "change", "before", "after"),
    [
        ("pending", _approve, False, True),
        ("approved", _spam, True, False),
        ("approved", _trash, True, False),
        ("approved", _delete, True, False),
    ],
)
def test_a_change_of_status_shows_at_once(client, post, start, change, before, after):
    comment = CommentFactory(post=post, comment="Der Kommentar", status=start)
    assert shown(client, post, "Der Kommentar") is before
    change(post, comment)
    assert shown(client, post, "Der Kommentar") is after


def test_an_edit_shows_at_once(client, post):
    comment = CommentFactory(post=post, comment="Alter Text")
    assert shown(client, post, "Alter Text")
    _edit(post, comment)
    assert shown(client, post, "Geänderter Text")
    assert not shown(client, post, "Alter Text")


def test_a_posted_comment_shows_at_once_to_everyone(client, post, author):
    CommentFactory(post=post, user_name="Vu", user_email="vu@example.org", comment="Früher")
    reader = Client()
    assert not shown(reader, post, "Neu dazu")
    data = comment_form_data(post, name="Vu", email="vu@example.org", comment="Neu dazu")
    assert client.post("/comments/post/", data).status_code == 303
    assert Comment.objects.get(comment="Neu dazu").status == Comment.Status.APPROVED
    assert shown(reader, post, "Neu dazu")


def test_a_linkback_shows_at_once(client, post, settings):
    client.get(post.url)
    page = SourcePage(url="https://other.example/a/", title="Drüben", excerpt="Ein Verweis")
    comment = receive.store(Comment.Kind.PINGBACK, post, page)
    status.set_status(comment, Comment.Status.APPROVED)
    assert shown(client, post, "Ein Verweis")


def test_a_new_public_name_shows_at_once(client, post):
    user = UserFactory(username="lena")
    CommentFactory(post=post, user=user, user_name="lena", comment="Von Lena")
    assert "lena" in client.get(post.url).content.decode()
    rename_own_comments(user, "Lena Berger")
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(".comment__author").get_text(strip=True) == "Lena Berger"


def test_closing_comments_on_the_post_shows_at_once(client, post, site):
    CommentFactory(post=post)
    assert "comment__reply" in client.get(post.url).content.decode()
    post.allow_comments = False
    post.save_revision().publish()
    assert "comment__reply" not in client.get(post.url).content.decode()


def test_moderation_settings_move_every_version(client, post, site):
    CommentFactory(post=post)
    client.get(post.url)
    before = ContentVersion.objects.get(key=f"post:{post.pk}").changed_at
    ModerationSettings.for_site(site).save()
    assert ContentVersion.objects.get(key=f"post:{post.pk}").changed_at > before


def test_the_sidebar_follows_publishing(client, post, blog_index):
    assert "Neuigkeit" not in client.get(post.url).content.decode()
    other = BlogPageFactory(parent=blog_index, slug="neu", tags=["Neuigkeit"])
    other.save_revision().publish()
    sidebar = BeautifulSoup(client.get(post.url).content, "html.parser").select_one(".sidebar")
    assert "Neuigkeit" in sidebar.get_text()
    other.unpublish()
    sidebar = BeautifulSoup(client.get(post.url).content, "html.parser").select_one(".sidebar")
    assert "Neuigkeit" not in sidebar.get_text()


def test_a_post_edit_shows_at_once(client, post):
    assert post.title in client.get(post.url).content.decode()
    post.title = "Ein neuer Titel"
    post.save_revision().publish()
    assert "Ein neuer Titel" in client.get(post.url).content.decode()


def test_own_pending_comment_is_merged_in_without_touching_the_shared_entry(
    client, post, django_assert_max_num_queries
):
    CommentFactory(post=post, comment="Öffentlich")
    other = Client()
    other.get(post.url)  # fills the shared entry
    data = comment_form_data(post, comment="Bitte freischalten", email="neu@example.org")
    client.post("/comments/post/", data)
    assert Comment.objects.get(comment="Bitte freischalten").status == Comment.Status.PENDING
    assert shown(client, post, "Bitte freischalten")
    with django_assert_max_num_queries(12):
        assert not shown(other, post, "Bitte freischalten")
    assert shown(other, post, "Öffentlich")


def test_a_post_dated_in_the_future_appears_when_its_date_comes(client, post, blog_index):
    """Nothing is saved at that moment: the first request after it moves the version."""
    soon = timezone.now() + datetime.timedelta(seconds=1)
    later = BlogPageFactory(parent=blog_index, slug="bald", title="Bald da", date=soon)
    later.save_revision().publish()
    assert "Bald da" not in client.get("/").content.decode()
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Bald da" in client.get("/").content.decode()
    assert "Bald da" in client.get("/feed/").content.decode()


def test_a_comment_leaves_the_post_and_the_sidebar_cached(
    client, post, django_assert_max_num_queries
):
    """Only the discussion depends on comments; the first request after a new one
    rebuilds that alone."""
    client.get(post.url)
    CommentFactory(post=post, comment="Noch einer")
    with django_assert_max_num_queries(12):
        assert shown(client, post, "Noch einer")


def test_an_authors_new_name_shows_at_once(client, post, author):
    client.get(post.url)
    author.first_name, author.last_name = "Luca", "Neumann"
    author.save()
    assert "Luca Neumann" in client.get(post.url).content.decode()
