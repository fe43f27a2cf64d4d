"""A logged-in reader's own pages: "My comments", the data export, and
deleting the account with the comments either removed or anonymised."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone

from comments.accounts.erasure import remove_comment
from comments.models import Comment, Subscription
from tests.factories import CommentFactory, UserFactory

# Where no picture is (port 9 on loopback): the blog's try to copy it is refused
# at once, without DNS, and pages show the identicon.
FACEBOOK_PICTURE = "http://127.0.0.1:9/markus.jpg"
PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"


@pytest.fixture
def markus(db):
    user = UserFactory(
        username="markus", first_name="Markus", last_name="Hübner", email="markus@example.org"
    )
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    account = SocialAccount.objects.create(
        user=user,
        provider="facebook",
        uid="10001",
        extra_data={"name": "Markus Hübner", "picture": {"data": {"url": FACEBOOK_PICTURE}}},
    )
    app = SocialApp.objects.create(provider="facebook", name="Facebook", client_id="x")
    SocialToken.objects.create(app=app, account=account, token="secret-token")
    return user


def own(post, user, text, **fields):
    return CommentFactory(
        post=post,
        user=user,
        user_name="Markus Hübner",
        user_email=user.email,
        comment=text,
        **fields,
    )


@pytest.fixture
def logged_in(client, markus, site):
    """Logged in through allauth, with the password confirmed again just now,
    as the account deletion page asks."""
    response = client.post("/accounts/login/", {"login": markus.email, "password": PASSWORD})
    assert response.status_code == 302
    return reauthenticated(client)


def reauthenticated(client):
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_pages_need_a_login(client, site):
    for url in ("/accounts/comments/", "/accounts/export/", "/accounts/delete/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_my_comments_lists_own_comments_with_status_and_edit_window(logged_in, post, markus):
    fresh = own(post, markus, "Frisch geschrieben", status="pending")
    old = own(post, markus, "Alt und freigegeben")
    Comment.objects.filter(pk=old.pk).update(
        submit_date=timezone.now() - timezone.timedelta(days=1)
    )
    own(post, markus, "Gelöscht", status="trash")
    CommentFactory(post=post, user_name="Jemand anderes", comment="Nicht von Markus")

    page = BeautifulSoup(logged_in.get("/accounts/comments/").content, "html.parser")
    rows = page.select(".own-comment")
    assert [r.select_one(".own-comment__body").get_text(strip=True) for r in rows] == [
        "Frisch geschrieben",
        "Alt und freigegeben",
    ]
    fresh_row, old_row = rows
    assert fresh_row.select_one(".own-comment__status").get_text() == "Wartet auf Freigabe"
    assert old_row.select_one(".own-comment__status").get_text() == "Veröffentlicht"
    # Edit and delete only within the edit window.
    assert fresh_row.select_one(".own-comment__edit")["href"] == f"/comments/{fresh.pk}/edit/"
    assert fresh_row.select_one(f"form[action='/comments/{fresh.pk}/delete/']") is not None
    assert old_row.select_one(".own-comment__edit") is None
    assert old_row.select_one("a")["href"] == f"/comments/{old.pk}/"


def test_export_holds_own_data_only(logged_in, post, markus):
    mine = own(post, markus, "Mein Kommentar")
    other = CommentFactory(post=post, user_email="anne@example.org", comment="Annes Kommentar")
    Subscription.objects.create(post=post, email="markus@example.org", name="Markus")
    Subscription.objects.create(post=post, email="anne@example.org", name="Anne")

    response = logged_in.get("/accounts/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    data = json.loads(text)
    assert data["profile"]["email"] == "markus@example.org"
    assert data["email_addresses"] == [
        {"email": "markus@example.org", "verified": True, "primary": True}
    ]
    assert [a["provider"] for a in data["social_accounts"]] == ["facebook"]
    assert [c["id"] for c in data["comments"]] == [mine.pk]
    assert data["comments"][0]["text"] == "Mein Kommentar"
    assert data["comments"][0]["post"] == post.title
    assert [s["email"] for s in data["subscriptions"]] == ["markus@example.org"]
    assert "anne@example.org" not in text
    assert other.comment not in text
    assert "secret-token" not in text


def test_delete_keeping_comments_anonymised(logged_in, client, post, markus):
    comment = own(post, markus, "Kommentare schreiben über Facebook Connect macht doppelt Spaß")
    Subscription.objects.create(post=post, email="MARKUS@example.org", name="Markus")
    page = logged_in.get("/accounts/delete/")
    assert page.status_code == 200
    response = logged_in.post("/accounts/delete/", {"comments": "anonymise", "confirm": "on"})
    assert response.status_code == 302

    assert not get_user_model().objects.filter(username="markus").exists()
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not Subscription.objects.exists()
    comment.refresh_from_db()
    assert comment.user_id is None
    assert comment.user_name == "Gelöschter Nutzer"
    assert (comment.user_email, comment.user_url, comment.ip_address) == ("", "", None)
    assert comment.status == "approved"

    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    assert "Gelöschter Nutzer" in node.get_text()
    assert "Markus" not in node.get_text()
    assert FACEBOOK_PICTURE not in html
    # Logged out, too.
    assert client.get("/accounts/comments/").status_code == 302


def test_delete_removes_comments_and_keeps_replies_of_others(logged_in, client, post, markus):
    root = own(post, markus, "Markus beginnt")
    reply = CommentFactory(
        post=post, parent_id=root.pk, user_name="Anne", comment="Anne antwortet"
    )
    answer = own(post, markus, "Markus antwortet Anne", parent_id=reply.pk)
    deeper = CommentFactory(
        post=post, parent_id=answer.pk, user_name="Vu", comment="Vu antwortet Markus"
    )
    response = logged_in.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})
    assert response.status_code == 302
    assert not Comment.objects.filter(pk__in=[root.pk, answer.pk]).exists()

    reply.refresh_from_db()
    deeper.refresh_from_db()
    assert (reply.parent_id, reply.thread_id, reply.level) == (reply.pk, reply.pk, 0)
    assert (deeper.parent_id, deeper.thread_id, deeper.level) == (reply.pk, reply.pk, 1)
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(f"#comment-{reply.pk}") is not None
    nested = page.select_one(f"#comment-{reply.pk} #comment-{deeper.pk}")
    assert nested is not None
    assert "Markus beginnt" not in page.get_text()


def test_delete_asks_for_the_password_again(client, markus, site):
    client.post("/accounts/login/", {"login": markus.email, "password": PASSWORD})
    response = client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert get_user_model().objects.filter(pk=markus.pk).exists()


def test_delete_needs_a_choice_and_a_confirmation(logged_in, markus):
    response = logged_in.post("/accounts/delete/", {"confirm": "on"})
    assert response.status_code == 400
    assert "Bitte wähle" in response.content.decode()
    response = logged_in.post("/accounts/delete/", {"comments": "delete"})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=markus.pk).exists()


def test_staff_cannot_delete_themselves_here(client, site):
    staff = UserFactory(username="moderatorin", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    reauthenticated(client)
    response = client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=staff.pk).exists()


def test_removing_a_middle_comment_lifts_its_subtree(post):
    root = CommentFactory(post=post, comment="root")
    middle = CommentFactory(post=post, parent_id=root.pk, comment="middle")
    child = CommentFactory(post=post, parent_id=middle.pk, comment="child")
    grandchild = CommentFactory(post=post, parent_id=child.pk, comment="grandchild")
    sibling = CommentFactory(post=post, parent_id=root.pk, comment="sibling")
    remove_comment(middle)
    for comment in (child, grandchild, sibling):
        comment.refresh_from_db()
    assert (child.parent_id, child.level) == (root.pk, 1)
    assert (grandchild.parent_id, grandchild.level) == (child.pk, 2)
    assert (sibling.parent_id, sibling.level) == (root.pk, 1)


def test_export_says_until_when_network_data_is_kept(logged_in, post, markus, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 60
    comment = own(post, markus, "Mit Adresse")
    Comment.objects.filter(pk=comment.pk).update(ip_address="203.0.113.8", user_agent="Firefox")
    exported = json.loads(logged_in.get("/accounts/export/").content)["comments"][0]
    assert exported["ip_address"] == "203.0.113.8"
    kept_until = datetime.datetime.fromisoformat(exported["network_data_kept_until"])
    assert kept_until == comment.submit_date + datetime.timedelta(days=60)
    Comment.objects.filter(pk=comment.pk).update(ip_address=None, user_agent="", referrer="")
    exported = json.loads(logged_in.get("/accounts/export/").content)["comments"][0]
    assert exported["network_data_kept_until"] is None
