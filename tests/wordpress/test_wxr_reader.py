"""The WXR reader against exports written the way WordPress writes them."""

import gzip
import io
import os
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest

from comments.wordpress import wxr_input
from comments.wordpress.records import Author, Channel, Item, ItemTerm, Term
from comments.wordpress.wxr import WxrError, open_wxr, read

pytestmark = pytest.mark.once

FIXTURES = Path(__file__).parent / "fixtures"


def records(name):
    return list(read(FIXTURES / name))


def items_by_id(name):
    return {record.wp_id: record for record in records(name) if isinstance(record, Item)}


def read_bytes(data: bytes):
    return list(read(io.BytesIO(data)))


# -- WXR 1.2, classic editor ----------------------------------------------------


def test_classic_export_yields_channel_then_authors_terms_items_in_file_order():
    kinds = [
        (type(record).__name__, getattr(record, "wp_id", None))
        for record in records("wxr-1.2-classic.xml")
    ]
    assert kinds == [
        ("Channel", None),
        ("Author", 1),
        ("Author", 7),
        ("Term", 3),
        ("Term", 4),
        ("Term", 1),
        ("Term", 5),
        ("Term", 6),
        ("Term", 8),
        *[("Item", wp_id) for wp_id in (101, 102, 103, 104, 105, 106, 107)],
    ]


def test_classic_channel():
    channel = records("wxr-1.2-classic.xml")[0]
    assert channel == Channel(
        title="Kaffee & Kuchen",
        link="https://blog.example.org",
        description="Notizen aus dem Wiener Kaffeehaus",
        language="de-DE",
        wxr_version="1.2",
        base_site_url="https://blog.example.org",
        base_blog_url="https://blog.example.org",
    )


def test_classic_authors_keep_names_as_wordpress_stored_them():
    authors = [record for record in records("wxr-1.2-classic.xml") if isinstance(record, Author)]
    assert authors == [
        Author(
            wp_id=1,
            login="admin",
            email="admin@blog.example.org",
            display_name="Jürgen Müller &amp; Söhne",
            first_name="Jürgen",
            last_name="Müller",
        ),
        Author(wp_id=7, login="greta", email="greta@example.net", display_name="Greta"),
    ]


def test_classic_terms_categories_with_parent_tags_and_other_taxonomies():
    terms = [record for record in records("wxr-1.2-classic.xml") if isinstance(record, Term)]
    assert terms == [
        Term("category", "getraenke", "Getränke", "", "Alles, was man trinkt", 3),
        Term("category", "kaffee", "Kaffee &amp; Espresso", "getraenke", "", 4),
        Term("category", "uncategorized", "Allgemein", "", "", 1),
        Term("post_tag", "espresso", "Espresso", "", "", 5),
        Term("post_tag", "wien", "Wien", "", "Die Stadt", 6),
        Term("nav_menu", "hauptmenue", "Hauptmenü", "", "", 8),
    ]


CLASSIC_CONTENT = """Der erste Absatz über Kaffee, ganz ohne p-Tag.

Zweiter Absatz mit <strong>fett</strong> und \
<a href="https://example.com/kaffee?x=1&amp;y=2">einem Link</a>.
Eine Zeile darunter, im selben Absatz.

[caption id="attachment_105" align="aligncenter" width="300"]\
<img class="size-medium wp-image-105" \
src="https://blog.example.org/wp-content/uploads/2009/05/espresso-300x200.jpg" alt="Ein Espresso" \
width="300" height="200" /> Ein Espresso in Wien[/caption]

[gallery ids="105,108" columns="2"]

<pre><code>if (cup[level[0]]> 0) {
    refill(cup);
}</code></pre>

<img src="https://blog.example.org/wp-content/uploads/2009/05/tasse.jpg" alt="Tasse" />

https://www.youtube.com/watch?v=dQw4w9WgXcQ

<!--more-->
Nach dem Weiterlesen-Link."""


