"""The HTML of a discussion's comments, written in code: a template include per
comment cost half a millisecond each, most of a long discussion's page. Every
value is escaped here, except the body, which rendering.py made safe at save
time (and a linkback's, which is stripped to text)."""

from dataclasses import dataclass
from html import unescape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from comments.rendering import comment_permalink


@dataclass
class Links:
    """What every comment's links start with, worked out once per page."""

    permalink_base: str
    reply_base: str
    comments_open: bool
    csrf_token: str = ""


def render(roots, links: Links) -> str:
    labels = {
        "awaiting": escape(_("Your comment is awaiting moderation.")),
        "author": escape(_("Author")),
        "reply": escape(_("Reply")),
        "edit": escape(_("Edit")),
        "delete": escape(_("Delete")),
    }
    out = []
    for node in roots:
        _node(node, links, labels, out)
    return "".join(out)


def _classes(node):
    classes = ["comment", f"comment--depth-{node.depth}"]
    if node.by_post_author:
        classes.append("comment--by-author")
    if node.is_pending:
        classes.append("comment--pending")
    if node.can_edit:
        classes.append("comment--mine")
    classes.append(f"comment--{escape(node.kind)}")
    return " ".join(classes)


def _meta(node, links, labels, name):
    parts = []
    if node.avatar_url:
        alt = escape(_("Avatar of %(name)s") % {"name": node.name})
        parts.append(
            f'<img class="comment__avatar" src="{escape(node.avatar_url)}" alt="{alt}" '
            'width="48" height="48" loading="lazy">'
        )
    if node.url:
        author = f'<a href="{escape(node.url)}" rel="ugc nofollow external noopener">{name}</a>'
    else:
        author = name
    parts.append(f'<b class="comment__author">{author}</b>')
    if node.via:
        via = escape(_("via %(provider)s") % {"provider": node.via})
        parts.append(f'<span class="comment__via">{via}</span>')
    if node.by_post_author:
        parts.append(f'<span class="comment__badge">{labels["author"]}</span>')
    if node.is_linkback:
        parts.append(f'<span class="comment__kind">{escape(node.kind_label)}</span>')
    local = timezone.localtime(node.date)
    parts.append(
        f'<a class="comment__date" href="{escape(links.permalink_base)}#{node.anchor}">'
        f'<time datetime="{local.isoformat()}">{escape(date_format(local, "DATETIME_FORMAT"))}'
        "</time></a>"
    )
    return "".join(parts)


def _actions(node, links, labels):
    parts = []
    if links.comments_open and node.can_reply and not node.is_pending:
        label = escape(_("Reply to %(name)s") % {"name": node.name})
        parts.append(
            f'<a class="comment__reply" href="{escape(links.reply_base)}{node.id}#respond" '
            f'data-reply-to="{node.id}" aria-label="{label}">{labels["reply"]}</a>'
        )
    if node.can_edit:
        edit = reverse("comments:edit", args=[node.id])
        delete = reverse("comments:delete", args=[node.id])
        token = escape(links.csrf_token)
        parts.append(
            f'<a class="comment__edit" href="{edit}">{labels["edit"]}</a>'
            f'<form class="comment__delete" method="post" action="{delete}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit">{labels["delete"]}</button></form>'
        )
    return "".join(parts)


def _excerpt(html):
    """A linkback's excerpt as plain text: its stored HTML is already escaped
    ("&lt;"), so tags go, entities become characters, then everything is
    escaped once, never twice ("&amp;lt;")."""
    return escape(unescape(strip_tags(html)))


def old_anchors(pairs) -> str:
    """Old WordPress anchors of comments on other pages: hidden, until the
    address names one (#comment-<old id>); then a link to where it is now."""
    label = escape(_("This comment is on another page of the discussion: show it"))
    return "".join(
        f'<p class="comment-elsewhere" id="comment-{int(old)}">'
        f'<a href="{escape(comment_permalink(pk))}">{label}</a></p>'
        for old, pk in pairs
    )


def _old_anchor(node):
    """Where links to an imported comment's old WordPress anchor land."""
    return f'<span id="comment-{int(node.old_id)}"></span>' if node.old_id else ""


def _node(node, links, labels, out):
    name = escape(node.name)
    mention = f' data-mention="{name}"' if node.mentionable else ""
    out.append(
        f'<li id="{node.anchor}" class="{_classes(node)}" data-comment-id="{node.id}" '
        f'data-author="{name}"{mention}>{_old_anchor(node)}<article class="comment__body">'
        f'<footer class="comment__meta">{_meta(node, links, labels, name)}</footer>'
    )
    if node.is_pending:
        out.append(f'<p class="comment__awaiting">{labels["awaiting"]}</p>')
    body = f"<p>[…] {_excerpt(node.html)} […]</p>" if node.is_linkback else node.html
    out.append(f'<div class="comment__content">{body}</div>')
    out.append(f'<div class="comment__actions">{_actions(node, links, labels)}</div></article>')
    if node.children:
        out.append('<ol class="comment-list comment-list--children">')
        for child in node.children:
            _node(child, links, labels, out)
        out.append("</ol>")
    out.append("</li>")
