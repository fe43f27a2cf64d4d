"""What a WXR file holds, as plain records: the reader (wxr.py) yields them,
the importer maps them onto this blog, the exporter writes them back out.
Texts are as WordPress stored them (HTML where WordPress has HTML); dates are
naive `datetime`s exactly as written (GMT ones are UTC; local ones are in the
exporting site's time zone); a missing GMT date ("0000-00-00 00:00:00") is None.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Channel:
    title: str = ""
    link: str = ""  # the site's address, e.g. https://blog.example.org
    description: str = ""
    language: str = ""
    wxr_version: str = ""  # "1.0", "1.1" or "1.2"
    base_site_url: str = ""
    base_blog_url: str = ""


@dataclass
class Author:
    wp_id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category (taxonomy "category"), a tag ("post_tag") or another term."""

    taxonomy: str
    slug: str
    name: str = ""
    parent_slug: str = ""
    description: str = ""
    wp_id: int | None = None


@dataclass
class ItemTerm:
    """A term an item is filed under (<category domain="post_tag" nicename="...">)."""

    taxonomy: str  # "category", "post_tag", ...
    slug: str
    name: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: datetime | None = None  # comment_date, the site's local time
    date_gmt: datetime | None = None
    content: str = ""
    approved: str = "1"  # "1", "0", "spam", "trash", "post-trashed"
    type: str = ""  # "" or "comment", "pingback", "trackback", "webmention", plugin types
    parent: int = 0  # wp_id of the parent comment, 0 for none
    user_id: int = 0  # wp_id of the author's WordPress user, 0 for a guest


@dataclass
class Item:
    wp_id: int
    post_type: str  # "post", "page", "attachment", "nav_menu_item", ...
    status: str  # "publish", "draft", "future", "private", "pending", "trash", "inherit"
    title: str = ""
    link: str = ""  # the old permalink
    slug: str = ""  # post_name
    guid: str = ""
    creator: str = ""  # the author's login (dc:creator)
    content: str = ""
    excerpt: str = ""
    date: datetime | None = None  # post_date, local
    date_gmt: datetime | None = None
    modified: datetime | None = None  # post_modified, local
    modified_gmt: datetime | None = None
    comment_status: str = "open"
    ping_status: str = "open"
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    attachment_url: str = ""
    is_sticky: bool = False
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # wp:postmeta key → value (last wins)
    comments: list[Comment] = field(default_factory=list)
