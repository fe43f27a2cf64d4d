"""A WordPress export (WXR) imported into this blog: authors, categories,
posts and pages, every comment, and the old addresses redirected.

The file is read as a stream (wxr.read) and each post is imported with its
comments in one transaction of its own, recorded in the import map
(ImportedObject): a second run of the same file updates what the first made,
and a run that stopped half-way continues. Nothing is sent while importing:
no mail, no ping, no Akismet call, no follow-up subscription.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.models import RESERVED_SLUGS, BlogCategory, BlogIndexPage, BlogPage
from comments.linkbacks import send as linkbacks
from comments.wordpress import body, legacy_urls, media, records, wxr
from comments.wordpress.dates import aware
from comments.wordpress.import_comments import CommentImport
from comments.wordpress.models import ImportedObject
from comments.wordpress.report import Report

Kind = ImportedObject.Kind
TITLE_LENGTH = 255
SLUG_LENGTH = 255
_YEAR = re.compile(r"^\d{4}$")
_CONTENT_TYPES = ("post", "page")
_SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}


class ImportFailed(Exception):
    """One clear line: the file or the options cannot be imported."""


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclass
class Options:
    dry_run: bool = False
    author_map: dict[str, str] = field(default_factory=dict)  # WordPress login → username
    keep_ip: bool = False
    fetch_media: bool = False  # download images into Wagtail's images
    index: BlogIndexPage | None = None  # where posts go; the first blog index by default


def parse_author_map(text: str) -> dict[str, str]:
    """--author-map a=b,c=d: WordPress login a becomes the existing user b."""
    mapping = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        login, sep, username = pair.partition("=")
        if not sep or not login.strip() or not username.strip():
            raise ImportFailed(f"--author-map wants login=username pairs, not {pair!r}")
        mapping[login.strip()] = username.strip()
    return mapping


def check(source) -> int:
    """Read the whole file once without writing anything: a truncated, broken
    or hostile file is refused before the first post is imported. Returns the
    number of items, for a progress bar."""
    try:
        return sum(isinstance(record, records.Item) for record in wxr.read(source))
    except wxr.WxrError as error:
        raise ImportFailed(str(error)) from error


def run(source, options: Options, progress=None, on_total=None) -> Report:
    """Import the WXR file `source` (a path: it is read twice, see check);
    `on_total(n)` hears how many items there are, `progress(n)` is called
    after each. A dry run does everything, then rolls it back."""
    report = Report(dry_run=options.dry_run)
    importer = _Importer(options, report)
    total = check(source)
    if on_total:
        on_total(total)
    try:
        with transaction.atomic() if options.dry_run else nullcontext():
            importer.read(source, progress)
            if options.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except wxr.WxrError as error:
        raise ImportFailed(str(error)) from error
    return report


class _Importer:
    def __init__(self, options: Options, report: Report):
        self.options = options
        self.report = report
        self.source = ""
        self.index = options.index
        self.users = {}  # WordPress login → User
        self.user_ids = {}  # WordPress user id → User
        self.categories = {}  # slug → BlogCategory
        self.image_for = None
        if options.fetch_media and not options.dry_run:
            self.image_for = media.MediaFetcher(self).image_for
        elif options.fetch_media:
            report.note("--fetch-media: no images are downloaded in a dry run")

    # The stream ------------------------------------------------------------------

    def read(self, source, progress):
        for record in wxr.read(source):
            if isinstance(record, records.Channel):
                self.channel(record)
            elif isinstance(record, records.Author):
                self.author(record)
            elif isinstance(record, records.Term):
                self.term(record)
            elif isinstance(record, records.Item):
                self.item(record)
                if progress:
                    progress(1)
        if not self.source:
            raise ImportFailed("The file has no WordPress channel: is it a WXR export?")

    def channel(self, channel: records.Channel):
        self.source = (channel.base_blog_url or channel.link or "wordpress").rstrip("/")[:200]
        if self.index is None:
            self.index = BlogIndexPage.objects.live().order_by("path").first()
        if self.index is None:
            raise ImportFailed("This site has no blog index page to import posts into.")
        self._check_author_map()

    def _check_author_map(self):
        User = get_user_model()
        for login, username in self.options.author_map.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                raise ImportFailed(f"--author-map {login}={username}: there is no user {username}")
            self.users[login] = user

    # Authors and terms ---------------------------------------------------------------

    def author(self, author: records.Author):
        user = self.users.get(author.login)
        if user is None:
            user = self._mapped(Kind.AUTHOR, author.wp_id, get_user_model())
            created = user is None
            if created:
                user = self._new_user(author)
            self._remember(Kind.AUTHOR, author.wp_id, user.pk)
            self.report.count("author", "new" if created else "kept", created=created)
        else:
            self.report.count("author", "mapped", created=False)
        self.users[author.login] = user
        if author.wp_id:
            self.user_ids[author.wp_id] = user

    def _new_user(self, author):
        User = get_user_model()
        username = _unique_username(author.login)
        first, last = author.first_name, author.last_name
        if not (first or last) and author.display_name:
            first = author.display_name  # the name readers saw, kept whole
        user = User(
            username=username,
            email=author.email,
            first_name=unescape(first)[:150],
            last_name=unescape(last)[:150],
        )
        user.set_unusable_password()  # no login until an admin sets a password
        user.save()
        if username != author.login:
            self.report.note(f"Author {author.login!r} is the user {username!r} (name taken).")
        return user

    def term(self, term: records.Term):
        if term.taxonomy != "category":
            return  # tags are made when a post uses them; other taxonomies have no place here
        slug = _slug(unquote(term.slug) or term.name, 80)
        category = BlogCategory.objects.filter(slug=slug).first()
        created = category is None
        if created:
            name = _unique_category_name(unescape(term.name or slug)[:80])
            category = BlogCategory.objects.create(
                slug=slug, name=name, description=unescape(term.description)
            )
        self.categories[slug] = category
        if term.wp_id:
            self._remember(Kind.CATEGORY, term.wp_id, category.pk)
        self.report.count("category", "new" if created else "kept", created=created)

    # Posts ------------------------------------------------------------------------------

    def item(self, item: records.Item):
        if not self.source:
            raise ImportFailed("The file has no WordPress channel before its first item.")
        label = f"{item.post_type} {item.wp_id} „{_title(item)}“"
        if item.post_type not in _CONTENT_TYPES:
            self.report.count(item.post_type or "other", "skipped", created=False)
            if item.post_type not in ("attachment", "nav_menu_item"):
                self.report.note(f"{label}: a post type of its own, not imported")
            return
        if item.status in _SKIPPED_STATUSES:
            self.report.note(f"{label}: status {item.status}, not imported")
            self.report.count("post", "skipped", created=False)
            return
        # Images are downloaded here, before the post's transaction opens.
        converted = body.convert(item.content, image_for=self.image_for)
        with transaction.atomic(), linkbacks.suppressed():
            page = self.post(item, label, converted)
            # Thousands of comments, each a task for Wagtail's reference index
            # (half the import's time); `manage.py rebuild_references_index`
            # catches up, and comments refer to nothing an editor looks up.
            with disable_reference_index_auto_update():
                CommentImport(self, item, page).run()
            legacy_urls.remember(self, item, page)

    def post(self, item, label, converted):
        page = self._mapped(Kind.POST, item.wp_id, BlogPage)
        created = page is None
        for note in converted.notes:
            self.report.note(f"{label}: {note}")
        self.report.shortcodes.update(converted.shortcodes)
        date = aware(item.date_gmt, item.date) or timezone.now()
        fields = {
            "title": _title(item) or f"(ohne Titel {item.wp_id})",
            "date": date,
            "intro": unescape(strip_tags(item.excerpt)).strip(),
            "body": converted.blocks,
            "author": self.users.get(item.creator),
            "allow_comments": item.comment_status == "open",
            "allow_pings": item.ping_status == "open",
        }
        if created:
            page = BlogPage(slug=self._free_slug(item, label), **fields)
            page.owner = fields["author"]
            self.index.add_child(instance=page)
            self._remember(Kind.POST, item.wp_id, page.pk)
        else:
            for name, value in fields.items():
                setattr(page, name, value)
        page.tags.set(_tags(item))
        page.categories.set(self._item_categories(item))
        self._publish(page, item, label, date)
        status = item.status if item.post_type == "post" else f"page/{item.status}"
        self.report.count("post", status, created=created)
        if item.post_type == "page":
            self.report.note(f"{label}: a WordPress page, imported as a post")
        return page

    def _publish(self, page, item, label, date):
        if item.status == "future":
            page.go_live_at = date  # publishing it then schedules it, not live yet
        revision = page.save_revision(user=page.owner, log_action=False)
        if item.status in ("publish", "future"):
            revision.publish(user=page.owner, log_action=False, skip_permission_checks=True)
        if item.status == "publish":
            BlogPage.objects.filter(pk=page.pk).update(
                first_published_at=date,
                last_published_at=aware(item.modified_gmt, None) or date,
            )
        elif item.status != "future":
            if page.live:
                page.unpublish(log_action=False)
            if item.status == "private":
                self.report.note(f"{label}: private in WordPress, imported as a draft")

    def _free_slug(self, item, label):
        wanted = _slug(unquote(item.slug) or _title(item), SLUG_LENGTH) or f"post-{item.wp_id}"
        slug = wanted
        if slug in RESERVED_SLUGS or _YEAR.match(slug):
            slug = f"{slug}-{item.wp_id}"
        siblings = self.index.get_children()  # pages of any type share the slugs
        number = 2
        while siblings.filter(slug=slug).exists():
            slug = f"{wanted[: SLUG_LENGTH - 8]}-{number}"
            number += 1
        if slug != wanted:
            self.report.note(f"{label}: slug {wanted!r} taken or reserved, now {slug!r}")
        return slug

    def _item_categories(self, item):
        found = []
        for term in item.terms:
            if term.taxonomy != "category":
                continue
            slug = _slug(unquote(term.slug) or term.name, 80)
            category = self.categories.get(slug) or BlogCategory.objects.filter(slug=slug).first()
            if category is None:
                category = BlogCategory.objects.create(
                    slug=slug, name=_unique_category_name(unescape(term.name or slug)[:80])
                )
                self.categories[slug] = category
            found.append(category)
        return found

    # The import map ------------------------------------------------------------------------

    def _mapped(self, kind, wp_id, model):
        if wp_id is None:
            return None
        entry = ImportedObject.objects.filter(source=self.source, kind=kind, wp_id=wp_id).first()
        if entry is None:
            return None
        found = model.objects.filter(pk=entry.object_id).first()
        if found is None:  # deleted here since: import it again
            entry.delete()
        return found

    def _remember(self, kind, wp_id, object_id, old_path=""):
        if wp_id is None:
            return
        ImportedObject.objects.update_or_create(
            source=self.source,
            kind=kind,
            wp_id=wp_id,
            defaults={"object_id": object_id, **({"old_path": old_path} if old_path else {})},
        )


def _title(item):
    return unescape(strip_tags(item.title or "")).strip()[:TITLE_LENGTH]


def _slug(text, length):
    return slugify(text or "", allow_unicode=True)[:length].strip("-")


def _tags(item):
    return [
        unescape(term.name or unquote(term.slug))[:100]
        for term in item.terms
        if term.taxonomy == "post_tag" and (term.name or term.slug)
    ]


def _unique_username(login):
    User = get_user_model()
    base = (re.sub(r"[^\w.@+-]", "", login) or "autor")[:140]
    username, number = base, 2
    while User.objects.filter(username=username).exists():
        username = f"{base}-{number}"
        number += 1
    return username


def _unique_category_name(name):
    candidate, number = name, 2
    while BlogCategory.objects.filter(name=candidate).exists():
        candidate = f"{name[:74]} ({number})"
        number += 1
    return candidate
