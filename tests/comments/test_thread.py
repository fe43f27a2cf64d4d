import pytest
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.thread import thread_for
from tests.factories import CommentFactory, UserFactory
from tests.helpers import comment_form_data


def test_threads_nest_replies(client, post):
    top = CommentFactory(post=post, user_name="Vu")
    reply = CommentFactory(post=post, user_name="Nila", parent_id=top.pk)
    other = CommentFactory(post=post, user_name="Anne")
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    roots = page.select(".comments > .comment-list > .comment")
    assert [li["id"] for li in roots] == [f"comment-{top.pk}", f"comment-{other.pk}"]
    nested = page.select_one(f"#comment-{top.pk} .comment-list--children .comment")
    assert nested["id"] == f"comment-{reply.pk}"


def test_each_comment_shows_avatar_name_link_date_permalink_and_reply(client, post):
    comment = CommentFactory(post=post, user_name="Hannes", user_url="http://www.drei.at/")
    node = BeautifulSoup(client.get(post.url).content, "html.parser").select_one(
        f"#comment-{comment.pk}"
    )
    assert node.select_one("img.comment__avatar")["alt"] == "Avatar von Hannes"
    link = node.select_one(".comment__author a")
    assert link["href"] == "http://www.drei.at/"
    assert set(link["rel"]) >= {"ugc", "nofollow", "external"}
    assert node.select_one(".comment__date")["href"] == f"/a1-mobilkom/#comment-{comment.pk}"
    # Absolute to the post: the same page is also served at /comments/post/ after an error.
    reply_href = node.select_one(".comment__reply")["href"]
    assert reply_href == f"/a1-mobilkom/?replytocom={comment.pk}#respond"


def test_reply_to_a_hidden_comment_stays_hidden(client, post):
    top = CommentFactory(post=post, status="spam")
    CommentFactory(post=post, parent_id=top.pk, comment="Under spam")
    assert "Under spam" not in client.get(post.url).content.decode()


def test_no_email_or_ip_on_the_page(client, post):
    CommentFactory(post=post, user_email="secret.reader@example.org", ip_address="203.0.113.9")
    html = client.get(post.url).content.decode()
    assert "secret.reader" not in html
    assert "203.0.113.9" not in html


def test_pagination_by_top_level_thread_and_permalinks(client, post, settings):
    settings.COMMENTS_PER_PAGE = 2
    first = CommentFactory(post=post)
    CommentFactory(post=post, parent_id=first.pk)
    CommentFactory(post=post)
    last = CommentFactory(post=post, comment="On page two")
    page_one = client.get(post.url).content.decode()
    assert "On page two" not in page_one
    assert "?cpage=2#comments" in page_one
    page_two = BeautifulSoup(client.get(post.url + "?cpage=2").content, "html.parser")
    assert "On page two" in page_two.get_text()
    date_link = page_two.select_one(f"#comment-{last.pk} .comment__date")["href"]
    assert date_link == f"/a1-mobilkom/?cpage=2#comment-{last.pk}"
    response = client.get(f"/comments/{last.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/a1-mobilkom/?cpage=2#comment-{last.pk}"
    assert client.get(f"/comments/{first.pk}/")["Location"] == f"/a1-mobilkom/#comment-{first.pk}"


def test_permalink_of_a_hidden_comment_is_404(client, post):
    hidden = CommentFactory(post=post, status="pending")
    assert client.get(f"/comments/{hidden.pk}/").status_code == 404


def _many_comments(post, count):
    """Threads of three: a comment, a reply, a reply to the reply."""
    parent = None
    for n in range(count):
        parent_id = parent.pk if parent is not None and n % 3 else 0
        parent = CommentFactory(
            post=post, comment=f"Kommentar {n}", body_html=f"<p>K {n}</p>", parent_id=parent_id
        )


@pytest.mark.parametrize("count", [18, 1000])
def test_post_page_queries_do_not_grow_with_comments(
    client, post, count, django_assert_num_queries, settings
):
    settings.COMMENTS_PER_PAGE = 2000
    client.get(post.url)
    with CaptureQueriesContext(connection) as empty:
        client.get(post.url)
    expected = len(empty)  # read now: the query log is a ring buffer
    _many_comments(post, count)
    client.get(post.url)
    with django_assert_num_queries(expected):
        response = client.get(post.url)
    assert response.content.decode().count('class="comment ') == count


def test_hiding_a_parent_leaves_its_replies_status_alone(post):
    top = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent_id=top.pk)
    top.status = "spam"
    top.save()
    reply.refresh_from_db()
    assert (reply.status, reply.is_public) == ("approved", True)
    assert Comment.objects.get(pk=top.pk).is_removed


