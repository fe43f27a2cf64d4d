"""Read a WordPress eXtended RSS (WXR) export as a stream of plain records.

Exports run to hundreds of megabytes, so the file is parsed as a stream with
lxml's `iterparse` and every finished element is dropped at once: memory stays
flat in the file size. The parser never expands entities nor loads anything
from outside the file; a DTD is refused before it reaches the parser
(wxr_input.py) and again by the parser's own account here. Whatever is wrong
with a file (not WXR, cut off, not UTF-8) comes out as one `WxrError` line the
user can act on.
"""

import os
import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from .records import Author, Channel, Comment, Item, ItemTerm, Term
from .wxr_input import DTD_REFUSED, Stream, WxrError, gunzipped, open_wxr

__all__ = ["Record", "WxrError", "open_wxr", "read"]

Record = Channel | Author | Term | Item

_WP_NS = re.compile(r"^https?://(?:www\.)?wordpress\.(?:org|com)/export/(\d+\.\d+)/?$")
_EXCERPT_NS = re.compile(r"^https?://(?:www\.)?wordpress\.(?:org|com)/.*excerpt")
_NAMESPACE_KINDS = {
    "": "",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_MYSQL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def read(source) -> Iterator[Record]:
    """Yield the Channel, then Authors and Terms, then each Item with its
    comments, in file order. `source` is a path or a binary file object
    (gzip or not); a path is closed when the iteration ends."""
    if isinstance(source, str | os.PathLike):
        file = open_wxr(source)
        try:
            yield from _read_stream(file)
        finally:
            file.close()
    else:
        yield from _read_stream(gunzipped(source))


def _read_stream(raw) -> Iterator[Record]:
    stream = Stream(raw)
    events = etree.iterparse(
        stream,
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    reader = _Reader()
    try:
        for _event, element in events:
            yield from reader.on_end(element)
    except etree.XMLSyntaxError as error:
        raise stream.explain(error) from None
    yield from reader.finish()


class _Names(dict):
    """Element tag → (namespace kind, local name), whichever version of the
    WordPress namespaces a file uses."""

    version = ""  # from the first WordPress export namespace met

    def __missing__(self, tag):
        uri, local = tag[1:].split("}", 1) if tag.startswith("{") else ("", tag)
        kind = _NAMESPACE_KINDS.get(uri)
        if kind is None:
            wp = _WP_NS.match(uri)
            if wp:
                kind = "wp"
                self.version = self.version or wp.group(1)
            else:
                kind = "excerpt" if _EXCERPT_NS.match(uri) else "other"
        self[tag] = kind, local
        return kind, local


class _Reader:
    """Turns the end events of the channel's children into records."""

    def __init__(self):
        self.names = _Names()
        self.channel = Channel()
        self.channel_element = None
        self.root = None
        self.announced = False

    def on_end(self, element) -> Iterator[Record]:
        parent = element.getparent()
        if self.channel_element is None:
            if self.root is None:
                self._check_document(element)
            if parent is None or parent.tag != "channel" or parent.getparent() is not self.root:
                return
            self.channel_element = parent
        elif parent is not self.channel_element:
            return
        tag = element.tag
        if isinstance(tag, str):
            kind, local = self.names[tag]
            builder = _CHANNEL_RECORDS.get((kind, local))
            if builder is not None:
                yield from self._announce()
                yield builder(element, self.names)
            elif not self.announced:
                _set_channel_field(self.channel, kind, local, element)
        _release(element)

    def finish(self) -> Iterator[Record]:
        if self.channel_element is None:
            raise WxrError("Not a WordPress export (WXR): the file has no <channel>")
        yield from self._announce()

    def _check_document(self, element):
        """The parser's own view, behind the prolog check: no DTD, root <rss>."""
        tree = element.getroottree()
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise WxrError(DTD_REFUSED)
        self.root = tree.getroot()
        if self.root.tag != "rss":
            raise WxrError(f"Not a WordPress export (WXR): the root element is <{self.root.tag}>")

    def _announce(self) -> Iterator[Channel]:
        if self.announced:
            return
        self.announced = True
        version = self.channel.wxr_version or self._namespace_version()
        if not version:
            raise WxrError(
                "Not a WordPress export (WXR): an RSS feed without WordPress's export namespace"
            )
        self.channel.wxr_version = version
        yield self.channel

    def _namespace_version(self) -> str:
        declared = self.root.nsmap if self.root is not None else {}
        for uri in sorted(declared.values(), key=lambda uri: uri != declared.get("wp")):
            match = _WP_NS.match(uri)
            if match:
                return match.group(1)
        return self.names.version


def _release(element):
    """Drop a finished child of the channel and everything before it."""
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]


_CHANNEL_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("", "description"): "description",
    ("", "language"): "language",
    ("wp", "wxr_version"): "wxr_version",
    ("wp", "base_site_url"): "base_site_url",
    ("wp", "base_blog_url"): "base_blog_url",
}


def _set_channel_field(channel, kind, local, element):
    name = _CHANNEL_FIELDS.get((kind, local))
    if name is not None:
        text = _text(element)
        setattr(channel, name, text if name in ("title", "description") else text.strip())


# -- field values -------------------------------------------------------------


def _text(element) -> str:
    """The text exactly as stored (CDATA or escaped); markup that was left
    unescaped inside the element is kept as markup."""
    if len(element) == 0:
        return element.text or ""
    inner = (etree.tostring(child, encoding="unicode") for child in element)
    return (element.text or "") + "".join(inner)


def _str(element) -> str:
    return (element.text or "").strip()


def _int(element) -> int:
    try:
        return int((element.text or "").strip())
    except ValueError:
        return 0


def _id(element) -> int | None:
    try:
        return int((element.text or "").strip())
    except ValueError:
        return None


