"""A WordPress post's HTML turned into this blog's StreamField body.

WordPress stores two kinds of content. Classic posts are loose HTML that WordPress
paragraphs on display (wpautop: a blank line starts a paragraph, a single newline is a
line break, nothing inside <pre> is touched). Block-editor posts are finished HTML
between `<!-- wp:name {json} -->` delimiters, shown as written. Both end up as one HTML
tree, walked once: every element becomes the block that fits it (paragraph, heading,
quote, code, image, embed), and consecutive rich text (paragraphs and lists) shares one
paragraph block, as it would when written in Wagtail's editor.

Nothing from the file reaches a page unchecked: rich text passes nh3 with the tags the
paragraph block's features allow, the other blocks hold plain text (their templates
escape it), and an embed is a web address that Wagtail resolves only when the page is
shown (saving one fetches nothing). An image is never hotlinked: it becomes a Wagtail
image through `image_for` (which downloads it) or a link to where it was.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from wagtail.embeds.finders.oembed import OEmbedFinder

from comments.rendering import strip_controls
from comments.wordpress import post_html as wp

ImageFor = Callable[[str, str], int | None]

HEADING_LEVELS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
HEADING_MAX = 200  # HeadingBlock's max_length

_OEMBED = OEmbedFinder()  # Wagtail's providers; asked which addresses they know, never called


@dataclass
class Converted:
    blocks: list[dict] = field(default_factory=list)  # raw StreamField data for BlogPage.body
    notes: list[str] = field(default_factory=list)  # what could not be mapped, and why
    shortcodes: set[str] = field(default_factory=set)  # shortcodes left as visible text


def convert(html: str, *, image_for: ImageFor | None = None) -> Converted:
    """`image_for(url, alt)` gives a Wagtail image id for an image's address, or None;
    without one, images stay links."""
    text = strip_controls(html or "").replace("\r\n", "\n").replace("\r", "\n")
    converter = _Converter(image_for, classic=not wp.is_block_editor(text))
    if not converter.classic:
        text, unknown = wp.unwrap_blocks(text)
        for name in unknown:
            converter.note(f"block wp:{name} is unknown here: only its HTML was kept")
    converter.convert(wp.expand_shortcodes(text))
    shortcodes = wp.shortcodes_in(converter.blocks)
    for name in sorted(shortcodes):
        converter.note(f"shortcode [{name}] kept as text: it has no counterpart here")
    return Converted(blocks=converter.blocks, notes=converter.notes, shortcodes=shortcodes)


class _Converter:
    """Walks the tree and appends blocks, one method per kind of block."""

    def __init__(self, image_for: ImageFor | None, *, classic: bool):
        self.image_for = image_for
        self.classic = classic
        self.merge = False  # whether the next rich text joins the paragraph block before
        self.blocks: list[dict] = []
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def convert(self, text: str) -> None:
        soup = wp.parse(text)
        for node in soup.find_all(string=lambda s: isinstance(s, PreformattedString)):
            node.extract()  # comments, CDATA, doctypes, processing instructions
        for tag in soup.find_all(wp.DROPPED):
            if not tag.decomposed:
                self._drop(tag)
        self.walk(soup)

    def _drop(self, tag: Tag) -> None:
        """A provider's player (<iframe>) becomes an embed; anything else goes."""
        url = wp.frame_url(tag.get("src", "")) if tag.name == "iframe" else ""
        if url and _OEMBED.accept(url):
            tag.replace_with(BeautifulSoup(wp.embed_marker(url), "html.parser"))
            return
        self.note(f"<{tag.name}> dropped")
        tag.decompose()

    def walk(self, container: Tag) -> None:
        """Inline content between block elements is a paragraph; block elements are
        taken one by one. In classic content, blank lines also end a paragraph."""
        run: list = []
        for node in list(container.children):
            if isinstance(node, Tag) and node.name in wp.BLOCK_TAGS:
                self.inline(run)
                run = []
                self.element(node)
            elif self.classic and isinstance(node, NavigableString):
                run = self._split_text(str(node), run)
            else:
                run.append(node)
        self.inline(run)

    def _split_text(self, text: str, run: list) -> list:
        """Ends the paragraph at each blank line of classic text; a web address alone
        on its line is a paragraph of its own. Returns the paragraph still open."""
        pieces = wp.PARAGRAPH_BREAK.split(text)
        run.append(NavigableString(pieces[0]))
        for url, rest in zip(pieces[1::2], pieces[2::2], strict=True):
            self.inline(run)
            if url:
                self.inline([NavigableString(url)])
            run = [NavigableString(rest)]
        return run

    def element(self, tag: Tag) -> None:
        if tag.name in HEADING_LEVELS:
            self.heading(tag)
        elif tag.name == "blockquote":
            self.quote(tag)
        elif tag.name == "pre":
            self.code(tag)
        elif tag.name in ("ul", "ol"):
            self.list(tag)
        elif tag.name == "figure":
            self.figure(tag)
        elif tag.name == "wp-embed":
            self.embed(tag.get("url", ""))
        elif tag.name == "hr":
            self.merge = False
        else:
            if tag.name == "table":
                self.note("a table became paragraphs")
            self.walk(tag)

    def inline(self, nodes: list) -> None:
        """A paragraph: a web address alone is an embed (a known provider) or a link; a
        lone multi-line <code> is code; an image becomes a block of its own when
        `image_for` gives it one, otherwise a link within the text."""
        if not "".join(wp.text_of(node) for node in nodes).strip() and not wp.images_in(nodes):
            return
        url = wp.lone_url(nodes)
        if url and _OEMBED.accept(url):
            self.embed(url)
            return
        if url and not any(isinstance(node, Tag) and node.name == "a" for node in nodes):
            self.rich(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
            return
        code = wp.lone_code(nodes)
        if code is not None:
            self.code(code)
            return
        current: list = []
        for node in nodes:
            image = wp.lone_image(node)
            block = self.image_block(image) if image is not None else None
            if block is None:
                current.append(node)
                continue
            self.paragraph(current)
            current = []
            self.blocks.append(block)
        self.paragraph(current)

    def paragraph(self, nodes: list) -> None:
        """Classic content's single newlines are line breaks, as wpautop makes them."""
        nodes = [self._linked(node) for node in nodes]
        if self.classic:
            nodes = [wp.mark_line_breaks(node) for node in nodes]
        html = "".join(wp.outer_html(node) for node in nodes)
        self.rich(f"<p>{html.replace(wp.LINE_BREAK, '<br>')}</p>")

    def list(self, tag: Tag) -> None:
        """A list stays rich text, except a list of images: an early block-editor
        gallery, whose images become image blocks."""
        if wp.is_gallery(tag):
            self.walk(tag)
            return
        for image in tag.find_all("img"):
            self._link_image(image)
        for paragraph in tag.find_all("p"):
            paragraph.unwrap()
        self.rich(str(tag))

    def rich(self, html: str) -> None:
        """Consecutive rich text shares one paragraph block, up to a separator."""
        html = wp.clean_rich(html)
        if not wp.has_text(html):
            return
        if self.merge and self.blocks and self.blocks[-1]["type"] == "paragraph":
            self.blocks[-1]["value"] += html
        else:
            self.blocks.append({"type": "paragraph", "value": html})
        self.merge = True

    def heading(self, tag: Tag) -> None:
        text = wp.one_line(tag.get_text(" "))
        if len(text) > HEADING_MAX:
            self.note("a heading too long for a heading block became a bold paragraph")
            self.rich(f"<p><b>{escape(text)}</b></p>")
        elif text:
            level = HEADING_LEVELS[tag.name]
            self.blocks.append({"type": "heading", "value": {"text": text, "level": level}})

    def quote(self, tag: Tag) -> None:
        """A <cite> at the end (directly in the quote or in its footer) names the source."""
        cites = [
            cite
            for cite in tag.find_all("cite")
            if cite.parent is tag or cite.parent.name == "footer"
        ]
        attribution = wp.one_line(" ".join(cite.get_text(" ") for cite in cites))
        for cite in cites:
            cite.decompose()
        text = wp.multiline_text(tag)
        if text:
            value = {"text": text, "attribution": attribution}
            self.blocks.append({"type": "quote", "value": value})

    def code(self, tag: Tag) -> None:
        language = wp.language_of(tag)
        for br in tag.find_all("br"):
            br.replace_with("\n")
        text = tag.get_text().removeprefix("\n").rstrip()
        if text.strip():
            self.blocks.append({"type": "code", "value": {"language": language, "code": text}})

    def figure(self, tag: Tag) -> None:
        """An image with its caption, a gallery (images, each with its own caption), a
        block-editor embed, or a container (a pull quote)."""
        if "wp-block-embed" in (tag.get("class") or []):
            caption = tag.find("figcaption")
            text = caption.extract().get_text(" ") if caption else ""
            self.embed(next(iter(wp.URL.findall(tag.get_text(" "))), ""))
            self.rich(f"<p>{escape(wp.one_line(text))}</p>")
            return
        images = tag.find_all("img")
        if not images:
            self.walk(tag)
            return
        caption = tag.find("figcaption", recursive=False)
        for image in images:
            holder = image.find_parent("figure")
            alone = holder is not tag or len(images) == 1
            self.image(image, wp.caption_of(holder) if alone else "")
        if len(images) > 1 and caption is not None:
            self.rich(f"<p>{escape(wp.one_line(caption.get_text(' ')))}</p>")

    def image(self, image: Tag, caption: str) -> None:
        block = self.image_block(image, caption)
        if block is not None:
            self.blocks.append(block)
            return
        link = wp.outer_html(self._link_image(image))
        self.rich(f"<p>{link}<br>{escape(caption)}</p>" if caption else f"<p>{link}</p>")

    def image_block(self, image: Tag, caption: str = "") -> dict | None:
        url, alt = wp.image_url(image), wp.one_line(image.get("alt", ""))
        if not (self.image_for and url.startswith(("http://", "https://"))):
            return None
        image_id = self.image_for(url, alt)
        if image_id is None:
            return None
        image_value = {"image": image_id, "alt_text": alt, "decorative": not alt}
        return {"type": "image", "value": {"image": image_value, "caption": caption}}

    def _linked(self, node):
        """The node with its images as links."""
        image = wp.lone_image(node)
        if image is not None:
            return self._link_image(image)
        if isinstance(node, Tag):
            for image in node.find_all("img"):
                self._link_image(image)
        return node

    def _link_image(self, image: Tag) -> Tag | NavigableString:
        """An image kept as a link to where it was; the link replaces the image, or
        the link around it when that link holds nothing else."""
        url, alt = wp.image_url(image), wp.one_line(image.get("alt", ""))
        target = image.parent if wp.lone_image(image.parent) is image else image
        if url:
            link = f'<a href="{escape(url)}">{escape(alt or wp.file_name(url) or url)}</a>'
            replacement = BeautifulSoup(link, "html.parser").a.extract()
        else:
            self.note("an image without a web address was dropped")
            replacement = NavigableString(alt)
        if target.parent is not None:
            target.replace_with(replacement)
        return replacement

    def embed(self, url: str) -> None:
        url = url.strip()
        if urlsplit(url).scheme in ("http", "https") and not re.search(r"[\s\"'<>]", url):
            self.blocks.append({"type": "embed", "value": url})
        else:
            self.note("an embed without a web address was dropped")
