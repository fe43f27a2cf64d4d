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
    html = admin_client.get(QUEUE, {"status": "all"}).content.decode()
    for comment in queue.values():
        assert comment.comment in html
    assert "wartet@example.org" in html  # visible here, to moderators only
    assert "198.51.100.7" in html
    pending = admin_client.get(QUEUE, {"status": "pending"}).content.decode()
    assert "Wartet noch" in pending and "Schon frei" not in pending
    by_post = admin_client.get(
        QUEUE, {"post": queue["other"].object_pk, "status": "all"}
    ).content.decode()
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
    reply_url = f"/admin/snippets/comments/comment/reply/{queue['approved'].pk}/"
    html = client.get(QUEUE, {"status": "approved"}).content.decode()
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


def test_queue_opens_on_pending_comments_and_can_show_all(admin_client, queue):
    """Issue 11: the menu and the listing start on what waits; "All" shows the rest."""
    dashboard = admin_client.get("/admin/").content.decode()
    assert f'{QUEUE}?status=pending"' in dashboard  # the menu item
    html = admin_client.get(QUEUE).content.decode()
    assert "Wartet noch" in html and "Woanders" in html
    assert "Schon frei" not in html and "Billige Uhren" not in html
    assert re.search(r'<option value="all"[^>]*>\s*Alle', html)
    everything = admin_client.get(QUEUE, {"status": "all"}).content.decode()
    assert "Schon frei" in everything and "Billige Uhren" in everything
    spam = admin_client.get(QUEUE, {"status": "spam"}).content.decode()
    assert "Billige Uhren" in spam and "Wartet noch" not in spam


def test_queue_has_no_add_and_no_copy(admin_client, queue):
    """Issue 11: "Kommentar hinzufügen" and "Kopieren" made comments of no post (HTTP 500)."""
    html = admin_client.get(QUEUE).content.decode()
    assert f"{QUEUE}add/" not in html
    assert f"{QUEUE}copy/" not in html
    assert "Kommentar hinzufügen" not in html
    assert admin_client.get(f"{QUEUE}add/").status_code == 404
    assert admin_client.post(f"{QUEUE}add/", {"comment": "Neu"}).status_code == 404
    pk = queue["pending"].pk
    assert admin_client.get(f"{QUEUE}copy/{pk}/").status_code == 404
    assert admin_client.post(f"{QUEUE}copy/{pk}/", {"comment": "Kopie"}).status_code == 404
    assert Comment.objects.count() == 4
    edit = admin_client.get(f"{QUEUE}edit/{pk}/").content.decode()
    assert f"{QUEUE}copy/" not in edit


def test_editing_a_comment_offers_no_workflow(admin_client, queue):
    """Wagtail's page workflow ("In Moderators approval einreichen") is not for comments."""
    html = admin_client.get(f"{QUEUE}edit/{queue['pending'].pk}/").content.decode()
    assert "einreichen" not in html and "Submit to" not in html
    assert "Moderators approval" not in html
    assert 'name="action-submit"' not in html
    assert "data-comment-add" not in html  # Wagtail's own field comments, not ours


def test_columns_for_moderators(admin_client, queue):
    """The title column says "Name"; status and reason come right after the text."""
    html = admin_client.get(QUEUE).content.decode()
    headers = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html.split('<table class="listing')[1], re.S)
    ]
    assert "Benutzername" not in headers
    assert headers[1:6] == ["Name", "Avatar", "Kommentar", "Status", "Grund"]


@pytest.mark.parametrize(
    "action, start, end, message",
    [
        ("approve", "pending", "approved", "ist freigegeben"),
        ("unapprove", "approved", "pending", "Freigabe des Kommentars"),
        ("spam", "pending", "spam", "ist als Spam markiert"),
        ("not-spam", "spam", "approved", "als kein Spam markiert"),
        ("trash", "approved", "trash", "liegt im Papierkorb"),
        ("restore", "trash", "pending", "ist wiederhergestellt"),
    ],
)
def test_row_buttons_act_in_one_click(admin_client, post, action, start, end, message):
    """Issue 11: one POST from the row, no confirmation page, back to the listing."""
    comment = CommentFactory(post=post, status=start, user_name="Vera")
    listing = f"{QUEUE}?status={start}"
    html = admin_client.get(listing).content.decode()
    url = f"{QUEUE}status/{comment.pk}/{action}/"
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', html)
    assert admin_client.get(url).status_code == 405  # a link or a crawler changes nothing
    response = admin_client.post(url, HTTP_REFERER=f"http://testserver{listing}", follow=True)
    assert response.redirect_chain[0] == (f"http://testserver{listing}", 302)
    comment.refresh_from_db()
    assert comment.status == end
    assert message in response.content.decode()


