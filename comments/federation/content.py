"""HTML across the border: what the blog sends is sanitized to the few tags
fediverse servers keep; what a remote server sends becomes comment text,
rendered here by the same renderer as every comment, never trusted as HTML."""

import nh3
from bs4 import BeautifulSoup

from comments.comment_html import to_comment_text

SENT_TAGS = {
    "p", "br", "a", "strong", "b", "em", "i", "u", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "span",
}  # fmt: skip


def sanitize(html: str) -> str:
    """A post's or comment's HTML as it leaves the blog: allowed tags, links
    with an http(s) address only."""
    return nh3.clean(
        html or "",
        tags=SENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def _drop_mentions_of(soup, own_actor_urls):
    """Mastodon puts "@blog@host" before a reply to the blog: it addresses
    the reply, it is no part of what the person said."""
    for anchor in soup.find_all("a", href=True):
        classes = anchor.get("class") or []
        if "mention" not in classes:
            continue
        card = (
            anchor.parent
            if anchor.parent and "h-card" in (anchor.parent.get("class") or [])
            else anchor
        )
        if anchor["href"] in own_actor_urls:
            card.decompose()
        else:
            card.replace_with(anchor.get_text())  # @name, #tag: their text, no link


def note_text(html: str, own_actor_urls=()) -> str:
    """A fediverse note's HTML as comment text."""
    soup = BeautifulSoup(html or "", "html.parser")
    _drop_mentions_of(soup, set(own_actor_urls))
    return to_comment_text(str(soup))
