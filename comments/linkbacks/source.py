"""Reading a linkback's source page: does it link to us, what is it called,
and what does it say around the link. Used by all three protocols."""

import logging
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import mf2py
from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector
from bs4.element import NavigableString, TemplateString
from django.utils.text import Truncator

from comments.linkbacks import safe_fetch

logger = logging.getLogger(__name__)

EXCERPT_WORDS = 100
_MARK = "\u2063KOMMENTARLINK\u2063"
_SKIP = ("script", "style", "noscript", "template", "head")
_BLOCKS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
)


class SourceError(Exception):
    """The source cannot be used; the message says why, in English (protocol answers)."""


class SourceMissing(SourceError):
    """It could not be fetched, or answered with an error."""


class SourceGone(SourceMissing):
    """It answered 410 Gone: a stored mention of it must go."""


class NoLink(SourceError):
    """It exists but does not link to the target."""


@dataclass(frozen=True)
class SourcePage:
    url: str
    title: str
    excerpt: str
    author: str = ""


def _normal(url):
    """Compare links loosely: no fragment, host in lower case, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def find_link(soup, base_url, target):
    wanted = _normal(target)
    for anchor in soup.find_all("a", href=True):
        if _normal(urljoin(base_url, anchor["href"])) == wanted:
            return anchor
    return None


def title_of(soup, fallback):
    title = soup.find("title")
    text = " ".join(title.get_text(" ").split()) if title else ""
    return text or fallback


def excerpt_around(soup, anchor, words=EXCERPT_WORDS):
    """About `words` words of the text around the link, the link's own included."""
    holding_the_link = set(map(id, anchor.parents))
    for tag in soup.find_all(_SKIP):
        if id(tag) in holding_the_link:
            tag.unwrap()  # a link in <noscript> or <template> is still a link
        else:
            tag.decompose()
    # Words break at blocks and line breaks only: "<a>dort</a>," stays "dort,".
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(" ")
        tag.insert_after(" ")
    anchor.insert_before(f" {_MARK} ")
    body = soup.body or soup
    # A <template>'s text is kept apart by BeautifulSoup; it counts when the link is in it.
    tokens = body.get_text("", types=(NavigableString, TemplateString)).split()
    try:
        at = tokens.index(_MARK)
    except ValueError:
        return ""
    del tokens[at]
    start = max(at - words // 2, 0)
    return " ".join(tokens[start : start + words])


def _mf2_entry(html, url, target):
    """The h-entry that links to the target (or the first): its author and text."""
    try:
        parsed = mf2py.parse(doc=html, url=url, html_parser="html.parser")
    except Exception:  # a broken document is read the plain way
        logger.info("No microformats read from %s", url, exc_info=True)
        return None
    entries = [item for item in parsed.get("items", []) if "h-entry" in item.get("type", [])]
    if not entries:
        return None
    wanted = _normal(target)
    for entry in entries:
        html_content = " ".join(
            c.get("html", "")
            for c in entry["properties"].get("content", [])
            if isinstance(c, dict)
        )
        if any(_normal(link) == wanted for link in _hrefs(html_content, url)):
            return entry
    return entries[0]


def _hrefs(html, base):
    return [
        urljoin(base, a["href"])
        for a in BeautifulSoup(html, "html.parser").find_all("a", href=True)
    ]


def _mf2_text(entry, name):
    values = entry["properties"].get(name, [])
    if not values:
        return ""
    value = values[0]
    if isinstance(value, dict):
        if "properties" in value:  # an embedded h-card
            return _mf2_text(value, "name")
        return value.get("value", "")
    return str(value)


def inspect(html, source_url, target):
    """What a fetched source says about the target; NoLink if it does not link to it."""
    soup = BeautifulSoup(html, "html.parser")
    anchor = find_link(soup, source_url, target)
    if anchor is None:
        raise NoLink(f"The source does not link to {target}.")
    title = title_of(soup, fallback=urlsplit(source_url).hostname or source_url)
    entry = _mf2_entry(html, source_url, target)
    author = _mf2_text(entry, "author") if entry else ""
    content = " ".join(_mf2_text(entry, "content").split()) if entry else ""
    excerpt = Truncator(content).words(EXCERPT_WORDS, truncate="") if content else ""
    return SourcePage(
        url=source_url,
        title=title,
        excerpt=excerpt or excerpt_around(soup, anchor),
        author=" ".join(author.split()),
    )


def verify(source_url, target):
    """Fetch the source through the safe fetcher and inspect it."""
    try:
        response = safe_fetch.fetch(source_url, headers={"Accept": "text/html, */*;q=0.5"})
    except safe_fetch.FetchError as error:
        raise SourceMissing(f"The source could not be fetched: {error}") from error
    if response.status == 410:
        raise SourceGone("The source is gone (410).")
    if response.status >= 400:
        raise SourceMissing(f"The source answered {response.status}.")
    return inspect(_text(response), response.url, target)


def _text(response):
    """The charset from the Content-Type header, else the page's own <meta>, else UTF-8."""
    if "charset=" in response.headers.get("content-type", "").lower():
        return response.text
    declared = EncodingDetector.find_declared_encoding(response.body, is_html=True)
    if declared:
        try:
            return response.body.decode(declared, errors="replace")
        except (LookupError, UnicodeError):  # unknown, or no text encoding (idna, base64)
            pass
    return response.text
