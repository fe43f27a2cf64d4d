"""What readers see of the fediverse on a post's page: "3 Boosts · 5 Likes"
and who, with the blog's own copies of their pictures; replies from the
fediverse in the thread as comments, with name, profile, picture and a
"via Fediverse" label. Everything remote is escaped, no remote picture is
ever linked, and a reaction shows on the next request although the
discussion comes from a cache."""

import io
import itertools
import os
import time

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from comments import pictures
from comments.caching import versions
from comments.federation import public
from comments.federation.models import Reaction, RemoteActor, RemoteNote
from comments.federation.public import reactions_for
from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory, RemoteActorFactory
from tests.helpers import comment_form_data

pytestmark = pytest.mark.django_db

# Playwright's sync API runs an event loop in this thread; the ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PICTURE_HOST = "media.pictures.example"
_numbers = itertools.count(1)


def remote_actor(name="Ada Lovelace", url=None, icon=True, host="social.example"):
    extra = {} if url is None else {"url": url}
    return RemoteActorFactory(name=name, host=host, icon=icon, icon_host=PICTURE_HOST, **extra)


def react(post, actor, kind):
    n = next(_numbers)
    return Reaction.objects.create(
        post=post, actor=actor, kind=kind, activity_id=f"https://{actor.host}/activities/{n}"
    )


def boosts_and_likes(post, boosts, likes):
    for _ in range(boosts):
        react(post, remote_actor(), Reaction.Kind.ANNOUNCE)
    for _ in range(likes):
        react(post, remote_actor(), Reaction.Kind.LIKE)


@pytest.fixture
def copies():
    """Store the blog's copy of an actor's picture, as comments.pictures
    would after fetching it; removed again after the test."""
    made = []

    def make(actor):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "teal").save(out, "PNG")
        name = pictures.storage_name(actor.icon_url)
        default_storage.save(name, ContentFile(out.getvalue()))
        made.append(name)
        return default_storage.url(name)

    yield make
    for name in made:
        default_storage.delete(name)


def page(client, post, **headers):
    return BeautifulSoup(client.get(post.url, **headers).content, "html.parser")


def summary(client, post, **headers):
    found = page(client, post, **headers).select_one(".reactions__summary")
    return found.get_text(strip=True) if found is not None else None


# Reactions under the post


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    ("boosts", "likes", "expected"),
    [
        (1, 1, "1 Boost · 1 Like"),
        (3, 5, "3 Boosts · 5 Likes"),
        (0, 2, "2 Likes"),
        (2, 0, "2 Boosts"),
    ],
)
def test_counts_with_singular_and_plural(client, post, language, boosts, likes, expected):
    boosts_and_likes(post, boosts, likes)
    assert summary(client, post, HTTP_ACCEPT_LANGUAGE=language) == expected


def test_nothing_shows_without_reactions(client, post):
    assert page(client, post).select(".reactions") == []


def test_who_reacted_with_profile_links_and_local_pictures_only(client, post, copies):
    ada = remote_actor("Ada")
    grace = remote_actor("Grace", icon=False)
    linus = remote_actor("Linus")  # a picture, but no copy of it yet
    react(post, ada, Reaction.Kind.ANNOUNCE)
    react(post, ada, Reaction.Kind.LIKE)  # one person, listed once
    react(post, grace, Reaction.Kind.LIKE)
    react(post, linus, Reaction.Kind.LIKE)
    local = copies(ada)
    html = client.get(post.url).content.decode()
    people = BeautifulSoup(html, "html.parser").select(".reactions__person")
    assert [p.select_one(".reactions__name").get_text() for p in people] == [
        "Ada",
        "Grace",
        "Linus",
    ]
    link = people[0].select_one("a")
    assert link["href"] == ada.url
    assert set(link["rel"]) == {"nofollow", "ugc", "noopener"}
    assert (
        people[0].select_one("img.reactions__avatar")["src"]
        == local
        == ("/media/" + pictures.storage_name(ada.icon_url))
    )
    for person in people[1:]:
        assert person.select_one("img") is None
        assert person.select_one(".reactions__avatar--none") is not None
    assert PICTURE_HOST not in html
    assert summary(client, post) == "1 Boost · 3 Likes"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("<script>alert(1)</script>", "https://evil.example/@x"),
        ('"><img src=x onerror=alert(1)>', "https://evil.example/@y"),
        ('O\'Brien "quoted"', 'https://evil.example/" onmouseover="alert(1)'),
        ("Mallory", "javascript:alert(1)"),
    ],
)
def test_a_hostile_name_or_profile_comes_out_inert(client, post, name, url):
    react(post, remote_actor(name, url=url), Reaction.Kind.LIKE)
    section = page(client, post).select_one(".reactions")
    assert section.select("script, img") == []
    assert section.select_one(".reactions__name").get_text() == name
    for element in section.find_all(True):
        assert not [a for a in element.attrs if a.startswith("on")], element
    link = section.select_one("a")
    if url.startswith("javascript"):
        assert link is None
    else:
        assert link["href"] == url


