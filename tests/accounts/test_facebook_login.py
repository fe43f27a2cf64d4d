"""Log in with Facebook (faked on loopback, reached over real HTTP), come back
to the post with the draft still in the form, and comment as yourself."""

from bs4 import BeautifulSoup

from comments.models import Comment
from tests.factories import CommentFactory
from tests.helpers import comment_form_data, facebook_login


def test_login_comes_back_to_the_post_with_the_draft(client, post, fake_facebook):
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(".comment-login__button--facebook").get_text() == "Facebook"
    done = facebook_login(client, post, fake_facebook)
    assert done.status_code == 302
    assert done["Location"] == f"{post.url}#respond"
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    respond = page.select_one("#respond").get_text(" ", strip=True)
    assert "Angemeldet als Markus Hübner." in respond
    assert page.select_one("#id_comment").get_text().strip() == "Mein Entwurf vor dem Login"
    # The draft is used once.
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one("#id_comment").get_text().strip() == ""


def test_social_commenter_shows_name_and_provider_picture_never_email(
    client, post, fake_facebook, settings
):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True  # the fake Facebook's pictures are on loopback
    facebook_login(client, post, fake_facebook)
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
    # The provider's picture, as a copy served from here (tests/accounts/test_social_pictures.py).
    assert node.select_one(".comment__avatar")["src"].startswith("/media/pictures/")
    assert fake_facebook.url not in html
    assert "markus.huebner@example.org" not in html


def test_unverified_social_email_is_not_trusted_yet(client, post, fake_facebook):
    CommentFactory(post=post, user_email="markus.huebner@example.org")
    facebook_login(client, post, fake_facebook)
    client.post("/comments/post/", comment_form_data(post, name="", email="", comment="Hallo"))
    comment = Comment.objects.get(comment="Hallo")
    assert comment.status == "pending"