def _date(element) -> datetime | None:
    """A MySQL "YYYY-MM-DD HH:MM:SS" as a naive datetime; WordPress's
    "0000-00-00 00:00:00" (no date), an empty or an impossible one is None."""
    text = (element.text or "").strip()
    if not _MYSQL_DATE.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _flag(element) -> bool:
    return _int(element) != 0


def _fill(record, element, names, fields):
    """Set the record's fields from the element's children, per `fields`:
    local name in the wp namespace → (attribute, converter)."""
    for child in element:
        if isinstance(child.tag, str):
            kind, local = names[child.tag]
            field = fields.get((kind, local))
            if field is not None:
                setattr(record, field[0], field[1](child))
    return record


_AUTHOR_FIELDS = {
    ("wp", "author_id"): ("wp_id", _id),
    ("wp", "author_login"): ("login", _str),
    ("wp", "author_email"): ("email", _str),
    ("wp", "author_display_name"): ("display_name", _text),
    ("wp", "author_first_name"): ("first_name", _text),
    ("wp", "author_last_name"): ("last_name", _text),
}

_TERM_FIELDS = {
    ("wp", "term_id"): ("wp_id", _id),
    ("wp", "term_taxonomy"): ("taxonomy", _str),
    **{("wp", name): ("slug", _str) for name in ("category_nicename", "tag_slug", "term_slug")},
    **{("wp", name): ("parent_slug", _str) for name in ("category_parent", "term_parent")},
    **{("wp", name): ("name", _text) for name in ("cat_name", "tag_name", "term_name")},
    **{
        ("wp", name): ("description", _text)
        for name in ("category_description", "tag_description", "term_description")
    },
}

_COMMENT_FIELDS = {
    ("wp", "comment_id"): ("wp_id", _int),
    ("wp", "comment_author"): ("author", _text),
    ("wp", "comment_author_email"): ("author_email", _str),
    ("wp", "comment_author_url"): ("author_url", _str),
    ("wp", "comment_author_IP"): ("author_ip", _str),
    ("wp", "comment_date"): ("date", _date),
    ("wp", "comment_date_gmt"): ("date_gmt", _date),
    ("wp", "comment_content"): ("content", _text),
    ("wp", "comment_approved"): ("approved", _str),
    ("wp", "comment_type"): ("type", _str),
    ("wp", "comment_parent"): ("parent", _int),
    ("wp", "comment_user_id"): ("user_id", _int),
}

_ITEM_FIELDS = {
    ("", "title"): ("title", _text),
    ("", "link"): ("link", _str),
    ("", "guid"): ("guid", _str),
    ("dc", "creator"): ("creator", _str),
    ("content", "encoded"): ("content", _text),
    ("excerpt", "encoded"): ("excerpt", _text),
    ("wp", "post_id"): ("wp_id", _int),
    ("wp", "post_date"): ("date", _date),
    ("wp", "post_date_gmt"): ("date_gmt", _date),
    ("wp", "post_modified"): ("modified", _date),
    ("wp", "post_modified_gmt"): ("modified_gmt", _date),
    ("wp", "comment_status"): ("comment_status", _str),
    ("wp", "ping_status"): ("ping_status", _str),
    ("wp", "post_name"): ("slug", _str),
    ("wp", "status"): ("status", _str),
    ("wp", "post_parent"): ("parent", _int),
    ("wp", "menu_order"): ("menu_order", _int),
    ("wp", "post_type"): ("post_type", _str),
    ("wp", "post_password"): ("password", _text),
    ("wp", "is_sticky"): ("is_sticky", _flag),
    ("wp", "attachment_url"): ("attachment_url", _str),
}


def _author(element, names) -> Author:
    return _fill(Author(wp_id=None, login=""), element, names, _AUTHOR_FIELDS)


def _term(taxonomy):
    def build(element, names) -> Term:
        return _fill(Term(taxonomy=taxonomy, slug=""), element, names, _TERM_FIELDS)

    return build


def _item(element, names) -> Item:
    # A missing type or status must not publish anything: "post", "draft".
    item = _fill(Item(wp_id=0, post_type="post", status="draft"), element, names, _ITEM_FIELDS)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        kind, local = names[child.tag]
        if (kind, local) == ("", "category"):
            term = _item_term(child)
            if term is not None:
                item.terms.append(term)
        elif (kind, local) == ("wp", "postmeta"):
            _add_meta(item.meta, child, names)
        elif (kind, local) == ("wp", "comment"):
            item.comments.append(_fill(Comment(wp_id=0), child, names, _COMMENT_FIELDS))
    return item


def _item_term(element) -> ItemTerm | None:
    """<category domain="post_tag" nicename="slug">Name</category>; the bare
    <category>Name</category> that old exports add beside it is a duplicate."""
    slug = element.get("nicename")
    if slug is None:
        return None
    taxonomy = element.get("domain") or "category"
    taxonomy = "post_tag" if taxonomy == "tag" else taxonomy  # WXR 1.0 wrote "tag"
    return ItemTerm(taxonomy=taxonomy, slug=slug.strip(), name=_text(element))


def _add_meta(meta, element, names):
    key = value = None
    for child in element:
        if isinstance(child.tag, str):
            kind, local = names[child.tag]
            if (kind, local) == ("wp", "meta_key"):
                key = _text(child)
            elif (kind, local) == ("wp", "meta_value"):
                value = _text(child)
    if key is not None:
        meta[key] = value or ""


_CHANNEL_RECORDS = {
    ("wp", "author"): _author,
    ("wp", "category"): _term("category"),
    ("wp", "tag"): _term("post_tag"),
    ("wp", "term"): _term(""),
    ("", "item"): _item,
}
