"""The "Fediverse" menu of the Wagtail admin: followers (moderators see and
remove them), reactions per post (moderators), deliveries (superusers only),
and the blocked domains as a site setting. No admin page ever shows a local
actor's private key, and a local actor has no admin of its own."""

import itertools

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client

from comments.federation.models import (
    Delivery,
    FederationSettings,
    Follower,
    LocalActor,
    Reaction,
    RemoteActor,
)
from tests.factories import BlogPageFactory, RemoteActorFactory, UserFactory

pytestmark = pytest.mark.django_db

FOLLOWERS = "/admin/fediverse/followers/"
DELIVERIES = "/admin/fediverse/deliveries/"
REACTIONS = "/admin/fediverse/reactions/"
SETTINGS = "/admin/settings/comments/federationsettings/"
PRIVATE = "PRIVATE-KEY-MATERIAL-NEVER-SHOWN"
_numbers = itertools.count(1)


@pytest.fixture
def blog_actor(db):
    return LocalActor.objects.create(
        kind=LocalActor.Kind.BLOG,
        handle="blog",
        public_key_pem="-----BEGIN PUBLIC KEY-----\nPUBLICPART\n-----END PUBLIC KEY-----",
        private_key_pem=f"-----BEGIN PRIVATE KEY-----\n{PRIVATE}\n-----END PRIVATE KEY-----",
    )


def remote(name, host="social.example", url=None):
    extra = {} if url is None else {"url": url}
    return RemoteActorFactory(name=name, host=host, icon=False, **extra)


def deliver(actor, post, state, inbox, detail=""):
    return Delivery.objects.create(
        inbox=inbox,
        actor=actor,
        activity={"type": "Create", "id": f"https://blog.example/activities/{next(_numbers)}"},
        activity_type="Create",
        post=post,
        state=state,
        attempts=3 if state == Delivery.State.FAILED else 1,
        detail=detail,
    )


@pytest.fixture
def fediverse(post, blog_actor):
    """Two followers, reactions on the post, and deliveries in every state that matters."""
    ada = remote("Ada")
    grace = remote("Grace", host="other.example", url="javascript:alert(1)")
    Follower.objects.create(actor=blog_actor, remote=ada, follow_id=f"{ada.uri}#follow")
    Follower.objects.create(actor=blog_actor, remote=grace, follow_id=f"{grace.uri}#follow")
    for actor, kind in [
        (ada, Reaction.Kind.ANNOUNCE),
        (grace, Reaction.Kind.ANNOUNCE),
        (ada, Reaction.Kind.LIKE),
    ]:
        Reaction.objects.create(
            post=post, actor=actor, kind=kind, activity_id=f"{actor.uri}#{kind}"
        )
    deliver(blog_actor, post, Delivery.State.SENT, "https://social.example/inbox")
    deliver(
        blog_actor,
        post,
        Delivery.State.FAILED,
        "https://gone.example/inbox",
        detail="The server answered 410.",
    )
    deliver(blog_actor, post, Delivery.State.RETRYING, "https://slow.example/inbox")
    return {"ada": ada, "grace": grace}


@pytest.fixture
def moderator_client(db):
    moderator = UserFactory(username="moderatorin")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def editor_client(db):
    """Into the admin, but no moderator: an editor of pages."""
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    return client


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def admin_pages(post, fediverse):
    follower = Follower.objects.get(remote=fediverse["ada"])
    return [
        "/admin/",
        FOLLOWERS,
        f"{FOLLOWERS}results/",
        f"{FOLLOWERS}delete/{follower.pk}/",
        DELIVERIES,
        f"{DELIVERIES}results/?state=failed",
        f"{DELIVERIES}?state=failed",
        REACTIONS,
        f"{REACTIONS}results/?ordering=-boosts",
        f"{REACTIONS}{post.pk}/",
        f"{SETTINGS}{post.get_site().pk}/",
    ]


def test_a_superuser_gets_every_page_and_the_private_key_is_on_none(
    admin_client, site, post, fediverse
):
    for url in admin_pages(post, fediverse):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert PRIVATE not in response.content.decode(), url