def test_classic_published_post_every_field():
    post = items_by_id("wxr-1.2-classic.xml")[101]
    assert post.content == CLASSIC_CONTENT
    assert (post.post_type, post.status, post.title, post.slug) == (
        "post",
        "publish",
        "Über Kaffee & „Kuchen“",
        "ueber-kaffee",
    )
    assert post.link == "https://blog.example.org/2009/05/ueber-kaffee/"
    assert post.guid == "https://blog.example.org/?p=101"
    assert post.creator == "admin"
    assert post.excerpt == "Kurz: Kaffee."
    assert post.date == datetime(2009, 5, 3, 10, 30)
    assert post.date_gmt == datetime(2009, 5, 3, 8, 30)
    assert post.modified == datetime(2010, 1, 2, 12, 0)
    assert post.modified_gmt == datetime(2010, 1, 2, 11, 0)
    assert (post.comment_status, post.ping_status) == ("open", "open")
    assert (post.parent, post.menu_order, post.password) == (0, 0, "")
    assert post.is_sticky is True
    assert post.attachment_url == ""
    assert post.terms == [
        ItemTerm("category", "kaffee", "Kaffee &amp; Espresso"),
        ItemTerm("post_tag", "espresso", "Espresso"),
        ItemTerm("post_tag", "wien", "Wien"),
    ]
    # The last value of a repeated key wins.
    assert post.meta == {"_edit_last": "1", "_thumbnail_id": "105", "mood": "sehr wach"}


def test_classic_comments_statuses_types_and_threads():
    comments = {c.wp_id: c for c in items_by_id("wxr-1.2-classic.xml")[101].comments}
    assert list(comments) == list(range(201, 217))
    assert {i: c.approved for i, c in comments.items() if c.approved != "1"} == {
        206: "0",
        207: "spam",
        208: "trash",
        209: "post-trashed",
    }
    assert {i: c.type for i, c in comments.items() if c.type != "comment"} == {
        206: "",
        210: "pingback",
        211: "trackback",
        212: "webmention",
        213: "review_reaction",
    }
    # A thread five deep, and an orphan whose parent is not in the file.
    assert [comments[i].parent for i in (201, 202, 203, 204, 205)] == [0, 201, 202, 203, 204]
    assert comments[214].parent == 999
    assert {i: c.user_id for i, c in comments.items() if c.user_id} == {202: 1, 204: 7}


def test_classic_comment_every_field():
    comment = items_by_id("wxr-1.2-classic.xml")[101].comments[0]
    assert comment.wp_id == 201
    assert comment.author == "Zoë „Z“ Ångström &amp; Co"
    assert comment.author_email == "zoe@example.com"
    assert comment.author_url == "https://zoe.example.com/?a=1&b=2"
    assert comment.author_ip == "192.0.2.10"
    assert comment.date == datetime(2009, 5, 3, 11, 0)
    assert comment.date_gmt == datetime(2009, 5, 3, 9, 0)
    assert comment.content == "Wunderbar! Grüße aus Zürich ☕ 😀 – und <em>danke</em>."


def test_classic_comment_texts_dates_and_linkbacks():
    comments = {c.wp_id: c for c in items_by_id("wxr-1.2-classic.xml")[101].comments}
    assert comments[215].date == datetime(2009, 5, 7, 18, 45)
    assert comments[215].date_gmt is None
    assert comments[215].author_ip == ""
    assert comments[216].content == (
        "Achtung: <code>a[b[0]]></code> endet kein CDATA, und ]]>]]> auch nicht."
    )
    assert comments[210].author == "Anderes Blog &raquo; Kaffee-Links"
    assert comments[210].author_url == "https://other.example/2009/05/links/"
    assert comments[210].content == "[&#8230;] ein schöner Text über Kaffee [&#8230;]"
    assert comments[211].content == "<strong>Ein Titel</strong>\n\nEin Auszug des Trackbacks"


