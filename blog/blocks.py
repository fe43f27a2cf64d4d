from contextlib import suppress
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code", "superscript", "subscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        template = "blog/blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "blog/blocks/captioned_image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "blog/blocks/quote_block.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(
        required=False, max_length=30, label=_("Language"), help_text=_("For example: python")
    )
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        icon = "code"
        template = "blog/blocks/code_block.html"


class ConsentEmbedBlock(EmbedBlock):
    """A video or map that loads only when the reader asks: until then the page
    holds it inert (in a <template>) with a note of who serves it and a link,
    so that reading a post makes no request to a third party."""

    class Meta:
        icon = "media"
        template = "blog/blocks/embed_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed"] = None
        if value and value.url:
            with suppress(EmbedException):  # a provider that fails: the link alone
                context["embed"] = embeds.get_embed(value.url, value.max_width, value.max_height)
            context["host"] = urlsplit(value.url).hostname or value.url
        return context


class BlogStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Paragraph"))
    heading = HeadingBlock(label=_("Heading"))
    image = CaptionedImageBlock(label=_("Image"))
    quote = QuoteBlock(label=_("Quote"))
    embed = ConsentEmbedBlock(label=_("Embed"), max_width=800)
    code = CodeBlock(label=_("Code"))
