"""`purge_comments`: spam and trash older than COMMENTS_PURGE_SPAM_DAYS go, all else stays."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory


def test_purge_deletes_only_old_spam_and_trash(post, settings):
    old = timezone.now() - datetime.timedelta(days=31)
    doomed = [
        CommentFactory(post=post, status="spam", submit_date=old),
        CommentFactory(post=post, status="trash", submit_date=old),
    ]
    kept = [
        CommentFactory(post=post, status="spam"),
        CommentFactory(post=post, status="approved", submit_date=old),
        CommentFactory(post=post, status="pending", submit_date=old),
    ]
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "Deleted 2" in out.getvalue()
    assert not Comment.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    assert Comment.objects.filter(pk__in=[c.pk for c in kept]).count() == 3
    settings.COMMENTS_PURGE_SPAM_DAYS = 0
    call_command("purge_comments", stdout=out)
    assert not Comment.objects.filter(status="spam").exists()


def test_network_data_is_deleted_after_the_retention_period(post, settings, client):
    settings.COMMENTS_IP_RETENTION_DAYS = 60
    old = CommentFactory(
        post=post,
        submit_date=timezone.now() - datetime.timedelta(days=61),
        ip_address="203.0.113.5",
        user_agent="Firefox",
        referrer="https://example.org/",
    )
    recent = CommentFactory(post=post, ip_address="203.0.113.6", user_agent="Chromium")
    client.get(post.url)
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "network data of 1 older comments" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent, old.referrer) == (None, "", "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.6", "Chromium")
    assert old.comment  # the comment itself stays