@pytest.mark.parametrize(
    "url", [FOLLOWERS, DELIVERIES, REACTIONS, f"{FOLLOWERS}delete/1/", f"{REACTIONS}1/"]
)
def test_anonymous_readers_are_sent_to_the_login(client, site, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_moderators_see_followers_and_reactions_but_not_deliveries(
    moderator_client, site, post, fediverse
):
    assert moderator_client.get(FOLLOWERS).status_code == 200
    assert moderator_client.get(REACTIONS).status_code == 200
    assert moderator_client.get(f"{REACTIONS}{post.pk}/").status_code == 200
    refused = moderator_client.get(DELIVERIES)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    post_page = moderator_client.get(f"{REACTIONS}{post.pk}/").content.decode()
    assert DELIVERIES not in post_page  # no link to a page they may not open
    menu = moderator_client.get("/admin/").content.decode()
    assert FOLLOWERS in menu and REACTIONS in menu
    assert DELIVERIES not in menu


def test_others_in_the_admin_see_nothing_of_it(editor_client, site, post, fediverse):
    for url in (FOLLOWERS, DELIVERIES, REACTIONS, f"{REACTIONS}{post.pk}/"):
        assert editor_client.get(url).status_code in (302, 403), url
    menu = editor_client.get("/admin/").content.decode()
    assert "/admin/fediverse/" not in menu
    follower = Follower.objects.first()
    editor_client.post(f"{FOLLOWERS}delete/{follower.pk}/")
    assert Follower.objects.filter(pk=follower.pk).exists()
    assert not Delivery.objects.filter(activity_type="Reject").exists()


def test_followers_list_handle_name_profile_date_and_local_actor(admin_client, site, fediverse):
    page = soup(admin_client.get(FOLLOWERS, HTTP_ACCEPT_LANGUAGE="en"))
    rows = page.select("tbody tr")
    assert len(rows) == 2
    assert "2" in page.select_one(".fediverse-follower-count").get_text()
    ada, grace = fediverse["ada"], fediverse["grace"]
    text = {row.get_text(" ", strip=True) for row in rows}
    assert any(ada.handle in t and "Ada" in t and "blog" in t for t in text)
    assert any(grace.handle in t and "Grace" in t for t in text)
    links = [a["href"] for a in page.select("tbody a[href^='http']")]
    assert links == [ada.url]  # Grace's javascript: profile is no link
    assert not page.select("a[href^='javascript']")
    assert len(page.select("tbody time[datetime]")) == 2  # since when


def test_a_moderator_removes_a_follower(moderator_client, site, fediverse):
    follower = Follower.objects.get(remote=fediverse["ada"])
    url = f"{FOLLOWERS}delete/{follower.pk}/"
    assert moderator_client.get(FOLLOWERS).content.decode().count(url) == 1
    response = moderator_client.post(url)
    assert response.status_code == 302
    assert not Follower.objects.filter(pk=follower.pk).exists()
    assert RemoteActor.objects.filter(pk=fediverse["ada"].pk).exists()
    assert Follower.objects.count() == 1
    # Ada's server hears of it: a Reject of her Follow, to her inbox.
    reject = Delivery.objects.get(activity_type="Reject")
    assert reject.inbox == fediverse["ada"].inbox
    assert reject.actor == follower.actor
    assert reject.activity["object"] == {
        "id": follower.follow_id,
        "type": "Follow",
        "actor": fediverse["ada"].uri,
        "object": reject.activity["actor"],
    }


def test_nobody_adds_or_edits_followers_or_deliveries_here(admin_client, site, fediverse):
    follower = Follower.objects.first()
    delivery = Delivery.objects.first()
    for url in (
        f"{FOLLOWERS}new/",
        f"{FOLLOWERS}edit/{follower.pk}/",
        f"{DELIVERIES}new/",
        f"{DELIVERIES}edit/{delivery.pk}/",
        f"{DELIVERIES}delete/{delivery.pk}/",
    ):
        assert admin_client.get(url).status_code == 404, url


def test_deliveries_list_everything_and_mark_failures(admin_client, site, post, fediverse):
    page = soup(admin_client.get(DELIVERIES, HTTP_ACCEPT_LANGUAGE="en"))
    rows = page.select("tbody tr")
    assert len(rows) == 3
    failed = next(row for row in rows if "gone.example" in row.get_text())
    assert failed.select_one(".fediverse-state--failed").get_text(strip=True) == "Given up"
    assert "The server answered 410." in failed.get_text()
    assert "Create" in failed.get_text()
    assert post.title in failed.get_text()
    sent = next(row for row in rows if "social.example/inbox" in row.get_text())
    assert sent.select_one(".fediverse-state--failed") is None
    retrying = next(row for row in rows if "slow.example" in row.get_text())
    assert retrying.select_one(".fediverse-state--retrying") is not None
    assert "Delivered" in sent.get_text()


def test_deliveries_filter_by_state_and_post(admin_client, site, post, blog_index, fediverse):
    only_failed = admin_client.get(DELIVERIES, {"state": "failed"}).content.decode()
    assert "gone.example" in only_failed
    assert "slow.example" not in only_failed and "social.example/inbox" not in only_failed
    other = BlogPageFactory(parent=blog_index)
    of_other = admin_client.get(DELIVERIES, {"post": other.pk}).content.decode()
    assert "gone.example" not in of_other


def test_the_report_counts_reactions_and_deliveries_per_post(
    admin_client, site, post, blog_index, fediverse
):
    BlogPageFactory(parent=blog_index, title="Ohne Echo")
    page = soup(admin_client.get(REACTIONS))
    rows = page.select("tbody tr")
    assert len(rows) == 1  # a post nobody reacted to and nothing was sent for is left out
    cells = [cell.get_text(strip=True) for cell in rows[0].select("td")]
    assert cells[0].startswith(post.title)
    assert cells[1:6] == ["2", "1", "1", "1", "1"]  # boosts, likes, delivered, waiting, failed
    by_likes = soup(admin_client.get(REACTIONS, {"ordering": "-likes"}))
    assert by_likes.select_one("tbody tr td").get_text(strip=True) == post.title
    assert rows[0].select_one(".fediverse-state--failed") is not None
    detail = soup(admin_client.get(f"{REACTIONS}{post.pk}/"))
    text = detail.get_text(" ", strip=True)
    assert fediverse["ada"].handle in text and fediverse["grace"].handle in text
    assert len(detail.select("tbody tr")) == 3
    assert f"{DELIVERIES}?post={post.pk}" in str(detail)


def test_a_post_without_fediverse_activity_has_no_report(admin_client, site, blog_index):
    quiet = BlogPageFactory(parent=blog_index)
    assert admin_client.get(f"{REACTIONS}{quiet.pk}/").status_code == 404


def test_a_hostile_remote_name_is_escaped_in_the_admin(admin_client, site, post, blog_actor):
    hostile = remote('<script>alert("x")</script>')
    Follower.objects.create(actor=blog_actor, remote=hostile, follow_id=f"{hostile.uri}#f")
    Reaction.objects.create(
        post=post, actor=hostile, kind=Reaction.Kind.LIKE, activity_id=f"{hostile.uri}#l"
    )
    for url in (FOLLOWERS, f"{REACTIONS}{post.pk}/"):
        html = admin_client.get(url).content.decode()
        assert '<script>alert("x")' not in html, url
        assert "&lt;script&gt;" in html, url


def test_blocked_domains_are_a_site_setting(admin_client, site):
    url = f"{SETTINGS}{site.pk}/"
    assert admin_client.get(SETTINGS)["Location"] == url
    form = soup(admin_client.get(url))
    assert form.select_one("textarea[name=blocked_domains]") is not None
    assert SETTINGS in admin_client.get("/admin/").content.decode()  # under Settings
    assert admin_client.post(url, {"blocked_domains": "spam.example\n"}).status_code == 302
    assert FederationSettings.for_site(site).blocks("a.spam.example")


def test_a_local_actor_has_no_admin(admin_client, site, blog_actor):
    for url in (
        "/admin/snippets/comments/localactor/",
        f"/admin/snippets/comments/localactor/edit/{blog_actor.pk}/",
        "/django-admin/comments/localactor/",
        f"/django-admin/comments/localactor/{blog_actor.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 404, url
