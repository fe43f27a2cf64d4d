"""@-mentions link to /comments/<id>/: from the page, across discussion pages, and
as absolute URLs in feeds; stored bodies are moved over by a data migration."""

import importlib
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup
from django.apps import apps

from comments.models import Comment
from tests.factories import CommentFactory

ATOM = "{http://www.w3.org/2005/Atom}"
migration = importlib.import_module("comments.migrations.0005_mention_permalinks")


def test_a_mention_links_to_the_permalink_that_finds_the_right_page(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    vu = CommentFactory(post=post, user_name="Vu")
    nila = CommentFactory(post=post, user_name="Nila", comment="@Vu: Nur, dass …")
    assert f'<a class="mention" href="/comments/{vu.pk}/">@Vu</a>' in nila.body_html
    page_two = BeautifulSoup(client.get(post.url + "?cpage=2").content, "html.parser")
    link = page_two.select_one(f"#comment-{nila.pk} a.mention")
    assert link["href"] == f"/comments/{vu.pk}/"
    assert client.get(link["href"])["Location"] == f"{post.url}#comment-{vu.pk}"


def test_feeds_carry_absolute_mention_links(client, post):
    vu = CommentFactory(post=post, user_name="Vu")
    CommentFactory(post=post, user_name="Nila", comment="@Vu: Nur, dass … http://x.example/")
    absolute = f'href="http://testserver/comments/{vu.pk}/"'
    rss = ET.fromstring(client.get(post.url + "feed/").content)
    descriptions = [i.findtext("description") for i in rss.find("channel").findall("item")]
    assert absolute in descriptions[0]
    assert 'href="http://x.example/"' in descriptions[0]
    atom = ET.fromstring(client.get("/comments/feed/atom/").content)
    summaries = [e.findtext(f"{ATOM}summary") for e in atom.findall(f"{ATOM}entry")]
    assert absolute in summaries[0]
    assert 'href="/' not in "".join(descriptions + summaries)


def test_the_migration_moves_stored_bodies_to_permalinks_and_literal_stars(post):
    vu = CommentFactory(post=post, user_name="Vu")
    old = CommentFactory(post=post, comment="@Vu *Autsch* **fett**")
    untouched = CommentFactory(post=post, comment="nichts")
    Comment.objects.filter(pk=old.pk).update(
        body_html=(
            f'<p><a class="mention" href="#comment-{vu.pk}">@Vu</a> <em>Autsch</em>'
            " <strong>fett</strong></p>"
        )
    )
    before = Comment.objects.get(pk=untouched.pk).body_html
    migration.forwards(apps, None)
    migrated = Comment.objects.get(pk=old.pk)
    assert migrated.body_html == (
        f'<p><a class="mention" href="/comments/{vu.pk}/">@Vu</a> *Autsch*'
        " <strong>fett</strong></p>"
    )
    stored = migrated.body_html
    migrated.render_body()
    assert migrated.body_html == stored  # as if it had been rendered today
    assert Comment.objects.get(pk=untouched.pk).body_html == before