def test_classic_draft_future_private():
    items = items_by_id("wxr-1.2-classic.xml")
    draft, future, private = items[102], items[103], items[104]
    assert (draft.status, draft.slug, draft.creator) == ("draft", "", "greta")
    assert draft.date == datetime(2026, 11, 29, 20, 0)
    assert draft.date_gmt is None  # WordPress writes 0000-00-00 00:00:00 for drafts
    assert (draft.ping_status, draft.comments) == ("closed", [])
    assert (future.status, future.date_gmt, future.comment_status) == (
        "future",
        datetime(2027, 1, 1, 9, 0),
        "closed",
    )
    assert (private.status, private.password) == ("private", "geheim")


def test_classic_attachment_page_and_menu_item():
    items = items_by_id("wxr-1.2-classic.xml")
    attachment, page, menu_item = items[105], items[106], items[107]
    assert (attachment.post_type, attachment.status, attachment.parent) == (
        "attachment",
        "inherit",
        101,
    )
    assert (
        attachment.attachment_url
        == "https://blog.example.org/wp-content/uploads/2009/05/espresso.jpg"
    )
    assert attachment.meta["_wp_attached_file"] == "2009/05/espresso.jpg"
    assert attachment.meta["_wp_attachment_metadata"].startswith('a:3:{s:5:"width";i:1200;')
    assert (page.post_type, page.menu_order, page.slug) == ("page", 3, "impressum")
    assert page.content == "<h2>Verantwortlich</h2>\nJürgen Müller, Wien"
    assert [(c.wp_id, c.content) for c in page.comments] == [(217, "Kommentar auf einer Seite.")]
    assert menu_item.post_type == "nav_menu_item"
    assert menu_item.terms == [ItemTerm("nav_menu", "hauptmenue", "Hauptmenü")]
    assert menu_item.meta == {
        "_menu_item_type": "custom",
        "_menu_item_url": "https://blog.example.org/",
    }


# -- WXR 1.1, block editor; WXR 1.0 -------------------------------------------------


def test_blocks_export_namespace_1_1():
    channel, author, *rest = records("wxr-1.1-blocks.xml")
    assert (channel.wxr_version, channel.title, channel.language) == (
        "1.1",
        "Blocks & More",
        "en-GB",
    )
    assert author == Author(
        2, "editor", "editor@blocks.example.net", "Edith O'Tor", "Edith", "O'Tor"
    )
    terms = [record for record in rest if isinstance(record, Term)]
    assert terms == [
        Term("category", "uncategorized", "Uncategorized", "", "", 1),
        Term("post_tag", "gutenberg", "Gutenberg", "", "", 9),
        Term("series", "editors", "Editors", "", "A series about editors", 20),
        Term("series", "block-editor", "Block editor", "editors", "", 21),
    ]


def test_blocks_content_is_kept_verbatim():
    post = items_by_id("wxr-1.1-blocks.xml")[11]
    for marker in ("heading", "paragraph", "list", "quote", "code", "image", "embed", "gallery"):
        assert f"<!-- wp:{marker}" in post.content
        assert f"<!-- /wp:{marker} -->" in post.content
    assert 'return "hi" if a[b[0]]> 1 else "&lt;none&gt;"' in post.content
    assert post.content.startswith("<!-- wp:heading -->\n<h2>A heading</h2>")
    assert post.content.endswith("<!-- /wp:gallery -->")
    assert post.excerpt == "Every core block once."
    assert (post.title, post.slug, post.date_gmt) == (
        "Blocks, all of them",
        "blocks-all-of-them",
        datetime(2019, 1, 9, 12, 0),
    )
    assert post.modified is None  # WXR 1.1 had no post_modified
    assert ItemTerm("series", "block-editor", "Block editor") in post.terms
    assert [(c.wp_id, c.parent, c.user_id, c.author_ip) for c in post.comments] == [
        (31, 0, 0, "2001:db8::1"),
        (32, 31, 2, "2001:db8::2"),
    ]