def test_one_query_per_post_however_many_reactions(post):
    boosts_and_likes(post, 1, 1)
    with CaptureQueriesContext(connection) as few:
        assert reactions_for(post).total == 2
    boosts_and_likes(post, 20, 30)
    with CaptureQueriesContext(connection) as many:
        found = reactions_for(post)
    assert (found.boosts, found.likes, len(found.people)) == (21, 31, 52)
    assert len(few) == len(many) == 1


def test_a_long_list_names_the_first_and_counts_everyone(client, post, monkeypatch):
    monkeypatch.setattr(public, "LIST_LIMIT", 2)
    boosts_and_likes(post, 3, 4)
    found = reactions_for(post)
    assert (found.boosts, found.likes, len(found.people), found.unlisted) == (3, 4, 4, 3)
    shown = page(client, post, HTTP_ACCEPT_LANGUAGE="en")
    assert shown.select_one(".reactions__summary").get_text(strip=True) == "3 Boosts · 4 Likes"
    assert len(shown.select(".reactions__person")) == 4
    assert shown.select_one(".reactions__more").get_text(strip=True) == "and 3 more"


def test_reactions_of_another_post_are_not_counted(client, post, blog_index):
    other = BlogPageFactory(parent=blog_index)
    react(other, remote_actor(), Reaction.Kind.LIKE)
    react(post, remote_actor(), Reaction.Kind.ANNOUNCE)
    assert summary(client, post) == "1 Boost"
    assert summary(client, other) == "1 Like"


# The caches


def test_a_reaction_shows_on_the_next_request_once_the_version_moves(client, post):
    client.get(post.url)  # the discussion, reactions included, is cached now
    react(post, remote_actor(), Reaction.Kind.LIKE)
    assert summary(client, post) is None  # the cached discussion, as long as nothing moved
    versions.bump(post.pk)  # what the write side does after every reaction
    assert summary(client, post) == "1 Like"
    Reaction.objects.all().delete()
    versions.bump(post.pk)
    assert summary(client, post) is None


