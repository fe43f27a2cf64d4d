from io import StringIO

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.demo.posts import SEED_SLUG
from blog.models import BlogPage
from comments.models import Comment


@pytest.fixture
def demo(root_page):
    call_command("load_demo", stdout=StringIO())


def test_seed_comments_are_loaded_once(demo):
    seed = Comment.objects.filter(user_email__endswith="example.org", ip_address="127.0.0.1")
    assert seed.count() == 17
    call_command("load_demo", stdout=StringIO())
    assert seed.count() == 17
    assert set(seed.values_list("status", flat=True)) == {"approved"}


def test_seed_thread_structure_and_author_badge(client, demo):
    page = BeautifulSoup(client.get(f"/{SEED_SLUG}/").content, "html.parser")
    assert page.select_one("#comments-title").get_text(strip=True) == (
        "18 Antworten zu „Wie gut ist die Social Web Kompetenz von A1 Mobilkom?“"
    )
    assert len(page.select(".comment")) == 18
    vu = Comment.objects.get(user_name="Vu")
    nila = Comment.objects.get(user_name="Nila")
    assert nila.parent_id == vu.pk
    assert page.select_one(f"#comment-{vu.pk} .comment-list--children #comment-{nila.pk}")
    badges = page.select(".comment--by-author")
    assert len(badges) == 3
    assert {b.select_one(".comment__author").get_text() for b in badges} == {"Luca Hammer"}
    avatars = page.select(".comment__avatar")
    assert len(avatars) == 17
    assert avatars[0]["alt"] == "Avatar von Marcus Greyer"


def test_seed_mentions_link_to_the_comments_they_answer(demo):
    luca = Comment.objects.filter(user_name="Luca Hammer").order_by("submit_date")[0]
    html = luca.body_html
    expected = {
        "Marcus": "Marcus Greyer",
        "Werner": "Werner Reiter",
        "ritchi": "ritchie",
        "Roman": "Roman",
        "Hannes": "Hannes Offenbacher",
        "Markus": "Markus Hübner",
        "Vu": "Vu",
        "Nila": "Nila",
    }
    for token, name in expected.items():
        target = Comment.objects.filter(user_name=name, submit_date__lt=luca.submit_date).latest(
            "submit_date"
        )
        assert f'href="/comments/{target.pk}/">@{token}</a>' in html, token
    assert "@Martin" in html
    assert 'href="/comments/' not in html.split("@Martin")[0][-60:]
    markus = Comment.objects.get(comment__startswith="@Luca")
    assert markus.parent_id == luca.pk
    assert f'href="/comments/{luca.pk}/">@Luca</a>' in markus.body_html


def test_demo_fills_the_moderation_queue(demo):
    moderator = get_user_model().objects.get(username="moderator")
    assert moderator.groups.filter(name="Moderators").exists()
    seed = Comment.objects.filter(object_pk=str(BlogPage.objects.get(slug=SEED_SLUG).pk))
    assert set(seed.values_list("status", flat=True)) == {"approved"}
    assert Comment.objects.filter(status="pending").count() == 1
    assert Comment.objects.filter(status="spam").count() == 1
    call_command("load_demo", stdout=StringIO())
    assert Comment.objects.filter(status__in=["pending", "spam"]).count() == 2


def test_reply_17_comes_from_a_demo_facebook_account_with_a_local_picture(client, demo, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}  # no Facebook credentials, as in `make run`
    assert not SocialApp.objects.exists()
    reply = Comment.objects.get(comment__startswith="Kommentare schreiben über Facebook Connect")
    account = SocialAccount.objects.get(user=reply.user)
    assert (account.provider, account.uid) == ("facebook", "demo-markus-huebner")
    assert not SocialToken.objects.exists()
    assert not reply.user.has_usable_password()
    call_command("load_demo", stdout=StringIO())
    assert SocialAccount.objects.count() == 1

    html = client.get(f"/{SEED_SLUG}/").content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{reply.pk}")
    assert node.select_one(".comment__author").get_text() == "Markus Hübner"
    assert node.select_one(".comment__avatar")["src"] == "/static/img/facebook-avatar.svg"
    assert "facebook.com" not in html
    assert client.get("/static/img/facebook-avatar.svg").status_code == 200


def test_the_18th_entry_is_the_seed_pingback(client, demo):
    page = BeautifulSoup(client.get(f"/{SEED_SLUG}/").content, "html.parser")
    last = page.select(".comment-list > .comment")[-1]
    assert "comment--pingback" in last["class"]
    assert last.select_one(".comment__avatar") is None
    assert last.select_one(".comment__kind").get_text() == "Pingback"
    link = last.select_one(".comment__author a")
    assert (link.get_text(), link["href"]) == ("Olivers Blog", "https://oliver.example.org/")
    text = last.select_one(".comment__content").get_text()
    assert text.startswith("[…] las gestern Nacht beim Aufbau einer neuen Stellenbörse")
    assert text.endswith("Massenhaft Kundendaten […]")
    call_command("load_demo", stdout=StringIO())
    assert Comment.objects.filter(kind="pingback").count() == 1
