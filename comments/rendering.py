"""A comment body, typed as plain text, rendered once to safe HTML.

The output is stored and later printed with |safe, so it must be inert whatever was typed.
Code spans, links and @-mentions are found first and set aside as finished, escaped pieces
("atoms"); the rest is escaped before **strong** adds its tags. So no mark can ever land
inside an attribute, and nh3 with a strict allow-list has the last word.

A single pair of asterisks stays as typed, as WordPress shows it: "*Autsch*" is a sound,
not a style, and nobody should have to escape a star. Only a double pair makes text strong.
An @-mention links to the comment's permalink (/comments/<id>/), which finds the comment on
whichever page of the discussion it stands, from a page, a feed or a reader's own list.
"""

import re
from collections.abc import Callable, Sequence
from html import escape

import nh3
from django.urls import reverse

from comments.mentions import Candidate, find_mentions, resolve

ALLOWED_TAGS = {"p", "br", "a", "strong", "code"}
LINK_REL = "nofollow ugc noopener"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_ATOM = re.compile(r"\x00(\d+)\x01")
_CODE = re.compile(r"`([^`\n]+)`")
_URL = re.compile(r"\b(?:https?://|www\.)[^\W_][^\s<>\"'`\x00\x01]*", re.IGNORECASE)
_TRAILING = ".,;:!?*'\"»“”’"
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MENTION_LINK = re.compile(r'(<a class="mention" href="([^"]*)") rel="[^"]*"')
_ID = 4242  # any comment id: the permalink pattern is read from the URLconf with it

Hold = Callable[[str], str]


def render_body(text: str, candidates: Sequence[Candidate] = ()) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return sanitize("".join(_paragraph(p, candidates) for p in paragraphs))


def strip_controls(text: str, *, single_line: bool = False) -> str:
    """Control characters have no place in stored text (XML 1.0 forbids them, so
    one would break every feed): a text keeps tabs and line breaks, a name, an
    address or a title keeps none."""
    return (_LINE_CONTROL if single_line else _CONTROL).sub("", text or "")


def count_links(text: str) -> int:
    """How many web addresses a text holds, as a spammer's signature."""
    return len(_URL.findall(text))


def _paragraph(text: str, candidates: Sequence[Candidate]) -> str:
    lines = (_inline(line.strip(), candidates) for line in text.split("\n"))
    return f"<p>{'<br>'.join(lines)}</p>"


def _inline(line: str, candidates: Sequence[Candidate]) -> str:
    """Atoms are cut out of the raw text so an entity never splits a URL or a name;
    control characters were stripped, so the \\x00…\\x01 markers cannot be forged."""
    atoms: list[str] = []

    def hold(html: str) -> str:
        atoms.append(html)
        return f"\x00{len(atoms) - 1}\x01"

    text = _CODE.sub(lambda m: hold(f"<code>{escape(m[1])}</code>"), line)
    text = _URL.sub(lambda m: _link(m[0], hold), text)
    text = _mentions(text, candidates, hold)
    text = _STRONG.sub(r"<strong>\1</strong>", escape(text))
    return _ATOM.sub(lambda m: atoms[int(m[1])], text)


def _link(url: str, hold: Hold) -> str:
    url, trail = _split_trailing(url)
    href = url if url.lower().startswith("http") else f"http://{url}"
    return hold(f'<a href="{escape(href)}">{escape(url)}</a>') + trail


def _split_trailing(url: str) -> tuple[str, str]:
    """Sentence punctuation after a URL is not part of it; a closing parenthesis is,
    when the URL opened one (Wikipedia's "Foo_(bar)")."""
    end = len(url)
    while end:
        char = url[end - 1]
        unbalanced = char == ")" and url.count("(", 0, end) < url.count(")", 0, end)
        if char not in _TRAILING and not unbalanced:
            break
        end -= 1
    return url[:end], url[end:]


def _mentions(text: str, candidates: Sequence[Candidate], hold: Hold) -> str:
    out, last = [], 0
    for start, end, token in find_mentions(text):
        found = resolve(token, candidates)
        if found is None:
            continue
        href = comment_permalink(found.comment_id)
        link = f'<a class="mention" href="{escape(href)}">@{escape(token)}</a>'
        out += [text[last:start], hold(link)]
        last = end
    return "".join(out) + text[last:]


def comment_permalink(comment_id: int) -> str:
    """/comments/<id>/: it redirects to the right page and anchor of the discussion."""
    return reverse("comments:goto", args=[comment_id])


def _is_permalink(url: str) -> bool:
    head, _, tail = comment_permalink(_ID).partition(str(_ID))
    return bool(re.fullmatch(f"{re.escape(head)}\\d+{re.escape(tail)}", url))


def sanitize(html: str) -> str:
    """The last line of defence, should the steps above ever let markup through.
    nh3 puts rel on every link; mention links stay on this site and drop it."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        tag_attribute_values={"a": {"class": {"mention"}}},
        url_schemes={"http", "https"},
        url_relative=_permalink_only,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return _MENTION_LINK.sub(lambda m: m[1] if _is_permalink(m[2]) else m[0], cleaned)


def _permalink_only(url: str) -> str | None:
    return url if _is_permalink(url) else None