def test_a_reaction_empties_the_page_cache(
    client, post, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_DIR = str(tmp_path / "pages")
    asked = {"HTTP_X_PAGE_CACHE_LANGUAGE": "de", "HTTP_ACCEPT_LANGUAGE": "de"}
    first = client.get(post.url, **asked)
    assert any((tmp_path / "pages").rglob("*.html"))
    with django_capture_on_commit_callbacks(execute=True):
        react(post, remote_actor(), Reaction.Kind.ANNOUNCE)
        versions.bump(post.pk)
    assert not (tmp_path / "pages").exists()
    again = client.get(post.url, HTTP_IF_NONE_MATCH=first["ETag"], **asked)
    assert again.status_code == 200
    assert summary(client, post, **asked) == "1 Boost"


# Replies from the fediverse in the thread


def fediverse_comment(post, actor, text="Schöner Beitrag!", **fields):
    comment = CommentFactory(
        post=post,
        kind=Comment.Kind.FEDIVERSE,
        user_name=actor.display_name,
        user_email="",
        user_url=actor.uri,
        comment=text,
        **fields,
    )
    RemoteNote.objects.create(
        comment=comment, note_id=f"{actor.uri}/statuses/{comment.pk}", actor=actor
    )
    return comment


def test_a_fediverse_reply_shows_as_a_comment_with_name_profile_picture_and_label(
    client, post, copies
):
    actor = remote_actor("Ada Lovelace")
    local = copies(actor)
    comment = fediverse_comment(post, actor)
    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    assert "comment--fediverse" in node["class"]
    assert node.select_one(".comment__author").get_text() == "Ada Lovelace"
    assert node.select_one(".comment__author a")["href"] == actor.url
    assert node.select_one("img.comment__avatar")["src"] == local
    assert node.select_one(".comment__via").get_text() == "via Fediverse"
    assert node.select_one(".comment__kind") is None  # no linkback label, no excerpt
    assert node.select_one(".comment__content").get_text(strip=True) == "Schöner Beitrag!"
    assert node["data-mention"] == "Ada Lovelace"
    reply = node.select_one(".comment__reply")
    assert reply["href"] == f"{post.url}?replytocom={comment.pk}#respond"
    assert PICTURE_HOST not in html


def test_the_actors_current_name_wins_over_the_stored_one(client, post):
    actor = remote_actor("Ada")
    comment = fediverse_comment(post, actor)
    RemoteActor.objects.filter(pk=actor.pk).update(name="Ada L.")
    versions.bump(post.pk)
    node = page(client, post).select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__author").get_text() == "Ada L."


def test_without_a_copy_the_identicon_and_never_the_remote_picture(client, post):
    actor = remote_actor("Grace")
    comment = fediverse_comment(post, actor)
    html = client.get(post.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    assert node.select_one("img.comment__avatar")["src"].startswith("/comments/avatar/")
    assert PICTURE_HOST not in html


@pytest.mark.parametrize("profile", ["", "javascript:alert(1)"])
def test_without_a_web_profile_the_link_is_the_actor_id(client, post, profile):
    actor = remote_actor("Linus", url=profile)
    comment = fediverse_comment(post, actor)
    node = page(client, post).select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__author a")["href"] == actor.uri


def test_a_reply_whose_note_is_gone_keeps_its_stored_name_and_label(client, post):
    actor = remote_actor("Ada")
    comment = fediverse_comment(post, actor)
    RemoteNote.objects.filter(comment=comment).delete()
    versions.bump(post.pk)
    node = page(client, post).select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__author").get_text() == "Ada"
    assert node.select_one(".comment__author a")["href"] == actor.uri
    assert node.select_one(".comment__via").get_text() == "via Fediverse"
    assert node.select_one("img.comment__avatar")["src"].startswith("/comments/avatar/")


def test_a_hostile_actor_name_is_escaped_in_the_thread(client, post):
    actor = remote_actor("<script>alert(1)</script>\"'")
    comment = fediverse_comment(post, actor)
    node = page(client, post).select_one(f"#comment-{comment.pk}")
    assert node.select("script") == []
    assert node.select_one(".comment__author").get_text() == actor.name
    assert node["data-author"] == actor.name


def test_a_reader_answers_a_fediverse_reply_on_the_page(client, post):
    actor = remote_actor("Ada")
    comment = fediverse_comment(post, actor)
    shown = BeautifulSoup(client.get(post.url, {"replytocom": comment.pk}).content, "html.parser")
    assert "Ada" in shown.select_one("#reply-title").get_text()
    assert shown.select_one("#commentform input[name=reply_to]")["value"] == str(comment.pk)
    data = comment_form_data(post, reply_to=str(comment.pk), comment="Danke, Ada!")
    assert client.post("/comments/post/", data).status_code == 303
    assert Comment.objects.get(comment="Danke, Ada!").parent_id == comment.pk


def _hour():
    # The comment form is cached per clock hour (comment_tags._shared_form):
    # a measurement that spans the turn of an hour renders it once more.
    return int(time.time() // 3600)


@pytest.mark.parametrize("count", [3, 30])
def test_fediverse_replies_cost_no_query_each(client, post, count, settings):
    settings.COMMENTS_PER_PAGE = 1000
    fediverse_comment(post, remote_actor())
    shown = 1
    client.get(post.url)
    while True:
        started = _hour()
        versions.bump(post.pk)
        with CaptureQueriesContext(connection) as one:
            client.get(post.url)
        for _ in range(count):
            fediverse_comment(post, remote_actor())
        shown += count
        versions.bump(post.pk)
        with CaptureQueriesContext(connection) as many:
            response = client.get(post.url)
        if _hour() == started:
            break
        # The turn of an hour came between: measure again, with more comments.
    assert response.content.decode().count("comment--fediverse") == shown
    assert len(many) == len(one)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reactions_and_fediverse_replies_fit_a_small_phone(live_server, page, post, copies):
    long_name = "Datenschutzgrundverordnungsverletzungsbenachrichtigung"[:50]
    for n in range(12):
        actor = remote_actor(f"{long_name}{n}" if n % 3 == 0 else f"Person {n}")
        if n % 2:
            copies(actor)
        react(post, actor, Reaction.Kind.LIKE if n % 4 else Reaction.Kind.ANNOUNCE)
    fediverse_comment(post, remote_actor(long_name), text="Von drüben")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + post.url)
    assert page.locator(".reactions__person").count() == 12
    assert page.locator(".reactions__summary").inner_text() == "3 Boosts · 9 Likes"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    avatar = page.locator(".reactions__avatar").first
    assert avatar.evaluate("e => getComputedStyle(e).borderRadius") == "50%"
    box = avatar.bounding_box()
    assert box["width"] == box["height"] <= 32
