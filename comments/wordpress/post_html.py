"""WordPress's post markup, read for the body converter (body.py): the block editor's
delimiters, the shortcodes this blog maps, the rich-text cleaner, and the small
questions the converter asks of an HTML tree. Pure functions of their input."""

import json
import re
from html import escape
from urllib.parse import unquote, urlsplit

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag

RICH_TAGS = {"p", "br", "a", "b", "strong", "i", "em", "code", "sup", "sub", "ul", "ol", "li"}
LINK_SCHEMES = {"http", "https", "mailto"}
LANGUAGE_MAX = 30  # CodeBlock's language max_length
MAPPED_SHORTCODES = {"caption", "wp_caption", "embed"}

# Elements that never become content: their text goes with them.
DROPPED = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "form", "input", "textarea", "select", "button", "video", "audio", "canvas",
    "svg", "math", "link", "meta", "title", "base", "head",
}  # fmt: skip
# Elements that end a paragraph (wpautop's list, our embed marker and the root); all
# others are inline, and an unknown one keeps its text.
BLOCK_TAGS = {
    "table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div",
    "dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address",
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section", "article",
    "aside", "hgroup", "header", "footer", "nav", "figure", "figcaption", "details", "menu",
    "summary", "main", "center", "wp-embed", "wp-content",
}  # fmt: skip
# Block-editor blocks whose HTML the converter understands; any other is reported.
KNOWN_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "pullquote", "code", "preformatted",
    "verse", "image", "gallery", "separator", "spacer", "html", "shortcode", "freeform",
    "group", "columns", "column", "more", "nextpage", "table", "audio", "video",
}  # fmt: skip

