"""Akismet: verdict mapping with the package's TestSyncClient, and the whole
transport against a fake Akismet server on loopback."""

from io import StringIO

import akismet
import pytest
from django.core.management import call_command

from comments.models import Comment
from comments.moderation import spam
from tests.factories import CommentFactory
from tests.helpers import comment_form_data

BLOG = "http://testserver/"
DATA = {"user_ip": "192.0.2.1", "comment_content": "Hallo", "comment_type": "comment"}


@pytest.mark.parametrize(
    "answer, expected",
    [
        (akismet.CheckResponse.HAM, spam.HAM),
        (akismet.CheckResponse.SPAM, spam.SPAM),
        (akismet.CheckResponse.DISCARD, spam.DISCARD),
    ],
)
def test_verdict_mapping(answer, expected, settings):
    settings.AKISMET_API_KEY = "key"

    class Client(akismet.TestSyncClient):
        comment_check_response = answer

    assert spam.check(DATA, BLOG, Client(config=akismet.Config("key", BLOG))).result == expected


def test_no_key_skips_the_check(settings):
    settings.AKISMET_API_KEY = ""
    assert spam.check(DATA, BLOG).result == spam.SKIPPED


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("ham", spam.HAM),
        ("spam", spam.SPAM),
        ("discard", spam.DISCARD),
        ("timeout", spam.ERROR),
        ("trickle", spam.ERROR),  # a byte every 1.5 s: the call's deadline, not each read's
        ("error", spam.ERROR),
        ("invalid", spam.ERROR),
    ],
)
def test_transport_against_a_fake_akismet(fake_akismet, mode, expected):
    fake_akismet.mode = mode
    assert spam.check(DATA, BLOG).result == expected
    path, sent = fake_akismet.requests[0]
    assert path == "/1.1/comment-check"
    assert (sent["api_key"], sent["blog"]) == ("test-key", BLOG)
    assert sent["is_test"] in ("1", "True", "true")


POST_URL = "/comments/post/"


@pytest.fixture
def known_reader(post):
    return CommentFactory(post=post, user_email="marcus@example.org")


@pytest.mark.parametrize(
    "mode, status, reason",
    [
        ("ham", "approved", "passed all checks"),
        ("spam", "spam", "Akismet: spam"),
        ("discard", "spam", "Akismet: blatant spam"),
        ("timeout", "pending", "Akismet unavailable"),
        ("trickle", "pending", "Akismet unavailable"),
        ("error", "pending", "Akismet unavailable"),
        ("invalid", "pending", "Akismet unavailable: invalid Akismet key"),
    ],
)
def test_akismet_outcomes_for_a_posted_comment(
    client, known_reader, fake_akismet, mode, status, reason
):
    fake_akismet.mode = mode
    response = client.post(
        POST_URL,
        comment_form_data(known_reader.content_object, comment=f"Test {mode}"),
        headers={"user-agent": "Mozilla/5.0 Test", "referer": "http://testserver/a1-mobilkom/"},
    )
    assert response.status_code == 303
    comment = Comment.objects.get(comment=f"Test {mode}")
    assert comment.status == status
    assert comment.status_reason.startswith(reason)
    sent = fake_akismet.requests[0][1]
    assert sent["user_agent"] == "Mozilla/5.0 Test"
    assert sent["referrer"] == "http://testserver/a1-mobilkom/"
    assert sent["permalink"] == "http://testserver/a1-mobilkom/"
    assert sent["comment_author_email"] == "marcus@example.org"
    assert sent["blog_charset"] == "UTF-8"
    if status == "spam":
        assert f"Test {mode}" not in client.get("/a1-mobilkom/").content.decode()


def test_check_warns_without_a_key(settings):
    settings.AKISMET_API_KEY = ""
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "comments.W001" in out.getvalue()
    assert "local rules only" in out.getvalue()
    settings.AKISMET_API_KEY = "key"
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "comments.W001" not in out.getvalue()
