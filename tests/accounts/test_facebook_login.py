"""Log in with Facebook (faked on loopback, reached over real HTTP), come back
to the post with the draft still in the form, and comment as yourself."""

from urllib.parse import parse_qs, urlsplit

import httpx
from bs4 import BeautifulSoup

from comments.models import Comment
from tests.conftest import comment_form_data
from tests.factories import CommentFactory


def facebook_login(client, post, draft="Mein Entwurf vor dem Login"):
    data = comment_form_data(post, comment=draft, name="", email="")
    response = client.post("/comments/login/facebook/", data)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/accounts/facebook/login/")
    assert client.get(login_url).status_code == 200  # a GET only asks to continue
    to_facebook = client.post(login_url)
    assert to_facebook.status_code == 302
    dialog = to_facebook["Location"]
    params = parse_qs(urlsplit(dialog).query)
    assert dialog.startswith("http://127.0.0.1:18765/dialog/oauth")
    assert params["state"][0]
    back = httpx.get(dialog, follow_redirects=False)  # real HTTP to the fake Facebook
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/accounts/facebook/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_login_comes_back_to_the_post_with_the_draft(client, post, fake_facebook):
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(".comment-login__button--facebook").get_text() == "Facebook"
    done = facebook_login(client, post)
    assert done.status_code == 302
    assert done["Location"] == f"{post.url}#respond"
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    respond = page.select_one("#respond").get_text(" ", strip=True)
    assert "Angemeldet als Markus Hübner." in respond
    assert page.select_one("#id_comment").get_text().strip() == "Mein Entwurf vor dem Login"
    # The draft is used once.
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one("#id_comment").get_text().strip() == ""


def test_social_commenter_shows_name_and_provider_picture_never_email(client, post, fake_facebook):
    facebook_login(client, post)
    response = client.post(
        "/comments/post/",
        comment_form_data(
            post,
            name="",
            email="",
            comment="Kommentare schreiben über Facebook Connect macht doppelt Spaß ;-)",
        ),
    )
    assert response.status_code == 303
    comment = Comment.objects.get(comment__startswith="Kommentare schreiben")
    assert comment.user.email == "markus.huebner@example.org"
    assert comment.user_name == "Markus Hübner"
    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__avatar")["src"] == "https://pictures.example/markus.jpg"
    assert "markus.huebner@example.org" not in html


def test_unverified_social_email_is_not_trusted_yet(client, post, fake_facebook):
    CommentFactory(post=post, user_email="markus.huebner@example.org")
    facebook_login(client, post)
    client.post("/comments/post/", comment_form_data(post, name="", email="", comment="Hallo"))
    comment = Comment.objects.get(comment="Hallo")
    assert comment.status == "pending"
