"""This blog as WXR records: every post in every state, its terms, its author
and every comment it has, in every status, for wxr_writer to write.

The export holds email and IP addresses: it is for the site's owners only.
Posts and comments are read with iterators, comments one post at a time, so
memory stays flat however many there are. WordPress ids are our primary keys
(post = page, comment, author = user); a tag's term id is its pk after the
categories' largest, because WordPress numbers all terms in one sequence.

A comment's text is exported as WordPress stores a comment: its HTML with
paragraphs as blank lines and line breaks as line breaks (WordPress adds <p>
and <br> only when showing it, and its kses filter would drop them). The HTML
is the body rendered and sanitized here (links, strong, code), never the source
the commenter typed: WordPress shows comment HTML as HTML, so the source's
"<b>" typed as text would become markup there, and its **strong** would show
as asterisks. An @-mention's link points at this blog's /comments/<id>/, which
means nothing elsewhere: it becomes its text, and an importer resolves it again.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from typing import TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site
from wagtail.rich_text import expand_db_html

from comments.models import Comment, post_model
from comments.rendering import render_body
from comments.wordpress import wxr_writer
from comments.wordpress.records import Author, Channel, Item, ItemTerm, Term
from comments.wordpress.records import Comment as CommentRecord

APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
COMMENT_TYPE = {
    Comment.Kind.COMMENT: "",
    Comment.Kind.PINGBACK: "pingback",
    Comment.Kind.TRACKBACK: "trackback",
    Comment.Kind.WEBMENTION: "webmention",
}
COMMENT_FIELDS = (
    "pk",
    "user_name",
    "user_email",
    "user_url",
    "ip_address",
    "submit_date",
    "comment",
    "body_html",
    "status",
    "kind",
    "parent_id",
    "user_id",
)
HEADING_LEVELS = {"h2", "h3", "h4"}

_MENTION_LINK = re.compile(r'<a class="mention" href="[^"]*">(.*?)</a>', re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")
_LINE_BREAK = re.compile(r"<br\s*/?>")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def export(out: TextIO) -> None:
    """Write the whole blog as WXR 1.2 to a text stream."""
    base = base_url()
    restrictions = _view_restrictions()
    tag_offset = _category_model().objects.order_by("-pk").values_list("pk", flat=True).first()
    wxr_writer.write(
        out,
        channel(base),
        authors(),
        terms(tag_offset or 0),
        items(base, restrictions, tag_offset or 0),
    )


def base_url() -> str:
    """The blog's public address (BASE_URL), without a trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def channel(base: str) -> Channel:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    title = (site and site.site_name) or settings.WAGTAIL_SITE_NAME
    description = site.root_page.search_description if site else ""
    return Channel(
        title=title,
        link=base,
        description=description,
        language=settings.LANGUAGE_CODE,
        wxr_version=wxr_writer.WXR_VERSION,
        base_site_url=base,
        base_blog_url=base,
    )


def authors() -> Iterator[Author]:
    """Whoever a post names as its author (or, lacking one, its owner), as
    WordPress lists the authors of the exported posts."""
    writers = {
        author or owner
        for author, owner in post_model().objects.values_list("author_id", "owner_id")
    }
    users = get_user_model().objects.filter(pk__in=writers - {None}).order_by("pk")
    for user in users.iterator():
        yield Author(
            wp_id=user.pk,
            login=user.get_username(),
            email=user.email,
            display_name=user.get_full_name() or user.get_username(),
            first_name=user.first_name,
            last_name=user.last_name,
        )


def terms(tag_offset: int) -> Iterator[Term]:
    for category in _category_model().objects.order_by("pk"):
        yield Term(
            taxonomy="category",
            slug=category.slug,
            name=category.name,
            description=category.description,
            wp_id=category.pk,
        )
    for tag in _tags_in_use().order_by("pk"):
        yield Term(taxonomy="post_tag", slug=tag.slug, name=tag.name, wp_id=tag.pk + tag_offset)


def items(base: str, restrictions: list[tuple[str, str, str]], tag_offset: int) -> Iterator[Item]:
    posts = (
        post_model()
        .objects.select_related("author", "owner")
        .prefetch_related("categories", "tags")
        .order_by("pk")
    )
    for post in posts.iterator(chunk_size=100):
        yield item(post, base, restrictions)


def item(post, base: str, restrictions: list[tuple[str, str, str]]) -> Item:
    status, password = _status(post, restrictions)
    date = post.date
    if status == "future" and post.go_live_at and post.go_live_at > date:
        date = post.go_live_at  # WordPress publishes a scheduled post at its date
    modified = post.latest_revision_created_at or post.last_published_at or post.date
    creator = post.author or post.owner
    return Item(
        wp_id=post.pk,
        post_type="post",
        status=status,
        title=post.title,
        link=_link(post, base),
        slug=post.slug,
        guid=f"{base}/?p={post.pk}",
        creator=creator.get_username() if creator else "",
        content=body_html(post.body, base),
        excerpt=post.intro,
        date=_local(date),
        date_gmt=_utc(date),
        modified=_local(modified),
        modified_gmt=_utc(modified),
        comment_status="open" if post.allow_comments else "closed",
        ping_status="open" if post.allow_pings else "closed",
        password=password,
        terms=_item_terms(post),
        comments=comments(post),
    )


