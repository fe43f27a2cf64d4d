"""What a reader sees of a post's discussion: public views of its comments,
threaded, paginated by top-level thread, in one query. Templates get these
views, never the model, so an email or an IP address cannot leak into a page."""

from dataclasses import dataclass, field
from datetime import datetime

from allauth.socialaccount.providers import registry
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from comments import pictures
from comments.avatars import avatar_url, social_picture
from comments.models import Comment, ImportedObject
from comments.readers import may_edit

KIND_LABELS = {
    Comment.Kind.PINGBACK: _("Pingback"),
    Comment.Kind.TRACKBACK: _("Trackback"),
    Comment.Kind.WEBMENTION: _("Mention"),
}
# What a reply from the fediverse says it came through ("via Fediverse").
FEDIVERSE_VIA = _("Fediverse")
# Comments readers answer on the page: written here, or replies from the fediverse.
REPLYABLE_KINDS = (Comment.Kind.COMMENT, Comment.Kind.FEDIVERSE)


@dataclass
class PublicComment:
    id: int
    name: str
    url: str
    avatar_url: str | None
    html: str
    date: datetime
    kind: str
    by_post_author: bool
    depth: int
    parent_id: int
    is_pending: bool = False
    can_edit: bool = False
    can_reply: bool = True
    via: str = ""  # the social login it was written through ("Facebook"), if any
    old_id: int | None = None  # its id on the WordPress blog it was imported from
    children: list = field(default_factory=list)

    @property
    def is_linkback(self):
        return self.kind in Comment.Kind.LINKBACKS

    @property
    def mentionable(self):
        """Whether "@Name" can link here: an approved comment, as mentions.resolve wants."""
        return not self.is_linkback and not self.is_pending

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, "")

    @property
    def anchor(self):
        return f"comment-{self.id}"


@dataclass
class Thread:
    """One page of a post's discussion."""

    roots: list
    page: object
    count: int
    held: int = 0  # the reader's own comments awaiting moderation

    @property
    def only_held(self):
        """Nothing approved yet, but the reader sees their own held comment."""
        return not self.count and bool(self.held)

    @property
    def comments(self):
        return [node for root in self.roots for node in _walk(root)]


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _safe_url(url):
    """Only web addresses become links, whatever found its way into the column."""
    return url if (url or "").lower().startswith(("http://", "https://")) else ""


def provider_name(user):
    """The display name of the social login behind a user ("Facebook"): from the
    provider class, or an OpenID Connect app's configured name; never a query.
    Expects `user.socialaccount_set` to be prefetched."""
    if user is None:
        return ""
    registry.load()
    for account in user.socialaccount_set.all():
        provider = registry.get_class(account.provider)
        if provider is not None:
            return str(provider.name)
        apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
        names = {app.get("provider_id"): app.get("name") for app in apps}
        return str(names.get(account.provider) or account.provider)
    return ""


def _remote_actor(comment):
    """The fediverse account behind a reply from there, if its note is known.
    Expects `fediverse_note__actor` to be selected with the comment."""
    if comment.kind != Comment.Kind.FEDIVERSE:
        return None
    try:
        return comment.fediverse_note.actor
    except Comment.fediverse_note.RelatedObjectDoesNotExist:
        return None


def _author(comment):
    """Name, link, picture and "via" of whoever wrote the comment."""
    actor = _remote_actor(comment)
    if actor is not None:
        return _fediverse_author(comment, actor)
    return (
        comment.user_name,
        _safe_url(comment.user_url),
        avatar_url(
            email=comment.user_email,
            name=comment.user_name,
            kind=comment.kind,
            social_url=social_picture(comment.user) if comment.user_id else None,
        ),
        _via(comment),
    )


def _via(comment):
    if comment.kind == Comment.Kind.FEDIVERSE:
        return str(FEDIVERSE_VIA)
    return provider_name(comment.user) if comment.user_id else ""


def _fediverse_author(comment, actor):
    """A reply from the fediverse: its account's name and profile, the local
    copy of its picture (never the remote server's address), else an identicon."""
    name = actor.display_name
    picture = avatar_url(
        email="",
        name=actor.uri,
        kind=comment.kind,
        social_url=pictures.local_url(actor.icon_url),
    )
    url = _safe_url(actor.url) or _safe_url(comment.user_url)
    return name, url, picture, str(FEDIVERSE_VIA)


