"""Every mail has exactly one recipient, and no other reader's address in it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks
from comments.models import Comment, Subscription
from tests.factories import CommentFactory, UserFactory
from tests.helpers import comment_form_data, free_port

POST_URL = "/comments/post/"
FOLLOWERS = ["anne@example.org", "roman@example.org", "hannes@example.org"]
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a comment and run what waits for the commit (the mail tasks)."""

    def post_comment(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(POST_URL, data)

    return post_comment


@pytest.fixture
def followed_post(post, author):
    author.email = "luca@example.org"
    author.save()
    for email in FOLLOWERS:
        CommentFactory(post=post, user_email=email, user_name=email.split("@")[0].title())
        Subscription.objects.create(
            post=post, email=email, name=email.split("@")[0].title(), confirmed_at=timezone.now()
        )
    CommentFactory(post=post, user_email="marcus@example.org")
    return post


def test_each_mail_goes_to_one_recipient_over_real_smtp(send, followed_post, smtp_server):
    response = send(comment_form_data(followed_post, comment="Neu hier?"))
    assert response.status_code == 303
    received = smtp_server.messages
    envelopes = smtp_server.envelopes
    assert sorted(e.rcpt_tos[0] for e in envelopes) == sorted(["luca@example.org", *FOLLOWERS])
    everyone = {"luca@example.org", "marcus@example.org", *FOLLOWERS}
    for envelope, message in zip(envelopes, received, strict=True):
        recipient = envelope.rcpt_tos[0]
        assert envelope.rcpt_tos == [recipient]
        assert message.get_all("To") == [recipient]
        assert message["Cc"] is None
        assert message["Bcc"] is None
        raw = envelope.content.decode("utf-8", "replace")
        others = (everyone - {recipient}) & set(ADDRESS.findall(raw))
        assert not others, f"{recipient} saw {others}"


def test_followup_mail_has_a_mute_link_and_list_unsubscribe(
    client, send, followed_post, smtp_server
):
    send(comment_form_data(followed_post, comment="Antwort"))
    message = next(m for m in smtp_server.messages if m["To"] == "anne@example.org")
    header = message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mute_url = header.strip().strip("<>")
    assert mute_url in message.get_content()
    path = mute_url.replace("http://testserver", "")
    assert client.get(path).status_code == 200
    assert Subscription.objects.get(email="anne@example.org").muted_at is None
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Subscription.objects.get(email="anne@example.org").muted_at is not None

    smtp_server.envelopes.clear()
    send(comment_form_data(followed_post, comment="Noch eine"))
    assert "anne@example.org" not in [e.rcpt_tos[0] for e in smtp_server.envelopes]


def test_held_comment_mails_only_the_post_author(send, followed_post, smtp_server):
    send(comment_form_data(followed_post, email="new@example.org"))
    assert Comment.objects.get(user_email="new@example.org").status == "pending"
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["luca@example.org"]]
    body = smtp_server.messages[0].get_content()
    comment = Comment.objects.get(user_email="new@example.org")
    assert f"http://testserver/admin/snippets/comments/comment/edit/{comment.pk}/" in body
    assert "erster Kommentar dieser Person" in body  # the stored reason, in the blog's language
    assert "zu deinem Beitrag" in body


def test_guest_followup_needs_double_opt_in(client, send, post, smtp_server, author):
    CommentFactory(post=post, user_email="nila@example.org")
    data = comment_form_data(post, name="Nila", email="nila@example.org", followup="on")
    send(data)
    subscription = Subscription.objects.get(email="nila@example.org")
    assert subscription.confirmed_at is None
    confirm = [m for m in smtp_server.messages if m["To"] == "nila@example.org"]
    assert len(confirm) == 1
    link = re.search(r"http://testserver(/comments/follow/\S+/)", confirm[0].get_content())[1]

    smtp_server.envelopes.clear()
    CommentFactory(post=post, user_email="vu@example.org")
    send(comment_form_data(post, name="Vu", email="vu@example.org", comment="Vor der Bestätigung"))
    assert "nila@example.org" not in [e.rcpt_tos[0] for e in smtp_server.envelopes]

    assert client.get(link).status_code == 200  # a GET (a mail scanner) confirms nothing
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    client.post(link)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    send(
        comment_form_data(post, name="Vu", email="vu@example.org", comment="Nach der Bestätigung")
    )
    assert "nila@example.org" in [e.rcpt_tos[0] for e in smtp_server.envelopes]


def test_forged_links_are_refused(client, post):
    assert client.get("/comments/follow/forged/").status_code == 404
    assert client.post("/comments/mute/forged/").status_code == 404


def test_smtp_down_keeps_the_comment(send, post, author, settings, caplog):
    author.email = "luca@example.org"
    author.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
    response = send(comment_form_data(post))
    assert response.status_code == 303
    assert Comment.objects.count() == 1
    assert "failed" in caplog.text


def test_failed_mail_is_retried_later_on_the_database_queue(post, author, settings):
    author.email = "luca@example.org"
    author.save()
    comment = CommentFactory(post=post)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    # This try failed, and says so (the queue records it as failed)...
    with pytest.raises(ConnectionRefusedError):
        tasks.deliver.call("author", comment.pk)
    # ...and the next one waits in the queue.
    retry = DBTaskResult.objects.get(task_path__endswith="deliver")
    assert retry.run_after is not None
    assert retry.args_kwargs["args"][-1] == 2


def test_mentioned_reader_without_opt_in_gets_no_mail(send, post, smtp_server):
    CommentFactory(post=post, user_name="Vu", user_email="vu@example.org")
    CommentFactory(post=post, user_email="nila@example.org")
    send(comment_form_data(post, name="Nila", email="nila@example.org", comment="@Vu: Nein."))
    assert "vu@example.org" not in [e.rcpt_tos[0] for e in smtp_server.envelopes]


def test_held_comment_mails_each_moderator_separately(send, post, author, smtp_server):
    author.email = "luca@example.org"
    author.save()
    group = Group.objects.get(name="Moderators")
    for name in ("mod1", "mod2"):
        UserFactory(username=name, email=f"{name}@example.org").groups.add(group)
    send(comment_form_data(post, email="new@example.org"))
    recipients = sorted(e.rcpt_tos[0] for e in smtp_server.envelopes)
    assert recipients == ["luca@example.org", "mod1@example.org", "mod2@example.org"]
    for envelope in smtp_server.envelopes:
        assert len(envelope.rcpt_tos) == 1
        raw = envelope.content.decode()
        others = {"luca@example.org", "mod1@example.org", "mod2@example.org"}
        assert not (others - set(envelope.rcpt_tos)) & set(ADDRESS.findall(raw))


def test_moderators_mail_speaks_of_the_post_not_of_their_post(send, post, author, smtp_server):
    """Only the post's author reads "zu deinem Beitrag"; a moderator moderates someone's post."""
    author.email = "luca@example.org"
    author.save()
    UserFactory(username="mod1", email="mod1@example.org").groups.add(
        Group.objects.get(name="Moderators")
    )
    send(comment_form_data(post, email="new@example.org"))
    bodies = {m["To"]: m.get_content() for m in smtp_server.messages}
    assert "zu deinem Beitrag" in bodies["luca@example.org"]
    to_moderator = bodies["mod1@example.org"]
    assert "zu deinem Beitrag" not in to_moderator and "your post" not in to_moderator
    assert f"zum Beitrag „{post.title}“" in to_moderator
    assert "erster Kommentar dieser Person" in to_moderator
    assert "first comment by this author" not in to_moderator