def test_minimal_1_0_export_version_from_namespace():
    channel, *rest = records("wxr-1.0-minimal.xml")
    assert channel.wxr_version == "1.0"  # the file has no <wp:wxr_version>
    assert (channel.base_site_url, channel.link) == ("", "http://old.example.com")
    assert [record for record in rest if isinstance(record, Term)] == [
        Term("category", "musings", "Musings"),
        Term("post_tag", "old-times", "old times"),
    ]
    (post,) = [record for record in rest if isinstance(record, Item)]
    # The bare <category> duplicates are skipped; WXR 1.0's "tag" is post_tag.
    assert post.terms == [
        ItemTerm("category", "musings", "Musings"),
        ItemTerm("post_tag", "old-times", "old times"),
    ]
    assert post.excerpt == "The very first post."
    assert post.password == "" and post.is_sticky is False
    (comment,) = post.comments
    assert (comment.author, comment.type, comment.user_id) == ("Mr WordPress", "", 0)
    assert comment.date_gmt == datetime(2008, 7, 1, 9, 0)


WP_1_2 = "http://wordpress.org/export/1.2/"
EXCERPT_1_2 = "http://wordpress.org/export/1.2/excerpt/"


def wxr_document(wp_ns=WP_1_2, excerpt_ns=EXCERPT_1_2, body="", version_element=""):
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{excerpt_ns}"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{wp_ns}">
<channel>
<title>T</title>{version_element}
<item><title>P</title><excerpt:encoded><![CDATA[The excerpt]]></excerpt:encoded>
<wp:post_id>3</wp:post_id><wp:post_type>page</wp:post_type><wp:status>publish</wp:status>{body}</item>
</channel>
</rss>
""".encode()


@pytest.mark.parametrize(
    ("wp_ns", "excerpt_ns", "version"),
    [
        ("http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.0/excerpt/", "1.0"),
        ("http://wordpress.org/export/1.1/", "http://wordpress.org/export/1.1/excerpt/", "1.1"),
        (WP_1_2, EXCERPT_1_2, "1.2"),
        ("https://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/excerpt/", "1.2"),
        (WP_1_2, "http://wordpress.org/export/1.1/excerpt/", "1.2"),
    ],
)
def test_namespace_versions(wp_ns, excerpt_ns, version):
    channel, item = read_bytes(wxr_document(wp_ns, excerpt_ns))
    assert channel.wxr_version == version
    assert (item.wp_id, item.post_type, item.status) == (3, "page", "publish")
    assert item.excerpt == "The excerpt"


def test_wxr_version_element_wins_over_namespace():
    data = wxr_document(version_element="<wp:wxr_version>1.3</wp:wxr_version>")
    assert read_bytes(data)[0].wxr_version == "1.3"


def test_elements_in_a_foreign_namespace_are_ignored():
    body = '<wp:post_id xmlns:wp="http://example.com/fake/">999</wp:post_id>'
    _, item = read_bytes(wxr_document(body=body))
    assert item.wp_id == 3


def test_missing_and_odd_values_have_safe_defaults():
    body = (
        "<wp:post_date></wp:post_date>"
        "<wp:post_date_gmt>2009-02-30 10:00:00</wp:post_date_gmt>"
        "<wp:post_parent>abc</wp:post_parent>"
        "<wp:comment><wp:comment_id>4</wp:comment_id>"
        "<wp:comment_content></wp:comment_content></wp:comment>"
    )
    _, item = read_bytes(wxr_document(body=body))
    assert (item.date, item.date_gmt, item.parent) == (None, None, 0)
    assert item.comments[0].content == ""


def test_forbidden_control_characters_are_dropped():
    body = (
        "<wp:comment><wp:comment_id>4</wp:comment_id>"
        "<wp:comment_author><![CDATA[Marcus\x02Greyer]]></wp:comment_author></wp:comment>"
    )
    _, item = read_bytes(wxr_document(body=body))
    assert item.comments[0].author == "MarcusGreyer"


# -- gzip ---------------------------------------------------------------------------


def test_gzip_path_and_file_object(tmp_path):
    plain = (FIXTURES / "wxr-1.2-classic.xml").read_bytes()
    packed = tmp_path / "export.xml.gz"
    packed.write_bytes(gzip.compress(plain))
    expected = records("wxr-1.2-classic.xml")
    assert list(read(packed)) == expected
    assert list(read(str(packed))) == expected
    with open(packed, "rb") as file:
        assert list(read(file)) == expected
    with open_wxr(packed) as file:
        assert file.read() == plain
    with open_wxr(FIXTURES / "wxr-1.2-classic.xml") as file:
        assert file.read() == plain


def test_truncated_gzip(tmp_path):
    packed = gzip.compress((FIXTURES / "wxr-1.2-classic.xml").read_bytes())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(WxrError, match="gzip file ends in the middle"):
        list(read(path))


# -- files that are not (good) WXR ----------------------------------------------------------


def test_truncated_file_names_the_last_line_and_streams_what_came_before():
    last_line = (FIXTURES / "truncated.xml").read_bytes().count(b"\n") + 1
    seen = []
    with pytest.raises(WxrError) as raised:
        for record in read(FIXTURES / "truncated.xml"):
            seen.append(type(record).__name__)
    assert str(raised.value) == f"The file ends in the middle (line {last_line}): truncated?"
    # The channel, authors and terms came out before the parser reached the cut.
    assert seen == ["Channel", "Author", "Author", "Term", "Term", "Term", "Term", "Term", "Term"]


def test_latin1_bytes_in_a_utf8_file():
    with pytest.raises(WxrError) as raised:
        records("latin1.xml")
    assert str(raised.value) == (
        "The file is not valid UTF-8 (line 20, byte 0xFC): export it again as UTF-8"
    )


def test_bad_utf8_after_many_chunks_names_its_line():
    lines = "Grüße\n".encode() * 30000
    body = "<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>"
    data = wxr_document(body=body + "LINES</wp:meta_value></wp:postmeta>")
    data = data.replace(b"LINES", lines[:-100] + b"Gr\xfc\xdfe\n" + lines[-100:])
    line = data[: data.index(b"Gr\xfc")].count(b"\n") + 1
    with pytest.raises(WxrError) as raised:
        read_bytes(data)
    assert str(raised.value).startswith(f"The file is not valid UTF-8 (line {line}, byte 0xFC)")


def test_a_declared_latin1_file_is_read():
    data = wxr_document().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    data = data.replace(b"<title>T", b"<title>K\xf6ln")
    assert read_bytes(data)[0].title == "Köln"


def test_an_rss_feed_is_not_wxr():
    with pytest.raises(WxrError) as raised:
        records("not-wxr.xml")
    assert str(raised.value) == (
        "Not a WordPress export (WXR): an RSS feed without WordPress's export namespace"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<!DOCTYPE html>\n<html><head><meta charset=utf-8>", "the root element is <html>"),
        (b'<?xml version="1.0"?>\n<html lang="de"><body/></html>', "the root element is <html>"),
        (b'<?xml version="1.0"?>\n<feed xmlns="urn:x"/>', "the root element is <feed>"),
        (b'{"posts": []}', "the file is not XML"),
        (b"<rss><item/></rss>", "the file has no <channel>"),
    ],
)
def test_other_files_are_not_wxr(data, message):
    with pytest.raises(WxrError) as raised:
        read_bytes(data)
    assert str(raised.value) == f"Not a WordPress export (WXR): {message}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n", "The file is empty"),
        (b'<?xml version="1.0"?>\n<!-- cut', "The file ends before its first element: "),
        ("<rss/>".encode("utf-16"), "The file is UTF-16 or UTF-32 encoded: "),
    ],
)
def test_empty_and_odd_files(data, message):
    with pytest.raises(WxrError) as raised:
        read_bytes(data)
    assert str(raised.value).startswith(message)


def test_broken_xml_names_the_line():
    with pytest.raises(WxrError) as raised:
        read_bytes(wxr_document(body="<wp:status>x</wp:sta>"))
    assert str(raised.value).startswith(
        "The file is not well-formed XML (line 8): Opening and ending tag mismatch"
    )


def test_a_missing_file():
    with pytest.raises(WxrError) as raised:
        list(read("/nonexistent/nothing-here.xml"))
    assert str(raised.value) == (
        "Cannot open /nonexistent/nothing-here.xml: No such file or directory"
    )


# -- DTDs: entity expansion and external entities ------------------------------------------

DTD_REFUSED = (
    "The file declares a DTD/entities; WordPress never writes one: refused "
    "(entity expansion / external entities are not read)"
)


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_dtd_fixtures_are_refused_before_any_record(name):
    seen = []
    with pytest.raises(WxrError) as raised:
        for record in read(FIXTURES / name):
            seen.append(record)
    assert str(raised.value) == DTD_REFUSED
    assert seen == []


def xxe_reading(secret_path):
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_path}">]>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>&xxe;</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&xxe;</title><content:encoded>&xxe;</content:encoded><wp:post_id>1</wp:post_id></item>
</channel></rss>
""".encode()