def public_view(comment, post, own_ids=(), user=None):
    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    name, url, picture, via = _author(comment)
    return PublicComment(
        id=comment.pk,
        name=name,
        url=url,
        avatar_url=picture,
        html=comment.body_html,
        date=comment.submit_date,
        kind=comment.kind,
        by_post_author=bool(comment.user_id and comment.user_id == post.author_id),
        depth=comment.level,
        parent_id=comment.parent_id,
        is_pending=comment.status == Comment.Status.PENDING,
        can_edit=may_edit(comment, own_ids, user),
        can_reply=comment.kind in REPLYABLE_KINDS and comment.level < max_level,
        via=via,
    )


def visible_comments(post, own_ids=()):
    """Approved comments, and the reader's own pending ones."""
    return (
        Comment.objects.for_post(post)
        .approved_or_own(own_ids)
        .select_related("user", "fediverse_note__actor")
        .prefetch_related("user__socialaccount_set")
        .order_by("thread_id", "order")
    )


def build_tree(comments, post, own_ids=(), user=None):
    """Nest comments under their parents; a reply whose parent is hidden
    (pending, spam, trash) is hidden with it, as WordPress does."""
    nodes = {}
    roots = []
    for comment in comments:
        node = public_view(comment, post, own_ids, user)
        if comment.parent_id == comment.pk:
            roots.append(node)
            nodes[comment.pk] = node
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
            nodes[comment.pk] = node
    return roots


def _root_threads(post, own_ids=()):
    """The threads a reader sees, oldest first: one per top-level comment."""
    return (
        Comment.objects.for_post(post)
        .approved_or_own(own_ids)
        .filter(level=0)
        .order_by("thread_id")
        .values_list("thread_id", flat=True)
    )


def page_number_for(comment, post, own_ids=()):
    """Which page of the discussion holds a comment (for permalinks): count the
    threads before its own, in SQL."""
    threads = _root_threads(post, own_ids)
    if not threads.filter(thread_id=comment.thread_id).exists():
        return 1
    before = threads.filter(thread_id__lt=comment.thread_id).count()
    return before // settings.COMMENTS_PER_PAGE + 1


def held_count(post, own_ids):
    """How many of the reader's own comments on the post await moderation."""
    if not own_ids:
        return 0
    return Comment.objects.for_post(post).pending().filter(pk__in=list(own_ids)).count()


def thread_for(post, page_number=None, own_ids=(), user=None):
    """One page of the discussion, paged in SQL: the page's threads, then their
    comments; the heading's total is one COUNT, whatever the length."""
    page = Paginator(_root_threads(post, own_ids), settings.COMMENTS_PER_PAGE).get_page(
        page_number
    )
    threads = list(page.object_list)
    comments = visible_comments(post, own_ids).filter(thread_id__in=threads) if threads else []
    roots = build_tree(comments, post, own_ids, user)
    _add_old_ids(roots)
    count = Comment.objects.for_post(post).visible().count()
    return Thread(roots=roots, page=page, count=count, held=held_count(post, own_ids))


def _add_old_ids(roots):
    """Imported comments keep their WordPress anchor (#comment-<old id>) too,
    unless another comment on the page has that id already."""
    nodes = [node for root in roots for node in _walk(root)]
    if not nodes:
        return
    taken = {node.id for node in nodes}
    old_ids = dict(
        ImportedObject.objects.filter(
            kind=ImportedObject.Kind.COMMENT, object_id__in=taken
        ).values_list("object_id", "wp_id")
    )
    for node in nodes:
        old = old_ids.get(node.id)
        if old and old not in taken:
            node.old_id = old
            taken.add(old)


def old_ids_elsewhere(post, thread):
    """Imported comments on the discussion's other pages, as (old id, id):
    their old anchors lead there (comment_list.old_anchors)."""
    if not thread.page.has_other_pages():
        return []
    nodes = thread.comments
    taken = {node.id for node in nodes} | {node.old_id for node in nodes if node.old_id}
    approved = Comment.objects.for_post(post).approved().values("pk")
    rows = ImportedObject.objects.filter(
        kind=ImportedObject.Kind.COMMENT, object_id__in=approved
    ).values_list("wp_id", "object_id")
    found = []
    for old, pk in rows.order_by("wp_id"):
        if pk not in taken and old not in taken:
            found.append((old, pk))
            taken.add(old)
    return found


def approved_count():
    """A subquery: how many comments of the outer post a reader sees (for listings)."""
    counts = (
        Comment.objects.visible()
        .on_posts()
        .filter(object_pk=Cast(OuterRef("pk"), CharField()), site_id=settings.SITE_ID)
        .order_by()
        .values("object_pk")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counts, output_field=IntegerField())
