"""WXR 1.2 written as WordPress's own exporter writes it (export_wp() in
wp-admin/includes/export.php, WordPress 5.7 and later): the same elements in
the same order, the same namespaces, the same lines and CDATA sections, so that
WordPress's importer reads the file with any of its parsers, including the
line-based fallback that expects an author on one line and <item> on its own.

The writer knows only the plain records of records.py, never a model: the
exporter, the tests and the benchmark all write their files with it. Items and
their comments may be generators; each is written as it comes, so a blog of
any size is exported in constant memory.

Unlike WordPress, every text is made valid XML 1.0: characters XML forbids
(control characters, lone surrogates, U+FFFE/U+FFFF) are removed, and what is
not in CDATA is escaped.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from comments.wordpress.records import Author, Channel, Comment, Item, Term

WXR_VERSION = "1.2"
NAMESPACES = {
    "excerpt": f"http://wordpress.org/export/{WXR_VERSION}/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": f"http://wordpress.org/export/{WXR_VERSION}/",
}
NO_DATE = "0000-00-00 00:00:00"  # WordPress's date that was never set
GENERATOR = "Kommentar"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_PREAMBLE = """\
<!-- A WordPress eXtended RSS (WXR) file written by {generator}: posts, their comments, -->
<!-- authors, categories and tags. It holds email and IP addresses: keep it private. -->
<!-- To load it into WordPress: Tools > Import > WordPress, then upload this file. -->

"""


def clean(value) -> str:
    """A text with only the characters XML 1.0 allows."""
    return _NOT_XML.sub("", str(value or ""))


def cdata(value) -> str:
    """WordPress's wxr_cdata: a CDATA section, a "]]>" inside it split in two."""
    return "<![CDATA[" + clean(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value) -> str:
    return escape(clean(value))


def mysql_date(value: datetime | None) -> str:
    """A date as WordPress stores it: "Y-m-d H:i:s", or its zero date."""
    if value is None:
        return NO_DATE
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )


def rfc822(value: datetime | None) -> str:
    """A UTC date as RSS wants it: "Wed, 02 Dec 2026 18:04:31 +0000"."""
    if value is None:
        return ""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return format_datetime(value.replace(microsecond=0))


def write(
    out: TextIO,
    channel: Channel,
    authors: Iterable[Author],
    terms: Iterable[Term],
    items: Iterable[Item],
    *,
    now: datetime | None = None,
    generator: str = GENERATOR,
) -> None:
    """Write a whole WXR document to a text stream, one item at a time."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    name = clean(generator).replace("--", "- -")  # "--" would end an XML comment
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
    out.write(_PREAMBLE.format(generator=name))
    out.write(f'<!-- generator="{name}" created="{now:%Y-%m-%d %H:%M}" -->\n')
    out.write('<rss version="2.0"\n')
    for prefix, uri in NAMESPACES.items():
        out.write(f'\txmlns:{prefix}="{uri}"\n')
    out.write(">\n\n<channel>\n")
    out.write(_channel(channel, now))
    for author in authors:
        out.write(_author(author))
    out.write("\n")
    for term, wp_id in _terms_in_order(terms):
        out.write(_term(term, wp_id))
    out.write("\n")
    for item in items:
        _write_item(out, item)
    out.write("</channel>\n</rss>\n")


def _channel(channel: Channel, now: datetime) -> str:
    blog_url = channel.base_blog_url or channel.link
    return (
        f"\t<title>{text(channel.title)}</title>\n"
        f"\t<link>{text(channel.link)}</link>\n"
        f"\t<description>{text(channel.description)}</description>\n"
        f"\t<pubDate>{rfc822(now)}</pubDate>\n"
        f"\t<language>{text(channel.language)}</language>\n"
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
        f"\t<wp:base_site_url>{text(channel.base_site_url or blog_url)}</wp:base_site_url>\n"
        f"\t<wp:base_blog_url>{text(blog_url)}</wp:base_blog_url>\n\n"
    )


def _author(author: Author) -> str:
    """One line, as the importer's line-based parser needs it."""
    return (
        "\t<wp:author>"
        f"<wp:author_id>{int(author.wp_id or 0)}</wp:author_id>"
        f"<wp:author_login>{cdata(author.login)}</wp:author_login>"
        f"<wp:author_email>{cdata(author.email)}</wp:author_email>"
        f"<wp:author_display_name>{cdata(author.display_name)}</wp:author_display_name>"
        f"<wp:author_first_name>{cdata(author.first_name)}</wp:author_first_name>"
        f"<wp:author_last_name>{cdata(author.last_name)}</wp:author_last_name>"
        "</wp:author>\n"
    )


def _terms_in_order(terms: Iterable[Term]) -> list[tuple[Term, int]]:
    """Categories, then tags, then other terms, as WordPress writes them; within
    a taxonomy no child before its parent (the importer looks parents up as it
    goes). A term without an id gets one that no other term has."""
    terms = list(terms)
    next_id = max((term.wp_id or 0 for term in terms), default=0)
    ids = {}
    for term in terms:
        if not term.wp_id:
            next_id += 1
        ids[id(term)] = term.wp_id or next_id
    rank = {"category": 0, "post_tag": 1}
    ordered: list[Term] = []
    for group in (0, 1, 2):
        ordered += _parents_first([t for t in terms if rank.get(t.taxonomy, 2) == group])
    return [(term, ids[id(term)]) for term in ordered]