def test_row_button_that_no_longer_applies_changes_nothing(admin_client, queue):
    comment = queue["approved"]
    response = admin_client.post(f"{QUEUE}status/{comment.pk}/approve/", follow=True)
    assert "passt nicht mehr" in response.content.decode()
    response = admin_client.post(f"{QUEUE}status/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_row_buttons_respect_who_may_moderate(client, queue, author):
    author.groups.add(Group.objects.get(name="Editors"))
    client.force_login(author)
    other = queue["other"]
    assert client.post(f"{QUEUE}status/{other.pk}/approve/").status_code == 404
    other.refresh_from_db()
    assert other.status == "pending"
    own = queue["pending"]
    assert client.post(f"{QUEUE}status/{own.pk}/spam/").status_code == 302
    own.refresh_from_db()
    assert own.status == "spam"


def test_row_buttons_have_icons_and_approve_and_spam_are_visible(admin_client, queue):
    html = admin_client.get(QUEUE).content.decode()
    row = html.split(f'data-object-id="{queue["pending"].pk}"')[1].split("</tr>")[0]
    actions = row.split('<ul class="actions">')[1].split("w-dropdown")[0]  # before "more"
    assert "Freigeben" in actions and "Spam" in actions
    for icon in ("#icon-check", "#icon-warning", "#icon-comment", "#icon-bin"):
        assert icon in row


@pytest.mark.parametrize("how", ["bulk", "row"])
def test_actions_record_the_moderators_name(admin_client, admin_user, post, how):
    """Issue 11: the reason said "approve by None"."""
    admin_user.first_name, admin_user.last_name = "Mia", "Moser"
    admin_user.save()
    comment = CommentFactory(post=post, status="pending")
    if how == "bulk":
        _bulk(admin_client, "approve", [comment])
    else:
        admin_client.post(f"{QUEUE}status/{comment.pk}/approve/")
    comment.refresh_from_db()
    assert comment.status_reason == "approved by Mia Moser"
    html = admin_client.get(QUEUE, {"status": "approved"}).content.decode()
    assert "freigegeben von Mia Moser" in html
    assert "None" not in html.split('<table class="listing')[1]


def test_reasons_appear_in_german_in_the_german_admin(admin_client, post):
    stored = {
        "first comment by this author": "erster Kommentar dieser Person",
        "trusted: staff or the post's author": "vertrauenswürdig: Team oder Autor des Beitrags",
        "passed all checks": "alle Prüfungen bestanden",
        "3 links (more than 2)": "3 Links (mehr als 2)",
        "moderation key: gutschein": "Moderationsbegriff: gutschein",
        "Akismet unavailable: invalid Akismet key": (
            "Akismet nicht erreichbar: ungültiger Akismet-Schlüssel"
        ),
        "set by Mia": "gesetzt von Mia",
        "approved by Mia": "freigegeben von Mia",
    }
    for reason in stored:
        CommentFactory(post=post, status="pending", status_reason=reason)
    listing = admin_client.get(QUEUE).content.decode()
    dashboard = admin_client.get("/admin/").content.decode()
    for english, german in stored.items():
        assert german in listing, german
        assert english not in listing, english
    assert "Moderationsbegriff: gutschein" in dashboard or "freigegeben von Mia" in dashboard
    assert "first comment by this author" not in dashboard


def test_the_admin_is_set_to_ask_no_third_party(settings, admin_client, admin_user):
    """Issue 11: Gravatar for the admins' avatars and Wagtail's release check are off."""
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    admin_user.email = "admin@example.org"
    admin_user.save()
    for url in ("/admin/", "/admin/account/", QUEUE):
        html = admin_client.get(url).content.decode()
        assert "gravatar.com" not in html
        assert "data-w-upgrade" not in html