def comments(post) -> Iterator[CommentRecord]:
    """All of a post's comments, whatever their status, parents first (the
    WordPress importer links a reply to a parent it has already inserted)."""
    rows = Comment.objects.for_post(post).order_by("pk").values(*COMMENT_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        yield comment_record(row)


def comment_record(row: dict) -> CommentRecord:
    parent = row["parent_id"]
    return CommentRecord(
        wp_id=row["pk"],
        author=row["user_name"],
        author_email=row["user_email"],
        author_url=row["user_url"],
        author_ip=row["ip_address"] or "",
        date=_local(row["submit_date"]),
        date_gmt=_utc(row["submit_date"]),
        content=comment_content(row["body_html"] or render_body(row["comment"])),
        approved=APPROVED.get(row["status"], "0"),
        type=COMMENT_TYPE.get(row["kind"], ""),
        # xtd makes a top-level comment its own parent
        parent=0 if not parent or parent == row["pk"] else parent,
        user_id=row["user_id"] or 0,
    )


def comment_content(body_html: str) -> str:
    """Our rendered comment as WordPress stores one (see the module's docstring)."""
    html = _MENTION_LINK.sub(r"\1", body_html.strip())
    html = html.removeprefix("<p>").removesuffix("</p>")
    html = _PARAGRAPH_BREAK.sub("\n\n", html)
    return _LINE_BREAK.sub("\n", html)


def body_html(body, base: str) -> str:
    """A post's blocks as classic WordPress HTML, a blank line between blocks."""
    return "\n\n".join(html for html in (_block_html(block, base) for block in body) if html)


def _block_html(block, base: str) -> str:
    kind, value = block.block_type, block.value
    if kind == "paragraph":
        return expand_db_html(value.source)
    if kind == "heading":
        level = value["level"] if value["level"] in HEADING_LEVELS else "h2"
        return f"<{level}>{escape(value['text'])}</{level}>"
    if kind == "quote":
        return _quote_html(value["text"], value["attribution"])
    if kind == "code":
        language = value["language"].strip()
        css = f' class="language-{escape(language)}"' if language else ""
        return f"<pre><code{css}>{escape(value['code'])}</code></pre>"
    if kind == "image":
        return _image_html(value["image"], value["caption"], base)
    if kind == "embed":
        # A URL alone on its line: WordPress embeds it, as it does its own.
        return value.url if value else ""
    return str(block.render())


def _quote_html(text: str, attribution: str) -> str:
    paragraphs = [p.strip() for p in _BLANK_LINE.split(text.replace("\r\n", "\n")) if p.strip()]
    inner = "".join(f"<p>{escape(p).replace(chr(10), '<br />')}</p>" for p in paragraphs)
    cite = f"<cite>{escape(attribution)}</cite>" if attribution else ""
    return f"<blockquote>{inner}{cite}</blockquote>"


def _image_html(image, caption: str, base: str) -> str:
    if image is None:
        return ""
    src = image.file.url
    if src.startswith("/"):
        src = base + src
    alt = "" if getattr(image, "decorative", False) else image.contextual_alt_text or ""
    img = (
        f'<img src="{escape(src)}" alt="{escape(alt)}" '
        f'width="{image.width}" height="{image.height}" />'
    )
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{figcaption}</figure>"


def _status(post, restrictions: list[tuple[str, str, str]]) -> tuple[str, str]:
    """WordPress's status (and password) for a post: a live post behind a view
    restriction is private (a password restriction keeps its password too, so
    nothing is lost; private is the safe reading for any importer)."""
    if post.live:
        found = [(kind, pw) for path, kind, pw in restrictions if post.path.startswith(path)]
        if found:
            password = next((pw for kind, pw in found if kind == PageViewRestriction.PASSWORD), "")
            return "private", password
        return "publish", ""
    if post.go_live_at and post.go_live_at > timezone.now():
        return "future", ""
    return "draft", ""


def _view_restrictions() -> list[tuple[str, str, str]]:
    """Every restriction by the tree path of its page: it covers the subtree."""
    return list(
        PageViewRestriction.objects.values_list("page__path", "restriction_type", "password")
    )


def _link(post, base: str) -> str:
    parts = post.get_url_parts()
    if not parts or parts[2] is None:
        return f"{base}/?p={post.pk}"
    return base + parts[2]


def _item_terms(post) -> list[ItemTerm]:
    categories = [
        ItemTerm(taxonomy="category", slug=c.slug, name=c.name) for c in post.categories.all()
    ]
    tags = [ItemTerm(taxonomy="post_tag", slug=t.slug, name=t.name) for t in post.tags.all()]
    return categories + tags


def _category_model():
    return post_model()._meta.get_field("categories").related_model


def _tags_in_use():
    tagging = post_model()._meta.get_field("tags").remote_field.through
    tag_field = tagging._meta.get_field("tag")
    return tag_field.related_model.objects.filter(pk__in=tagging.objects.values("tag_id"))


def _local(value: datetime | None) -> datetime | None:
    """In the site's time zone, naive, as WordPress's local dates are."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None)
