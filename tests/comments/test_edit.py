import datetime

from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory
from tests.helpers import comment_form_data


def post_own_comment(client, post, **fields):
    CommentFactory(post=post, user_email="marcus@example.org")
    client.post("/comments/post/", comment_form_data(post, **fields))
    return Comment.objects.latest("pk")


def test_author_can_edit_within_the_window_and_moderation_rechecks(client, post):
    comment = post_own_comment(client, post)
    assert comment.status == "approved"
    page = client.get(post.url).content.decode()
    assert f"/comments/{comment.pk}/edit/" in page
    response = client.post(f"/comments/{comment.pk}/edit/", {"comment": "Korrigiert **jetzt**"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.comment == "Korrigiert **jetzt**"
    assert "<strong>jetzt</strong>" in comment.body_html
    assert comment.edited_at is not None
    assert comment.status_reason  # judged again


def test_edit_after_the_window_is_refused(client, post, settings):
    comment = post_own_comment(client, post)
    Comment.objects.filter(pk=comment.pk).update(
        submit_date=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert f"/comments/{comment.pk}/edit/" not in client.get(post.url).content.decode()


def test_others_cannot_edit_or_delete(client, post):
    comment = post_own_comment(client, post)
    stranger = client.__class__()
    assert stranger.get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert stranger.post(f"/comments/{comment.pk}/delete/").status_code == 404


def test_author_can_delete(client, post):
    comment = post_own_comment(client, post, comment="Weg damit")
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 302
    comment.refresh_from_db()
    assert comment.status == "trash"
    assert "Weg damit" not in client.get(post.url).content.decode()


def test_empty_edit_keeps_the_comment(client, post):
    comment = post_own_comment(client, post, comment="Bleibt")
    response = client.post(f"/comments/{comment.pk}/edit/", {"comment": "  "})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.comment == "Bleibt"
