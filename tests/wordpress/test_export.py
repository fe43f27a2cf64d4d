"""The WXR export: the writer on its own (format, CDATA, characters XML forbids,
streaming) and the blog written out (every field, status, type, thread and
date), read back with the standard library's parser as WordPress's importer
reads it."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from comments.wordpress import wxr_writer
from comments.wordpress.export import comment_content, export
from comments.wordpress.records import Author, Channel, Comment, Item, ItemTerm, Term
from tests.factories import BlogCategoryFactory, BlogPageFactory, CommentFactory

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}"
DC = "{http://purl.org/dc/elements/1.1/}"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
CHANNEL = Channel(title="Blog", link="https://blog.example.org", language="de")


def _write(items=(), authors=(), terms=()):
    out = io.StringIO()
    wxr_writer.write(out, CHANNEL, authors, terms, items)
    return out.getvalue()


def _item(**fields):
    defaults = {"wp_id": 1, "post_type": "post", "status": "publish", "title": "Hallo"}
    return Item(**{**defaults, **fields})


def _exported():
    out = io.StringIO()
    export(out)
    return out.getvalue()


def _items_by_id(root):
    return {int(i.findtext(f"{WP}post_id")): i for i in root.find("channel").findall("item")}


def _comments_by_id(item):
    return {int(c.findtext(f"{WP}comment_id")): c for c in item.findall(f"{WP}comment")}


# The writer


def test_the_document_declares_wordpress_namespaces_and_version_exactly():
    xml = _write([_item()])
    declared = dict(re.findall(r'xmlns:(\w+)="([^"]+)"', xml))
    assert declared == NAMESPACES
    root = ET.fromstring(xml)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == "https://blog.example.org"
    assert channel.findtext(f"{WP}base_blog_url") == "https://blog.example.org"
    assert channel.findtext("language") == "de"


def test_what_the_wordpress_importer_checks_holds():
    """The SimpleXML parser refuses a DOCTYPE and a version that is not N.N; the
    line-based fallback wants an author on one line, an item's tags on lines of
    their own, and terms as <category domain="…" nicename="…">."""
    author = Author(wp_id=3, login="luca", email="luca@example.org", display_name="Luca")
    term = ItemTerm(taxonomy="post_tag", slug="datenschutz", name="Datenschutz")
    xml = _write([_item(terms=[term])], authors=[author])
    assert "<!DOCTYPE" not in xml
    assert re.search(r"<wp:wxr_version>(\d+\.\d+)</wp:wxr_version>", xml)
    lines = xml.splitlines()
    assert any(re.fullmatch(r"\t<wp:author>.*luca.*</wp:author>", line) for line in lines)
    assert "\t<item>" in lines
    assert "\t</item>" in lines
    category = '<category domain="post_tag" nicename="datenschutz"><![CDATA[Datenschutz]]>'
    assert category + "</category>" in xml


def test_an_item_has_every_field_in_wordpress_order():
    item = _item(
        link="https://blog.example.org/hallo/",
        guid="https://blog.example.org/?p=1",
        slug="hallo",
        creator="luca",
        content="<p>Text</p>",
        excerpt="Kurz",
        date=datetime(2024, 1, 15, 13, 0),
        date_gmt=datetime(2024, 1, 15, 12, 0),
        modified=datetime(2024, 1, 16, 13, 0),
        modified_gmt=datetime(2024, 1, 16, 12, 0),
        comment_status="closed",
        password="geheim",
        meta={"_thumbnail_id": "7"},
    )
    element = ET.fromstring(_write([item])).find("channel/item")
    names = [child.tag.split("}")[-1] for child in element]
    assert names == [
        "title", "link", "pubDate", "creator", "guid", "description", "encoded", "encoded",
        "post_id", "post_date", "post_date_gmt", "post_modified", "post_modified_gmt",
        "comment_status", "ping_status", "post_name", "status", "post_parent", "menu_order",
        "post_type", "post_password", "is_sticky", "postmeta",
    ]  # fmt: skip
    assert element.findtext("pubDate") == "Mon, 15 Jan 2024 12:00:00 +0000"
    assert element.find("guid").get("isPermaLink") == "false"
    assert element.findtext(f"{DC}creator") == "luca"
    assert element.findtext(f"{WP}post_date") == "2024-01-15 13:00:00"
    assert element.findtext(f"{WP}post_modified_gmt") == "2024-01-16 12:00:00"
    assert element.findtext(f"{WP}post_password") == "geheim"
    assert element.findtext(f"{WP}postmeta/{WP}meta_value") == "7"


def test_a_date_never_set_is_wordpress_zero_date():
    element = ET.fromstring(_write([_item()])).find("channel/item")
    assert element.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"


def test_cdata_end_in_a_text_is_split_and_reads_back_whole():
    text = "Code: a[b[0]]> c ]]> and ]]]]> end"
    comment = Comment(wp_id=5, author="x ]]> y", content=text)
    xml = _write([_item(title="]]>", comments=[comment])])
    assert "]]]]><![CDATA[>" in xml
    item = ET.fromstring(xml).find("channel/item")
    assert item.findtext("title") == "]]>"
    assert item.findtext(f"{WP}comment/{WP}comment_content") == text
    assert item.findtext(f"{WP}comment/{WP}comment_author") == "x ]]> y"


def test_characters_xml_forbids_are_removed_everywhere():
    dirty = "A\x00B\x08C\x0bD\x1fE\ufffeF\ud800G"
    comment = Comment(
        wp_id=5, author=dirty, content=dirty, author_url="http://x.example/?a=1&b\x01"
    )
    author = Author(wp_id=1, login=dirty)
    term = Term(taxonomy="category", slug="c", name=dirty)
    xml = _write([_item(title=dirty, content=dirty, comments=[comment])], [author], [term])
    root = ET.fromstring(xml)  # would raise on any of them
    item = root.find("channel/item")
    assert item.findtext("title") == "ABCDEFG"
    assert item.findtext(f"{CONTENT}encoded") == "ABCDEFG"
    assert item.findtext(f"{WP}comment/{WP}comment_author") == "ABCDEFG"
    assert item.findtext(f"{WP}comment/{WP}comment_author_url") == "http://x.example/?a=1&b"
    assert root.findtext(f"channel/{WP}author/{WP}author_login") == "ABCDEFG"
    assert root.findtext(f"channel/{WP}category/{WP}cat_name") == "ABCDEFG"


def test_tabs_and_line_breaks_stay():
    text = "eins\tzwei\ndrei\r\nvier"
    xml = _write([_item(content=text)])
    assert ET.fromstring(xml).find("channel/item").findtext(f"{CONTENT}encoded") == (
        "eins\tzwei\ndrei\nvier"  # XML reads \r\n as \n, as WordPress's parser does
    )


def test_items_and_comments_are_written_as_they_come():
    out = io.StringIO()
    seen = []

    def comments():
        yield Comment(wp_id=1, content="first")
        seen.append("first comment written" if "first" in out.getvalue() else "buffered")
        yield Comment(wp_id=2, content="second")

    def items():
        yield _item(wp_id=1, comments=comments())
        seen.append("first item written" if "\t</item>" in out.getvalue() else "buffered")
        yield _item(wp_id=2)

    wxr_writer.write(out, CHANNEL, [], [], items())
    assert seen == ["first comment written", "first item written"]
    assert len(ET.fromstring(out.getvalue()).find("channel").findall("item")) == 2


def test_terms_come_categories_first_and_parents_before_children():
    terms = [
        Term(taxonomy="post_tag", slug="tag", name="Tag", wp_id=9),
        Term(taxonomy="category", slug="child", name="Child", parent_slug="parent", wp_id=2),
        Term(taxonomy="series", slug="s", name="Serie"),
        Term(taxonomy="category", slug="parent", name="Parent", wp_id=1),
    ]
    channel = ET.fromstring(_write(terms=terms)).find("channel")
    found = [(e.tag.split("}")[-1], e.findtext(f"{WP}term_id")) for e in channel if "}" in e.tag]
    terms_found = [f for f in found if f[0] in ("category", "tag", "term")]
    assert terms_found == [("category", "1"), ("category", "2"), ("tag", "9"), ("term", "10")]
    child = channel.findall(f"{WP}category")[1]
    assert child.findtext(f"{WP}category_parent") == "parent"
    assert channel.find(f"{WP}term").findtext(f"{WP}term_taxonomy") == "series"


# The blog written out


@pytest.fixture
def blog(site, blog_index, author):
    """A small blog: a post with terms and a thread of every status and type,
    a draft, a scheduled post, and two restricted posts."""
    news = BlogCategoryFactory(name="Neuigkeiten", slug="neuigkeiten", description="Was neu ist")
    post = BlogPageFactory(
        parent=blog_index,
        title="Wie gut ist A1?",
        slug="a1",
        author=author,
        intro="Eine Frage.",
        date=datetime(2024, 1, 15, 12, 0, tzinfo=UTC),
        tags=["Datenschutz"],
        categories=[news],
        allow_pings=False,
    )
    return {"post": post, "news": news}


def test_channel_authors_and_terms(blog, author):
    root = ET.fromstring(_exported())
    channel = root.find("channel")
    assert channel.findtext("title") == "Kommentar"
    assert channel.findtext("link") == "http://testserver"
    assert channel.findtext(f"{WP}base_blog_url") == "http://testserver"
    [wp_author] = channel.findall(f"{WP}author")
    assert wp_author.findtext(f"{WP}author_id") == str(author.pk)
    assert wp_author.findtext(f"{WP}author_login") == "luca"
    assert wp_author.findtext(f"{WP}author_email") == author.email
    assert wp_author.findtext(f"{WP}author_display_name") == "Luca Hammer"
    assert wp_author.findtext(f"{WP}author_first_name") == "Luca"
    assert wp_author.findtext(f"{WP}author_last_name") == "Hammer"
    category = channel.find(f"{WP}category")
    assert category.findtext(f"{WP}term_id") == str(blog["news"].pk)
    assert category.findtext(f"{WP}category_nicename") == "neuigkeiten"
    assert category.findtext(f"{WP}cat_name") == "Neuigkeiten"
    assert category.findtext(f"{WP}category_description") == "Was neu ist"
    tag = channel.find(f"{WP}tag")
    assert tag.findtext(f"{WP}tag_slug") == "datenschutz"
    assert tag.findtext(f"{WP}tag_name") == "Datenschutz"
    assert int(tag.findtext(f"{WP}term_id")) > blog["news"].pk  # one sequence for all terms


def test_a_post_and_its_fields(blog):
    post = blog["post"]
    item = _items_by_id(ET.fromstring(_exported()))[post.pk]
    assert item.findtext("title") == "Wie gut ist A1?"
    assert item.findtext("link") == "http://testserver/a1/"
    assert item.findtext("guid") == f"http://testserver/?p={post.pk}"
    assert item.findtext("pubDate") == "Mon, 15 Jan 2024 12:00:00 +0000"
    assert item.findtext(f"{DC}creator") == "luca"
    assert item.findtext(f"{CONTENT}encoded") == "<p>Body of Wie gut ist A1?</p>"
    assert item.findtext(f"{EXCERPT}encoded") == "Eine Frage."
    assert item.findtext(f"{WP}post_date") == "2024-01-15 13:00:00"  # Europe/Vienna
    assert item.findtext(f"{WP}post_date_gmt") == "2024-01-15 12:00:00"
    assert item.findtext(f"{WP}post_modified_gmt") != "0000-00-00 00:00:00"
    assert item.findtext(f"{WP}comment_status") == "open"
    assert item.findtext(f"{WP}ping_status") == "closed"
    assert item.findtext(f"{WP}post_name") == "a1"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_type") == "post"
    assert item.findtext(f"{WP}post_password") == ""
    terms = [(c.get("domain"), c.get("nicename"), c.text) for c in item.findall("category")]
    assert terms == [
        ("category", "neuigkeiten", "Neuigkeiten"),
        ("post_tag", "datenschutz", "Datenschutz"),
    ]


def test_post_statuses(blog, blog_index):
    now = timezone.now()
    draft = BlogPageFactory(parent=blog_index, live=False)
    scheduled = BlogPageFactory(
        parent=blog_index, live=False, go_live_at=now + timedelta(days=2), date=now
    )
    members = BlogPageFactory(parent=blog_index)
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    secret = BlogPageFactory(parent=blog_index)
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="pw")
    items = _items_by_id(ET.fromstring(_exported()))
    status = {
        pk: (i.findtext(f"{WP}status"), i.findtext(f"{WP}post_password"))
        for pk, i in items.items()
    }
    assert status[blog["post"].pk] == ("publish", "")
    assert status[draft.pk] == ("draft", "")
    assert status[scheduled.pk] == ("future", "")
    assert status[members.pk] == ("private", "")
    assert status[secret.pk] == ("private", "pw")
    local = timezone.localtime(scheduled.go_live_at).strftime("%Y-%m-%d %H:%M:%S")
    assert items[scheduled.pk].findtext(f"{WP}post_date") == local


def test_every_comment_with_its_status_type_thread_and_dates(blog, author):
    post = blog["post"]
    winter = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
    summer = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    top = CommentFactory(
        post=post,
        user_name="Vu",
        user_email="vu@example.org",
        user_url="https://vu.example/?a=1&b=2",
        ip_address="192.0.2.7",
        submit_date=winter,
        comment="Erster Absatz\nzweite Zeile\n\n**Wichtig** und `code`",
    )
    reply = CommentFactory(post=post, parent_id=top.pk, submit_date=summer, user=author)
    held = CommentFactory(post=post, status="pending")
    spam = CommentFactory(post=post, status="spam")
    trash = CommentFactory(post=post, status="trash")
    kinds = {
        kind: CommentFactory(post=post, kind=kind)
        for kind in ("pingback", "trackback", "webmention")
    }

    item = _items_by_id(ET.fromstring(_exported()))[post.pk]
    comments = _comments_by_id(item)
    assert set(comments) == {top.pk, reply.pk, held.pk, spam.pk, trash.pk} | {
        c.pk for c in kinds.values()
    }
    first = comments[top.pk]
    assert first.findtext(f"{WP}comment_author") == "Vu"
    assert first.findtext(f"{WP}comment_author_email") == "vu@example.org"
    assert first.findtext(f"{WP}comment_author_url") == "https://vu.example/?a=1&b=2"
    assert first.findtext(f"{WP}comment_author_IP") == "192.0.2.7"
    assert first.findtext(f"{WP}comment_date_gmt") == "2024-01-15 12:00:00"
    assert first.findtext(f"{WP}comment_date") == "2024-01-15 13:00:00"
    assert first.findtext(f"{WP}comment_content") == (
        "Erster Absatz\nzweite Zeile\n\n<strong>Wichtig</strong> und <code>code</code>"
    )
    assert first.findtext(f"{WP}comment_approved") == "1"
    assert first.findtext(f"{WP}comment_type") == ""
    assert first.findtext(f"{WP}comment_parent") == "0"
    assert first.findtext(f"{WP}comment_user_id") == "0"
    second = comments[reply.pk]
    assert second.findtext(f"{WP}comment_parent") == str(top.pk)
    assert second.findtext(f"{WP}comment_user_id") == str(author.pk)
    assert second.findtext(f"{WP}comment_date_gmt") == "2024-07-01 12:00:00"
    assert second.findtext(f"{WP}comment_date") == "2024-07-01 14:00:00"  # summer time
    approved = {pk: c.findtext(f"{WP}comment_approved") for pk, c in comments.items()}
    assert (approved[held.pk], approved[spam.pk], approved[trash.pk]) == ("0", "spam", "trash")
    types = {kind: comments[c.pk].findtext(f"{WP}comment_type") for kind, c in kinds.items()}
    assert types == {"pingback": "pingback", "trackback": "trackback", "webmention": "webmention"}
    assert list(comments) == sorted(comments)  # parents before replies


def test_a_name_with_a_cdata_end_and_a_typed_tag_round_trip(blog):
    post = blog["post"]
    comment = CommentFactory(post=post, user_name="Max ]]> Muster", comment="<b>fett</b> ]]>")
    item = _items_by_id(ET.fromstring(_exported()))[post.pk]
    exported = _comments_by_id(item)[comment.pk]
    assert exported.findtext(f"{WP}comment_author") == "Max ]]> Muster"
    # Typed as text, shown as text in WordPress too: never markup there.
    assert exported.findtext(f"{WP}comment_content") == "&lt;b&gt;fett&lt;/b&gt; ]]&gt;"


def test_control_characters_in_stored_texts_are_removed(blog):
    post = blog["post"]
    comment = CommentFactory(post=post)
    type(comment).objects.filter(pk=comment.pk).update(
        user_name="A\x01B", user_url="http://x\x02.example/"
    )
    post.title = "Tab\x0bbed"
    post.save()
    item = _items_by_id(ET.fromstring(_exported()))[post.pk]
    assert item.findtext("title") == "Tabbed"
    exported = _comments_by_id(item)[comment.pk]
    assert exported.findtext(f"{WP}comment_author") == "AB"
    assert exported.findtext(f"{WP}comment_author_url") == "http://x.example/"


def test_a_mention_becomes_its_text():
    link = '<a href="https://x.example/" rel="nofollow ugc noopener">https://x.example/</a>'
    html = f'<p>Danke <a class="mention" href="/comments/5/">@Vu</a>, siehe {link}</p>'
    assert comment_content(html) == f"Danke @Vu, siehe {link}"


def test_blocks_become_classic_wordpress_html(site, blog_index):
    image = ImageFactory(title="Berg")
    post = BlogPageFactory(
        parent=blog_index,
        body=[
            {"type": "heading", "value": {"text": "Teil <1>", "level": "h3"}},
            {"type": "paragraph", "value": "<p>Ein <b>Absatz</b></p>"},
            {"type": "quote", "value": {"text": "Zeile 1\nZeile 2", "attribution": "Ich"}},
            {"type": "code", "value": {"language": "python", "code": "if a < b:\n    pass"}},
            {"type": "embed", "value": "https://www.youtube.com/watch?v=abc"},
            {
                "type": "image",
                "value": {
                    "image": {"image": image.pk, "alt_text": "Ein Berg", "decorative": False},
                    "caption": "Oben",
                },
            },
        ],
    )
    content = _items_by_id(ET.fromstring(_exported()))[post.pk].findtext(f"{CONTENT}encoded")
    blocks = content.split("\n\n")
    assert blocks[:5] == [
        "<h3>Teil &lt;1&gt;</h3>",
        "<p>Ein <b>Absatz</b></p>",
        "<blockquote><p>Zeile 1<br />Zeile 2</p><cite>Ich</cite></blockquote>",
        '<pre><code class="language-python">if a &lt; b:\n    pass</code></pre>',
        "https://www.youtube.com/watch?v=abc",  # alone on its line: WordPress embeds it
    ]
    assert re.fullmatch(
        r'<figure><img src="http://testserver/media/original_images/[^"]+" alt="Ein Berg" '
        r'width="\d+" height="\d+" /><figcaption>Oben</figcaption></figure>',
        blocks[5],
    )


def test_the_command_writes_to_stdout(blog):
    out = io.StringIO()
    call_command("export_wxr", stdout=out)
    root = ET.fromstring(out.getvalue())
    assert root.find(f"channel/{WP}wxr_version").text == "1.2"
    assert blog["post"].pk in _items_by_id(root)


def test_the_command_writes_utf8_whatever_the_terminal_encoding(blog):
    blog["post"].title = "Grüße aus Wien"
    blog["post"].save()
    raw = io.BytesIO()
    terminal = io.TextIOWrapper(raw, encoding="ascii")
    call_command("export_wxr", stdout=terminal)
    terminal.flush()
    root = ET.fromstring(raw.getvalue())  # the bytes, decoded as the declaration says
    assert _items_by_id(root)[blog["post"].pk].findtext("title") == "Grüße aus Wien"


def test_the_command_writes_a_private_file(blog, tmp_path):
    target = tmp_path / "site.xml"
    call_command("export_wxr", "--output", str(target))
    assert blog["post"].pk in _items_by_id(ET.fromstring(target.read_text("utf-8")))
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["site.xml"]