def _parents_first(terms: list[Term]) -> list[Term]:
    placed: set[tuple[str, str]] = set()
    known = {(t.taxonomy, t.slug) for t in terms}
    result, waiting = [], list(terms)
    while waiting:
        still = []
        for term in waiting:
            parent = (term.taxonomy, term.parent_slug)
            if not term.parent_slug or parent in placed or parent not in known:
                result.append(term)
                placed.add((term.taxonomy, term.slug))
            else:
                still.append(term)
        if len(still) == len(waiting):  # a cycle: write the rest as they are
            result += still
            break
        waiting = still
    return result


def _term(term: Term, wp_id: int) -> str:
    if term.taxonomy == "category":
        return (
            "\t<wp:category>\n"
            f"\t\t<wp:term_id>{wp_id}</wp:term_id>\n"
            f"\t\t<wp:category_nicename>{cdata(term.slug)}</wp:category_nicename>\n"
            f"\t\t<wp:category_parent>{cdata(term.parent_slug)}</wp:category_parent>\n"
            + _optional("\t\t", "wp:cat_name", term.name)
            + _optional("\t\t", "wp:category_description", term.description)
            + "\t</wp:category>\n"
        )
    if term.taxonomy == "post_tag":
        return (
            "\t<wp:tag>\n"
            f"\t\t<wp:term_id>{wp_id}</wp:term_id>\n"
            f"\t\t<wp:tag_slug>{cdata(term.slug)}</wp:tag_slug>\n"
            + _optional("\t\t", "wp:tag_name", term.name)
            + _optional("\t\t", "wp:tag_description", term.description)
            + "\t</wp:tag>\n"
        )
    return (
        "\t<wp:term>\n"
        f"\t\t<wp:term_id>{wp_id}</wp:term_id>\n"
        f"\t\t<wp:term_taxonomy>{cdata(term.taxonomy)}</wp:term_taxonomy>\n"
        f"\t\t<wp:term_slug>{cdata(term.slug)}</wp:term_slug>\n"
        f"\t\t<wp:term_parent>{cdata(term.parent_slug)}</wp:term_parent>\n"
        + _optional("\t\t", "wp:term_name", term.name)
        + _optional("\t\t", "wp:term_description", term.description)
        + "\t</wp:term>\n"
    )


def _optional(indent: str, tag: str, value: str) -> str:
    """WordPress leaves out a term's name or description when it is empty."""
    return f"{indent}<{tag}>{cdata(value)}</{tag}>\n" if value else ""


def _write_item(out: TextIO, item: Item) -> None:
    out.write(_item_head(item))
    for term in item.terms:
        out.write(
            f"\t\t<category domain={quoteattr(clean(term.taxonomy))} "
            f"nicename={quoteattr(clean(term.slug))}>{cdata(term.name)}</category>\n"
        )
    for key, value in item.meta.items():
        out.write(
            "\t\t<wp:postmeta>\n"
            f"\t\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n"
            f"\t\t\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n"
            "\t\t</wp:postmeta>\n"
        )
    for comment in item.comments:
        out.write(_comment(comment))
    out.write("\t</item>\n")


def _item_head(item: Item) -> str:
    attachment = (
        f"\t\t<wp:attachment_url>{cdata(item.attachment_url)}</wp:attachment_url>\n"
        if item.post_type == "attachment"
        else ""
    )
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(item.title)}</title>\n"
        f"\t\t<link>{text(item.link)}</link>\n"
        f"\t\t<pubDate>{rfc822(item.date_gmt or item.date)}</pubDate>\n"
        f"\t\t<dc:creator>{cdata(item.creator)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{text(item.guid)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(item.content)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(item.excerpt)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{int(item.wp_id)}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(mysql_date(item.date))}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(mysql_date(item.date_gmt))}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{cdata(mysql_date(item.modified))}</wp:post_modified>\n"
        "\t\t<wp:post_modified_gmt>"
        f"{cdata(mysql_date(item.modified_gmt))}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{cdata(item.comment_status)}</wp:comment_status>\n"
        f"\t\t<wp:ping_status>{cdata(item.ping_status)}</wp:ping_status>\n"
        f"\t\t<wp:post_name>{cdata(item.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{cdata(item.status)}</wp:status>\n"
        f"\t\t<wp:post_parent>{int(item.parent or 0)}</wp:post_parent>\n"
        f"\t\t<wp:menu_order>{int(item.menu_order or 0)}</wp:menu_order>\n"
        f"\t\t<wp:post_type>{cdata(item.post_type)}</wp:post_type>\n"
        f"\t\t<wp:post_password>{cdata(item.password)}</wp:post_password>\n"
        f"\t\t<wp:is_sticky>{int(bool(item.is_sticky))}</wp:is_sticky>\n"
        f"{attachment}"
    )


def _comment(comment: Comment) -> str:
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{int(comment.wp_id)}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(comment.author)}</wp:comment_author>\n"
        "\t\t\t<wp:comment_author_email>"
        f"{cdata(comment.author_email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{text(comment.author_url)}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{cdata(comment.author_ip)}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{cdata(mysql_date(comment.date))}</wp:comment_date>\n"
        "\t\t\t<wp:comment_date_gmt>"
        f"{cdata(mysql_date(comment.date_gmt))}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{cdata(comment.content)}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{cdata(comment.approved)}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_type>{cdata(comment.type)}</wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{int(comment.parent or 0)}</wp:comment_parent>\n"
        f"\t\t\t<wp:comment_user_id>{int(comment.user_id or 0)}</wp:comment_user_id>\n"
        "\t\t</wp:comment>\n"
    )
