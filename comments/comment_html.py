"""Comment HTML from elsewhere (a WordPress comment, a fediverse reply) as the
text a commenter here would have typed,
so that it goes through the same renderer as every new comment (escaped,
autolinked, @-mentions resolved, sanitized) instead of being trusted as HTML.

WordPress stores what the commenter typed, with the few tags it allows
(a, abbr, b, blockquote, cite, code, del, em, i, q, s, strike, strong) and raw
line breaks, which it turns into paragraphs only when showing them. Here:
strong and b become **…**, code becomes `…`, a link becomes its address (the
renderer links it again; a link text that is not the address is kept before
it), a quote becomes its own paragraph in „…“, and every other tag goes, its
text kept.
"""

import re
from html.parser import HTMLParser

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPACES = re.compile(r"[ \t]+")
_HIDDEN = {"script", "style"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []  # href, where its text starts
        self.hidden = 0  # inside script or style: no text a reader saw

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "code":
            self.out.append("`")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("p", "div"):
            self.out.append("\n\n")
        elif tag == "blockquote":
            self.out.append("\n\n„")
        elif tag == "q":
            self.out.append("„")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "code":
            self.out.append("`")
        elif tag in ("p", "div"):
            self.out.append("\n\n")
        elif tag == "blockquote":
            self.out.append("“\n\n")
        elif tag == "q":
            self.out.append("“")
        elif tag == "a" and self.links:
            self._close_link(*self.links.pop())

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)

    def _close_link(self, href, start):
        text = "".join(self.out[start:]).strip()
        href = href.strip()
        if not href.lower().startswith(("http://", "https://")):
            return  # no web address (mailto:, javascript:…): its text alone stays
        if text.lower().startswith("www.") and href.split("://", 1)[-1] == text:
            self.out[start:] = [text]  # typed as www.…, which the renderer links again
        elif text in (href, href.rstrip("/"), href.split("://", 1)[-1].rstrip("/")):
            self.out[start:] = [href]
        else:
            self.out[start:] = [f"{text} ({href})" if text else href]


def to_comment_text(html: str) -> str:
    """The text a reader would have typed for this comment HTML."""
    parser = _Text()
    parser.feed((html or "").replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    text = "".join(parser.out)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    text = text.replace("****", "")  # an empty <strong></strong>
    return _BLANK_LINES.sub("\n\n", text)
