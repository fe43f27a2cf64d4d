"""The demo post as a reader sees it after issue 11: the seed's words as the
original page showed them, and the Facebook comment marked as such."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from blog.demo.posts import SEED_SLUG
from comments.models import Comment


@pytest.fixture
def seed_page(client, root_page):
    call_command("load_demo", stdout=StringIO())
    return BeautifulSoup(client.get(f"/{SEED_SLUG}/").content, "html.parser")


def test_reply_5_shows_its_asterisks_as_the_original_did(seed_page):
    hannes = Comment.objects.get(comment__contains="*Autsch*")
    content = seed_page.select_one(f"#comment-{hannes.pk} .comment__content")
    assert "anbietet. *Autsch*" in content.get_text()
    assert content.select("em") == []
    assert seed_page.select(".comment__content em") == []


def test_reply_17_says_it_came_via_facebook_and_no_other_does(seed_page):
    markus = Comment.objects.get(comment__startswith="Kommentare schreiben über Facebook")
    node = seed_page.select_one(f"#comment-{markus.pk}")
    assert node.select_one(".comment__via").get_text() == "via Facebook"
    assert len(seed_page.select(".comment__via")) == 1


def test_mentions_on_the_page_lead_to_permalinks(client, seed_page):
    links = seed_page.select(".comment__content a.mention")
    assert len(links) >= 9
    for link in links:
        assert link["href"].startswith("/comments/")
        assert client.get(link["href"]).status_code == 302
