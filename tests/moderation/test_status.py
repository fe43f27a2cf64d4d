"""Status changes: the audit log, Akismet feedback, and the mails now due."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from comments.models import Comment, Subscription
from comments.moderation import tasks
from comments.moderation.status import set_status
from tests.factories import CommentFactory, UserFactory


@pytest.fixture
def moderator(db):
    return UserFactory(username="mod", is_staff=True)


def test_every_change_is_in_the_audit_log(post, moderator):
    comment = CommentFactory(post=post, status="pending")
    set_status(comment, Comment.Status.APPROVED, moderator)
    set_status(comment, Comment.Status.TRASH, moderator)
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(comment.pk))
        .order_by("timestamp", "pk")
        .values_list("action", "user_id")
    )
    assert actions == [("comments.approve", moderator.pk), ("comments.trash", moderator.pk)]
    comment.refresh_from_db()
    assert (comment.status, comment.is_public, comment.is_removed) == ("trash", False, True)


def test_marking_spam_and_freeing_spam_teach_akismet(
    post, moderator, fake_akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status="approved", user_agent="UA", comment="Kauf!")
    with django_capture_on_commit_callbacks(execute=True):
        set_status(comment, Comment.Status.SPAM, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        set_status(comment, Comment.Status.APPROVED, moderator)
    paths = [path for path, _ in fake_akismet.requests]
    assert paths == ["/1.1/submit-spam", "/1.1/submit-ham"]
    sent = fake_akismet.requests[0][1]
    assert (sent["comment_content"], sent["user_agent"]) == ("Kauf!", "UA")


def test_no_feedback_for_ordinary_moderation(
    post, moderator, fake_akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        set_status(comment, Comment.Status.APPROVED, moderator)
        set_status(comment, Comment.Status.TRASH, moderator)
    assert fake_akismet.requests == []


def test_approving_a_held_comment_mails_its_followers(
    post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    Subscription.objects.create(post=post, email="anne@example.org", confirmed_at=timezone.now())
    comment = CommentFactory(post=post, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        set_status(comment, Comment.Status.APPROVED, moderator)
    assert [m.to for m in mailoutbox] == [["anne@example.org"]]


def test_failed_feedback_is_retried_later(post, settings, fake_akismet):
    fake_akismet.mode = "error"
    comment = CommentFactory(post=post, status="spam")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks.send_spam_feedback.call(comment.pk, "spam") is False
    retry = DBTaskResult.objects.get(task_path__endswith="send_spam_feedback")
    assert retry.args_kwargs["args"] == [comment.pk, "spam", 2]