URL = re.compile(r"https?://[^\s<>\"]+")
# Where classic content starts a new paragraph: a blank line, or a web address alone on
# its line (WordPress's auto-embed takes it out of the text around it).
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n[ \t]*(https?://[^\s<>\"]+)[ \t]*(?=\n)")
LINE_BREAK = "\x00"  # a newline in classic text, until the HTML is written (never input)

_ROOT = "wp-content"  # the element that holds the post while it is walked
_TAG = re.compile(r"<[^>]*>")
_DELIMITER = re.compile(
    r"<!--\s+/?wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+(?:\{.*?\}\s+)?/?-->", re.DOTALL
)
_EMBED_BLOCK = re.compile(
    r"<!--\s+wp:(embed|core-embed/[a-z0-9-]+)\s+(\{.*?\})\s+-->(.*?)<!--\s+/wp:\1\s+-->",
    re.DOTALL,
)
_FIGCAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_EMBED_SHORTCODE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL)
_SHORTCODE = re.compile(r"(?<![\[\w])\[([a-z][a-z0-9_-]*)(?=[\s\]/])[^\[\]]*\](?!\])")
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)|\bbrush:\s*([\w+#.-]+)")
_YOUTUBE_FRAME = re.compile(r"^https://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)")
_EMPTY_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)
_LIST_SPACE = re.compile(r"\s*(</?(?:ul|ol|li)>)\s*")
_EDGE_BREAKS = re.compile(r"(?<=<p>)(?:\s|<br/>)+|(?:\s|<br/>)+(?=</p>)")


def is_block_editor(text: str) -> bool:
    return "<!-- wp:" in text  # WordPress's own test (has_blocks)


def unwrap_blocks(text: str) -> tuple[str, list[str]]:
    """The block editor's HTML without its delimiters, and the names of the blocks it
    used that the converter does not know. An embed keeps its address from the block's
    attributes, which WordPress trusts over the HTML."""
    text = _EMBED_BLOCK.sub(_embed_block, text)
    names = dict.fromkeys(name.removeprefix("core/") for name in _DELIMITER.findall(text))
    return _DELIMITER.sub("\n", text), [name for name in names if name not in KNOWN_BLOCKS]


def _embed_block(match: re.Match) -> str:
    try:
        url = json.loads(match[2]).get("url", "")
    except (ValueError, AttributeError):
        url = ""
    caption = _FIGCAPTION.search(match[3])
    if not url:
        url = next(iter(URL.findall(_TAG.sub(" ", _FIGCAPTION.sub("", match[3])))), "")
    return embed_marker(url) + (f"<p>{caption[1]}</p>" if caption else "")


def expand_shortcodes(text: str) -> str:
    """[embed] and [caption] become markup the converter knows; WordPress expands them
    around its paragraphs, so they stand as blocks of their own."""
    text = _EMBED_SHORTCODE.sub(lambda m: embed_marker(m[1].strip()), text)
    return _CAPTION.sub(_caption_figure, text)


def embed_marker(url: str) -> str:
    return f'\n\n<wp-embed url="{escape(url)}"></wp-embed>\n\n'


def _caption_figure(match: re.Match) -> str:
    """The caption is an attribute in old posts and the text after the image in newer
    ones; a figure with no <figcaption> takes its own text as the caption."""
    attribute = _CAPTION_ATTRIBUTE.search(match[2])
    caption = f"<figcaption>{attribute[1] or attribute[2]}</figcaption>" if attribute else ""
    return f"\n\n<figure>{match[3]}{caption}</figure>\n\n"


def shortcodes_in(blocks: list[dict]) -> set[str]:
    """The shortcodes left in the blocks' text (WordPress would have run them)."""
    texts = []
    for block in blocks:
        if block["type"] == "paragraph":
            texts.append(_TAG.sub(" ", block["value"]))
        elif block["type"] in ("heading", "quote"):
            texts.append(block["value"]["text"])
    return {name for text in texts for name in _SHORTCODE.findall(text)} - MAPPED_SHORTCODES


def parse(text: str) -> BeautifulSoup:
    """Beautiful Soup shortens whitespace between tags to one newline, except in the
    tags it is told to preserve; a blank line there ends a classic paragraph, so the
    whole text goes into such a tag."""
    return BeautifulSoup(
        f"<{_ROOT}>{text}</{_ROOT}>",
        "html.parser",
        preserve_whitespace_tags={"pre", "textarea", _ROOT},
    )


def clean_rich(html: str) -> str:
    """Rich text as Wagtail's editor stores it: only the tags the paragraph block's
    features allow, <b> and <i> for bold and italic, <br/>, links with only an href."""
    html = nh3.clean(
        html,
        tags=RICH_TAGS,
        clean_content_tags=DROPPED - RICH_TAGS,
        attributes={"a": {"href"}, "*": set()},
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    for old, new in (("strong", "b"), ("em", "i")):
        html = html.replace(f"<{old}>", f"<{new}>").replace(f"</{old}>", f"</{new}>")
    html = _EMPTY_LINK.sub(r"\1", html)  # a link whose address was refused
    html = _LIST_SPACE.sub(r"\1", html).replace("<br>", "<br/>")
    return _EDGE_BREAKS.sub("", html)


def has_text(html: str) -> bool:
    return bool(_TAG.sub("", html).strip())


def text_of(node) -> str:
    return str(node) if isinstance(node, NavigableString) else node.get_text()


def one_line(text: str) -> str:
    return " ".join(text.split())


def images_in(nodes: list) -> list[Tag]:
    found = []
    for node in nodes:
        if is_image(node):
            found.append(node)
        elif isinstance(node, Tag):
            found += node.find_all("img")
    return found


def is_image(node) -> bool:
    return isinstance(node, Tag) and node.name == "img"


def lone_image(node) -> Tag | None:
    """The image, when node is an image or a link that holds only an image."""
    if is_image(node):
        return node
    if not isinstance(node, Tag) or node.name != "a":
        return None
    children = [c for c in node.children if not (isinstance(c, NavigableString) and not c.strip())]
    return children[0] if len(children) == 1 and is_image(children[0]) else None


def is_gallery(tag: Tag) -> bool:
    """A list whose every item holds an image."""
    items = tag.find_all("li", recursive=False)
    return bool(items) and all(item.find("img") for item in items)


def lone_url(nodes: list) -> str:
    """The address, when a paragraph holds only a web address (as text, or as a link
    showing its own address)."""
    text = "".join(text_of(node) for node in nodes).strip()
    if not URL.fullmatch(text) or images_in(nodes):
        return ""
    tags = [node for node in nodes if isinstance(node, Tag) and node.name != "br"]
    if any(tag.name != "a" or tag.get("href") != text for tag in tags):
        return ""
    return text


def lone_code(nodes: list) -> Tag | None:
    """A <code> standing alone over several lines: a code block, not inline code."""
    tags = [node for node in nodes if isinstance(node, Tag) and node.name != "br"]
    loose = "".join(str(node) for node in nodes if isinstance(node, NavigableString))
    if len(tags) != 1 or tags[0].name != "code" or loose.strip():
        return None
    code = tags[0]
    return code if code.find("br") or "\n" in code.get_text().strip() else None


def mark_line_breaks(node):
    """Newlines in the text (never in attributes) marked, to become <br> once written."""
    if isinstance(node, NavigableString):
        return NavigableString(str(node).replace("\n", LINE_BREAK))
    for text in node.find_all(string=True):
        if "\n" in text:
            text.replace_with(str(text).replace("\n", LINE_BREAK))
    return node


def outer_html(node) -> str:
    if isinstance(node, NavigableString):
        return escape(str(node), quote=False)
    return str(node)


def multiline_text(tag: Tag) -> str:
    """Plain text that keeps paragraphs and line breaks, as a quote needs them."""
    for br in tag.find_all("br"):
        br.replace_with("\n")
    for block in tag.find_all(BLOCK_TAGS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    lines = "\n".join(one_line(line) for line in tag.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip()


def caption_of(figure: Tag) -> str:
    caption = figure.find("figcaption")
    return one_line((caption or figure).get_text(" "))


def language_of(tag: Tag) -> str:
    """From class="language-x" (Prism, highlight.js) on <pre> or its <code>, or
    SyntaxHighlighter's class="brush: x"."""
    code = tag.find("code")
    classes = [" ".join(t.get("class") or []) for t in (tag, code) if t is not None]
    for found in _LANGUAGE.finditer(" ".join(classes)):
        return (found[1] or found[2]).rstrip(";")[:LANGUAGE_MAX]
    return ""


def image_url(image: Tag) -> str:
    """The image's address: src, or the lazy loaders' data-src when src is a
    placeholder; anything but a web address or a path is no address."""
    for attribute in ("src", "data-src", "data-lazy-src"):
        url = (image.get(attribute) or "").strip()
        scheme = urlsplit(url).scheme.lower()
        if url and (scheme in ("http", "https") or (not scheme and url.startswith("/"))):
            return url
    return ""


def file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def frame_url(src: str) -> str:
    """An <iframe>'s address as its provider's page: YouTube's player address is
    no page its oEmbed knows."""
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    found = _YOUTUBE_FRAME.match(src.replace("http://", "https://", 1))
    return f"https://www.youtube.com/watch?v={found[1]}" if found else src