@pytest.mark.parametrize(
    "name, url",
    [
        ("<script>alert(1)</script>", ""),
        ('"><img src=x onerror=alert(1)>', "http://ok.example/"),
        ("Mallory", "javascript:alert(1)"),
        ("Mallory", 'http://x.example/" onmouseover="alert(1)'),
    ],
)
def test_name_and_url_come_out_inert(client, post, name, url):
    comment = CommentFactory(post=post, user_name=name, user_url=url)
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    node = page.select_one(f"#comment-{comment.pk}")
    assert node.select("script, img[onerror]") == []
    link = node.select_one(".comment__author a")
    if link is not None:
        assert link["href"].startswith("http")
        assert not [a for a in link.attrs if a.startswith("on")]
    assert node.select_one(".comment__author").get_text() == name


def test_links_on_a_later_page_name_the_post_and_the_page(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    CommentFactory(post=post)
    second = CommentFactory(post=post)
    page_two = BeautifulSoup(client.get(post.url + "?cpage=2").content, "html.parser")
    reply = page_two.select_one(f"#comment-{second.pk} .comment__reply")["href"]
    assert reply == f"/a1-mobilkom/?cpage=2&replytocom={second.pk}#respond"
    assert page_two.select_one("#commentform")["action"] == "/comments/post/?cpage=2#respond"
    older = page_two.select_one(".comment-pagination__older")["href"]
    assert older == "/a1-mobilkom/?cpage=1#comments"
    # After an error (shown at /comments/post/) a reply on page two still finds its comment.
    data = comment_form_data(post, name="", reply_to=str(second.pk))
    error_page = BeautifulSoup(client.post("/comments/post/?cpage=2", data).content, "html.parser")
    assert (
        error_page.select_one("#reply-title")
        .get_text(" ", strip=True)
        .startswith(f"Antworte auf den Kommentar von {second.user_name}")
    )
    for link in error_page.select(".comments a[href]"):
        assert link["href"].startswith(("/", "http")), link


def test_a_comment_written_through_facebook_says_so(client, post):
    markus = UserFactory(username="markus.huebner", first_name="Markus", last_name="Hübner")
    SocialAccount.objects.create(user=markus, provider="facebook", uid="demo-markus")
    social = CommentFactory(post=post, user=markus, user_name="Markus Hübner")
    guest = CommentFactory(post=post, user_name="Vu")
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    node = page.select_one(f"#comment-{social.pk}")
    assert node.select_one(".comment__via").get_text() == "via Facebook"
    assert node.select_one(".comment__author").get_text() == "Markus Hübner"
    assert page.select_one(f"#comment-{guest.pk} .comment__via") is None
    views = {n.id: n for n in thread_for(post).comments}
    assert (views[social.pk].via, views[guest.pk].via) == ("Facebook", "")


def test_only_approved_comments_offer_their_name_for_mentions(client, post):
    guest = CommentFactory(post=post, user_name="Vu")
    ping = CommentFactory(post=post, user_name="Ein Blog", kind=Comment.Kind.PINGBACK)
    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert page.select_one(f"#comment-{guest.pk}")["data-mention"] == "Vu"
    assert not page.select_one(f"#comment-{ping.pk}").has_attr("data-mention")


def test_a_linkback_excerpt_is_escaped_once(client, post):
    """Stored HTML is escaped already; the page must not show "&amp;lt;"."""
    CommentFactory(post=post, kind="pingback", comment='Ein <b>Tag</b> & "Zitat" <script>')
    html = client.get(post.url).content.decode()
    excerpt = BeautifulSoup(html, "html.parser").select_one(".comment--pingback .comment__content")
    assert excerpt.get_text() == '[…] Ein <b>Tag</b> & "Zitat" <script> […]'
    assert "&amp;lt;" not in html
    assert "<script>" not in html.split('class="comment__content"', 1)[1].split("</div>", 1)[0]
