"""Two live blogs in the fediverse: B's author follows A's blog, reads A's new
post in B's inbox, replies to it, gets A's author's answer and takes the
reply back, all with `manage.py fediverse` on B.

Both blogs are gunicorn processes on 127.0.0.1 with their own SQLite files
(tests/linkbacks/two_blogs.py), so every activity travels over real HTTP,
signed with the sender's real key and checked against the key the receiver
fetched. The immediate task backend delivers before a command returns, and
a receiving inbox answers (Accept) within the same exchange.
"""

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from comments.federation import keys, signatures
from tests.linkbacks import two_blogs

pytestmark = pytest.mark.once  # two blogs of their own; never the test database

blogs = two_blogs.blogs  # the session's factory (one migrated database for all)

AUTHOR = """
from blog.models import BlogPage
from comments.federation import actors, ids

post = BlogPage.objects.live().exclude(author=None).order_by("pk").first()
user = post.author
result({
    "username": user.get_username(),
    "name": user.get_full_name(),
    "actor": ids.actor(actors.author_actor(user)),
    "blog": ids.actor(actors.blog_actor()),
})
"""

PUBLISH = """
from django.contrib.auth import get_user_model
from blog.models import BlogIndexPage, BlogPage
from comments.federation import ids

author = get_user_model().objects.get(username=username)
home = BlogIndexPage.objects.get(depth=2)
post = BlogPage(title=title, slug=slug, intro="", author=author, body=[
    {"type": "paragraph", "value": html}
])
home.add_child(instance=post)
post.save_revision(user=author).publish()
post.refresh_from_db()
result({"pk": post.pk, "url": post.get_full_url(), "id": ids.post(post)})
"""

STATE = """
from comments.federation.models import Delivery, Follower, Following, InboxItem, LocalNote
from comments.models import Comment

result({
    "followers": list(Follower.objects.values("actor__handle", "remote__uri")),
    "following": list(Following.objects.values("actor__handle", "remote__uri", "accepted_at")),
    "inbox": list(InboxItem.objects.order_by("pk").values(
        "object_id", "object_type", "in_reply_to", "name", "html", "actor__uri"
    )),
    "notes": list(LocalNote.objects.order_by("pk").values("pk", "in_reply_to", "deleted_at")),
    "comments": list(Comment.objects.filter(kind="fediverse").order_by("pk").values(
        "pk", "object_pk", "status", "user_name", "user_url", "comment",
        "fediverse_note__note_id",
    )),
    "deliveries": list(Delivery.objects.order_by("pk").values(
        "activity_type", "inbox", "state", "detail", "attempts"
    )),
})
"""

BLOCK = """
from wagtail.models import Site
from comments.federation.models import FederationSettings

found = FederationSettings.for_site(Site.objects.get(is_default_site=True))
found.blocked_domains = domains
found.save()
result(found.blocked)
"""

ANSWER = """
from django.contrib.auth import get_user_model
from comments.models import Comment
from comments.posting import reply_as

author = get_user_model().objects.get(username=username)
answer = reply_as(author, Comment.objects.get(pk=parent_pk), text)
result({"pk": answer.pk, "status": answer.status})
"""

TITLE = "Ein Gruß ins Fediverse"
REPLY = "Schöne Grüße von drüben, Blog B liest mit."
ANSWER_TEXT = "Danke nach drüben, schön dass du mitliest."


@pytest.fixture(scope="module")
def pair(blogs):
    """A (the blog that is followed) and B (whose author follows it)."""
    return blogs.start("fediverse-a", "fediverse-b")


@pytest.fixture(scope="module")
def blog_a(pair):
    return pair[0]


@pytest.fixture(scope="module")
def blog_b(pair):
    return pair[1]


@pytest.fixture(scope="module")
def author_a(blog_a):
    return blog_a.shell(AUTHOR)


@pytest.fixture(scope="module")
def author_b(blog_b):
    return blog_b.shell(AUTHOR)


def state(blog):
    return blog.shell(STATE)


def states(*blogs):
    """The state of several blogs, asked at the same time."""
    with ThreadPoolExecutor(len(blogs)) as pool:
        return list(pool.map(state, blogs))


def fediverse(blog, *args):
    """`manage.py fediverse …` on the blog, as its operator types it."""
    return blog.manage("fediverse", *args).stdout


def fediverse_failing(blog, *args):
    return subprocess.run(
        [two_blogs.PYTHON, "manage.py", "fediverse", *args],
        cwd=two_blogs.REPO,
        env=blog.env,
        capture_output=True,
        text=True,
        timeout=two_blogs.COMMAND_LIMIT,
        check=False,
    )