def collect_until_error(data):
    seen = []
    with pytest.raises(WxrError) as raised:
        for record in read(io.BytesIO(data)):
            seen.append(record)
    return seen, str(raised.value)


def test_xxe_does_not_read_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    seen, message = collect_until_error(xxe_reading(secret))
    assert message == DTD_REFUSED
    assert "TOP-SECRET-7f3a" not in repr(seen)


def test_behind_the_prolog_check_the_parser_refuses_a_dtd_too(tmp_path, monkeypatch):
    """Were the prolog check to miss a DTD, the parser neither loads the
    external entity nor goes on past it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    monkeypatch.setattr(wxr_input, "_scan_prolog", lambda head, final: "")
    seen, message = collect_until_error(xxe_reading(secret))
    assert message == DTD_REFUSED
    assert seen == []
    assert "TOP-SECRET-7f3a" not in repr(seen)
    with pytest.raises(WxrError):
        records("billion-laughs.xml")


# -- streaming: memory stays flat in the file size -----------------------------------------------

BIG_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Big</title>
\t<wp:wxr_version>1.2</wp:wxr_version>
"""


def _big_comment(wp_id):
    return f"""\t\t<wp:comment>
\t\t\t<wp:comment_id>{wp_id}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[Reader {wp_id}]]></wp:comment_author>
\t\t\t<wp:comment_author_email><![CDATA[reader{wp_id}@example.org]]></wp:comment_author_email>
\t\t\t<wp:comment_date_gmt><![CDATA[2020-01-01 09:00:00]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[{"Comment text. " * 20}]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
\t\t</wp:comment>
"""


