"""The discussion under a post as its page shows it: heading, comments and page
links, rendered once per change and kept in the cache. The key names the post,
the page of the discussion, the language and the post's version, which every
change to its comments or to its fediverse reactions moves forward
(caching/versions.py), so a change shows at once and nothing ever has to be
deleted. The reactions (boosts and likes) are rendered and cached with it.

A reader with something of their own on the post (a held comment, one they may
still edit) gets the discussion rendered for them alone; nobody else's cache
entry changes for it."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from comments import comment_list
from comments.caching import versions
from comments.federation.public import reactions_for
from comments.models import MAX_ID, Comment
from comments.thread import REPLYABLE_KINDS, old_ids_elsewhere, public_view, thread_for

TIMEOUT = 24 * 3600


@dataclass
class Discussion:
    html: str
    page_number: int
    reactions_html: str = ""  # boosts and likes from the fediverse, if any


def _page(requested):
    """The page asked for, as the cache key spells it: a number of at most six
    digits (as the page cache's file names), or None. A longer one would make
    a cache key of any length the reader likes, each one a new entry."""
    text = str(requested or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def page_query(number):
    """The query string naming a page of the discussion; the first needs none."""
    return f"?cpage={number}" if number > 1 else ""


def has_own_comments(post, own_ids, user) -> bool:
    """Whether the reader would see a comment of theirs differently from others."""
    if not own_ids and user is None:
        return False
    mine = Q(pk__in=list(own_ids))
    if user is not None:
        mine |= Q(user=user)
    recent = timezone.now() - timezone.timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)
    shown_differently = Q(status=Comment.Status.PENDING) | Q(
        kind=Comment.Kind.COMMENT, submit_date__gte=recent
    )
    return Comment.objects.for_post(post).filter(mine).filter(shown_differently).exists()


def render(post, requested_page, own_ids=(), user=None, csrf_token="") -> Discussion:
    thread = thread_for(post, _page(requested_page), own_ids, user)
    page_url = post.url
    permalink_base = page_url + page_query(thread.page.number)
    links = comment_list.Links(
        permalink_base=permalink_base,
        reply_base=permalink_base + ("&" if "?" in permalink_base else "?") + "replytocom=",
        comments_open=post.comments_open,
        csrf_token=csrf_token,
    )
    html = render_to_string(
        "comments/discussion.html",
        {
            "post": post,
            "thread": thread,
            "page_url": page_url,
            "comments_html": comment_list.render(thread.roots, links),
            "elsewhere_html": comment_list.old_anchors(old_ids_elsewhere(post, thread)),
        },
    )
    return Discussion(
        html=html, page_number=thread.page.number, reactions_html=render_reactions(post)
    )


def render_reactions(post) -> str:
    """Who boosted and liked the post on the fediverse; nothing when nobody did."""
    reactions = reactions_for(post)
    if not reactions:
        return ""
    return render_to_string("comments/reactions.html", {"reactions": reactions})


def for_reader(request, post, own_ids, user, csrf_token) -> Discussion:
    requested = request.GET.get("cpage")
    if has_own_comments(post, own_ids, user):
        return render(post, requested, own_ids, user, csrf_token)
    (version,) = versions.current(request, versions.post_key(post.pk))
    key = ":".join(
        [
            "discussion",
            str(post.pk),
            str(_page(requested)),
            translation.get_language() or "",
            versions.token(version),
            "open" if post.comments_open else "closed",
        ]
    )
    found = cache.get(key)
    if found is None:
        found = render(post, requested)
        cache.set(key, found, TIMEOUT)
    return found


def reply_target(post, comment_id):
    """The approved comment a reader answers (?replytocom=, or a form sent back)."""
    try:
        wanted = int(comment_id)
    except (TypeError, ValueError):
        return None
    if not 0 < wanted <= MAX_ID:
        return None
    comment = (
        Comment.objects.for_post(post)
        .approved()
        .filter(pk=wanted, kind__in=REPLYABLE_KINDS)
        .filter(level__lt=settings.COMMENTS_XTD_MAX_THREAD_LEVEL)
        .select_related("user", "fediverse_note__actor")
        .prefetch_related("user__socialaccount_set")
        .first()
    )
    return public_view(comment, post) if comment is not None else None
