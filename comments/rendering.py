"""A comment body, typed as plain text, rendered once to safe HTML.

Everything the reader typed is escaped first; only then are a few marks
(**strong**, *emphasis*, `code`), links and @-mentions turned into tags, and
nh3 removes anything outside a strict allow-list as a last line of defence.
"""

import re
from collections.abc import Sequence
from html import escape

import nh3

from comments.mentions import Candidate, resolve

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)»“”'’"
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MENTION = re.compile(r"(?<![\w@&#;/])@([^\W_][\w.\-]*\w|[^\W_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "code"}


def _link(match):
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        trail = url[-1] + trail
        url = url[:-1]
    href = url if url.lower().startswith("http") else "http://" + url
    return f'<a href="{href}">{url}</a>{trail}'


def _mentions(text, candidates):
    def replace(match):
        found = resolve(match.group(1), candidates)
        if found is None:
            return match.group(0)
        return f'<a class="mention" href="#comment-{found.comment_id}">{match.group(0)}</a>'

    return _MENTION.sub(replace, text)


def _inline(text, candidates):
    """Format one escaped paragraph; code spans are kept out of all formatting."""
    pieces = _CODE.split(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"<code>{piece}</code>")
            continue
        piece = _URL.sub(_link, piece)
        piece = _mentions(piece, candidates)
        piece = _STRONG.sub(r"<strong>\1</strong>", piece)
        out.append(_EMPHASIS.sub(r"<em>\1</em>", piece))
    return "".join(out)


def render_body(text: str, candidates: Sequence[Candidate] = ()) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(
        "<p>" + _inline(escape(p.strip(), quote=True), candidates).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
    return _sanitize(html)


def count_links(text: str) -> int:
    """How many web addresses a text holds, as a spammer's signature."""
    return len(_URL.findall(text))


def _attribute_filter(tag, attribute, value):
    if tag == "a" and attribute == "class":
        return value if value == "mention" else None
    return value


_MENTION_REL = re.compile(r'(<a class="mention" href="#comment-\d+") rel="[^"]*"')


def _sanitize(html):
    """nh3 has the last word; mention links point inside the page and need no rel."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "class"}},
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
    return _MENTION_REL.sub(r"\1", cleaned)
