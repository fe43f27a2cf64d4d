"""Finding where a linked page takes pings: a Webmention endpoint first
(W3C spec, section 3.1.2), otherwise a pingback server (Pingback 1.0, section 2)."""

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from comments.linkbacks import safe_fetch

# No "<" inside the brackets (no URL has one): with it, a header of many "<"
# took quadratic time (20 s of CPU for 64 kB, which any linked site can send).
_LINK_VALUE = re.compile(r"<([^<>]*)>([^<]*)")
_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    protocol: str  # "webmention" or "pingback"
    url: str


def _rels(value):
    return {rel.lower() for rel in value.split()}


def link_header_urls(header, rel):
    """The URLs of an HTTP Link header with the given rel, in order."""
    found = []
    for url, params in _LINK_VALUE.findall(header or ""):
        match = _REL.search(params)
        if match and rel in _rels(next(g for g in match.groups() if g is not None)):
            found.append(url.strip())
    return found


def html_link(soup, rel, tags=("link", "a")):
    """The first <link> or <a> with that rel and an href, in document order."""
    for element in soup.find_all(tags):
        if rel in _rels(" ".join(element.get("rel") or [])) and element.has_attr("href"):
            return element["href"]
    return None


def _header(response, name):
    return response.headers.get(name.lower()) or response.headers.get(name) or ""


def discover(url):
    """The endpoint of the page at `url`, or None; raises safe_fetch.FetchError."""
    response = safe_fetch.fetch(url, headers={"Accept": "text/html, */*;q=0.5"})
    if response.status >= 400:
        return None
    base = response.url
    for href in link_header_urls(_header(response, "Link"), "webmention"):
        return Endpoint("webmention", urljoin(base, href))
    is_html = "html" in _header(response, "Content-Type").lower()
    soup = BeautifulSoup(response.text, "html.parser") if is_html else None
    if soup is not None:
        href = html_link(soup, "webmention")
        if href is not None:
            return Endpoint("webmention", urljoin(base, href))
    pingback = _header(response, "X-Pingback").strip()
    if pingback:
        return Endpoint("pingback", urljoin(base, pingback))
    if soup is not None:
        href = html_link(soup, "pingback", tags=("link",))
        if href:
            return Endpoint("pingback", urljoin(base, href))
    return None