def test_follow_publish_reply_answer_and_delete(blog_a, blog_b, author_a, author_b):
    user_b = author_b["username"]
    a_host = f"127.0.0.1:{blog_a.port}"

    # B's author follows A's blog by its address; A's signed Accept comes back at once.
    output = fediverse(blog_b, "follow", f"@blog@{a_host}", "--as", user_b)
    assert f"Following @blog@{a_host}." in output
    a, b = states(blog_a, blog_b)
    assert a["followers"] == [{"actor__handle": "blog", "remote__uri": author_b["actor"]}]
    [following] = b["following"]
    assert following["remote__uri"] == author_a["blog"]
    assert following["accepted_at"] is not None
    listed = fediverse(blog_b, "following", "--as", user_b)
    assert f"@blog@{a_host}" in listed and "accepted" in listed and "not accepted" not in listed

    # A publishes: the Article reaches B's inbox.
    post = blog_a.shell(
        PUBLISH,
        username=author_a["username"],
        title=TITLE,
        slug="ein-gruss-ins-fediverse",
        html="<p>Hallo Fediverse, hier schreibt Blog A.</p>",
    )
    [item] = state(blog_b)["inbox"]
    assert (item["object_id"], item["object_type"], item["name"]) == (post["id"], "Article", TITLE)
    assert item["actor__uri"] == author_a["blog"]
    assert "Hallo Fediverse" in item["html"]

    # B replies to the Article: A holds it (a first reply), as a fediverse comment.
    output = fediverse(blog_b, "reply", post["id"], "--as", user_b, "--text", REPLY)
    note_pk = int(re.search(r"Sent as note (\d+)\.", output).group(1))
    note_id = blog_b.at(f"/ap/notes/{note_pk}/")
    [comment] = state(blog_a)["comments"]
    assert comment["object_pk"] == str(post["pk"])
    assert comment["status"] == "pending"
    assert comment["user_name"] == author_b["name"]
    assert comment["user_url"] == author_b["actor"]
    assert comment["comment"] == REPLY
    assert comment["fediverse_note__note_id"] == note_id
    assert REPLY not in httpx.get(post["url"], timeout=10).text

    # Approved on A, the reply is on the post's page, under B's author's name.
    assert two_blogs.approve(blog_a, comment["pk"])["is_public"] is True
    page = httpx.get(post["url"], timeout=10).text
    assert REPLY in page
    assert author_b["name"] in page

    # A's author answers on A: the answer goes to B, as an answer to B's note.
    answer = blog_a.shell(
        ANSWER, username=author_a["username"], parent_pk=comment["pk"], text=ANSWER_TEXT
    )
    assert answer["status"] == "approved"
    answers = [i for i in state(blog_b)["inbox"] if i["in_reply_to"] == note_id]
    assert len(answers) == 1
    assert answers[0]["actor__uri"] == author_a["actor"]
    assert ANSWER_TEXT in answers[0]["html"]
    inbox = fediverse(blog_b, "inbox", "--as", user_b)
    assert f"in reply to {note_id}" in inbox
    assert inbox.index(ANSWER_TEXT) < inbox.index(TITLE)  # newest first

    # B takes its reply back: A trashes the comment and the page loses it.
    fediverse(blog_b, "delete-note", str(note_pk), "--as", user_b)
    assert REPLY not in httpx.get(post["url"], timeout=10).text
    assert httpx.get(note_id, timeout=10).status_code == 410

    # B's author unfollows: A forgets the follower.
    fediverse(blog_b, "unfollow", f"@blog@{a_host}", "--as", user_b)
    a, b = states(blog_a, blog_b)
    assert [c["status"] for c in a["comments"]] == ["trash"]
    assert b["notes"][0]["deleted_at"] is not None
    assert (a["followers"], b["following"]) == ([], [])

    # Every activity either blog sent arrived.
    assert [(d["activity_type"], d["state"]) for d in a["deliveries"]] == [
        ("Accept", "sent"),
        ("Create", "sent"),
        ("Create", "sent"),
    ]
    assert [(d["activity_type"], d["state"]) for d in b["deliveries"]] == [
        ("Follow", "sent"),
        ("Create", "sent"),
        ("Delete", "sent"),
        ("Undo", "sent"),
    ]


def test_a_request_signed_with_another_key_is_refused(blog_a, author_b):
    """B's author's key id, but a key that is not theirs: A fetches the real
    key (again, in case it rotated), and the signature does not match it."""
    _public_pem, wrong_private_pem = keys.generate()
    inbox = blog_a.at("/ap/inbox/")
    body = json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": author_b["actor"] + "#like-forged",
            "type": "Like",
            "actor": author_b["actor"],
            "object": blog_a.seed_url,
        }
    ).encode()
    key_id = author_b["actor"] + "#main-key"
    headers = signatures.sign("POST", inbox, key_id, wrong_private_pem, body)
    headers["Content-Type"] = "application/activity+json"
    response = httpx.post(inbox, content=body, headers=headers, timeout=10)
    assert response.status_code == 401
    assert "signature does not match" in response.text


def test_refusals_are_clear_errors_and_write_nothing(blog_a, blog_b, author_b):
    user_b = author_b["username"]
    unknown = fediverse_failing(
        blog_b, "follow", f"@niemand@127.0.0.1:{blog_a.port}", "--as", user_b
    )
    assert unknown.returncode == 1
    assert f"knows no account @niemand@127.0.0.1:{blog_a.port}" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    nobody = fediverse_failing(blog_b, "following", "--as", "niemand")
    assert nobody.returncode == 1
    assert "There is no active user 'niemand'" in nobody.stderr

    # A by its other name, blocked on B (127.0.0.1, its name in the other tests, is not).
    assert blog_b.shell(BLOCK, domains="localhost") == ["localhost"]
    blocked = fediverse_failing(blog_b, "follow", f"@blog@localhost:{blog_a.port}", "--as", user_b)
    assert blocked.returncode == 1
    assert f"localhost:{blog_a.port} is a blocked domain here." in blocked.stderr

    assert state(blog_b)["following"] == []  # before and after the flow test alike