def _big_item(wp_id, comments):
    return (
        f"""\t<item>
\t\t<title><![CDATA[Post {wp_id}]]></title>
\t\t<content:encoded><![CDATA[{"Paragraph text. " * 100}]]></content:encoded>
\t\t<wp:post_id>{wp_id}</wp:post_id>
\t\t<wp:post_type><![CDATA[post]]></wp:post_type>
\t\t<wp:status><![CDATA[publish]]></wp:status>
"""
        + "".join(_big_comment(wp_id * 100 + n) for n in range(comments))
        + "\t</item>\n"
    )


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """About 20 MB: 2,400 posts with 10 comments each."""
    path = tmp_path_factory.mktemp("wxr") / "big.xml"
    with open(path, "w", encoding="utf-8") as file:
        file.write(BIG_HEAD)
        for wp_id in range(1, 2401):
            file.write(_big_item(wp_id, 10))
        file.write("</channel>\n</rss>\n")
    assert path.stat().st_size > 19 * 2**20
    return path


def _resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux's /proc")
def test_memory_stays_flat_while_reading_a_big_export(big_export):
    """Python's heap (tracemalloc) and the parser's tree (resident memory,
    which tracemalloc does not see) both stay far below the file's size."""
    bound = 16 * 2**20
    resident_before = resident_peak = _resident_bytes()
    items = comments = 0
    tracemalloc.start()
    try:
        for record in read(big_export):
            if isinstance(record, Item):
                items += 1
                comments += len(record.comments)
                if items % 100 == 0:
                    resident_peak = max(resident_peak, _resident_bytes())
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (items, comments) == (2400, 24000)
    assert python_peak < bound
    assert resident_peak - resident_before < bound
