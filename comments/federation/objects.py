"""The blog's posts and comments as ActivityPub objects: a post is an
Article, an approved comment a Note. Built from public data only: names,
stored HTML, dates, addresses of pages; never an email or an IP."""

from django.db.models import Q
from django.utils.html import escape
from django.utils.text import Truncator

from comments.federation import actors, ids
from comments.federation.content import sanitize
from comments.federation.models import RemoteNote
from comments.feeds import absolutize_urls
from comments.models import Comment, post_model

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
CONTEXT = [AS_CONTEXT, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}]
REPLIES_PAGE = 100
SUMMARY_WORDS = 55


def _when(value):
    return value.isoformat() if value else None


def _tags(post):
    index_url = post.get_parent().get_full_url()
    return [
        {"type": "Hashtag", "href": f"{index_url}tag/{tag.slug}/", "name": f"#{tag.name}"}
        for tag in post.tags.all()
    ]


def article(post) -> dict:
    """A published post. Its id stays when its slug moves; `url` is its page."""
    blog = actors.blog_actor()
    html = absolutize_urls(str(post.body), ids.base() + "/")
    published = post.first_published_at or post.date
    return {
        "@context": CONTEXT,
        "id": ids.post(post),
        "type": "Article",
        "attributedTo": ids.actor(blog),
        "name": post.title,
        "url": post.get_full_url(),
        "published": _when(published),
        "updated": _when(post.last_published_at or published),
        "to": [ids.PUBLIC],
        "cc": [ids.followers(blog)],
        "content": sanitize(html),
        "summary": escape(Truncator(str(post.excerpt)).words(SUMMARY_WORDS, truncate=" …")),
        "mediaType": "text/html",
        "sensitive": False,
        "tag": _tags(post),
        "replies": replies_collection(post, embedded=True),
    }


def _authors():
    """Who has an actor, or gets one when asked: authors of published posts."""
    return post_model().objects.live().exclude(author=None).values("author")


def _reply_ids(post):
    """Direct replies to the post that readers see, oldest first: a remote
    note by its own id, an author's comment by ours. Guests' comments are
    not named: servers that read the collection would take them in."""
    roots = (
        Comment.objects.for_post(post)
        .visible()
        .filter(level=0)
        .filter(Q(kind=Comment.Kind.FEDIVERSE) | Q(user__in=_authors()))
        .order_by("submit_date", "pk")
        .values_list("pk", "fediverse_note__note_id")[:REPLIES_PAGE]
    )
    return [note_id or ids.comment(pk) for pk, note_id in roots]


def replies_collection(post, embedded=False) -> dict:
    items = _reply_ids(post)
    collection = {
        "id": ids.replies(post),
        "type": "Collection",
        "totalItems": len(items),
        "first": {
            "type": "CollectionPage",
            "partOf": ids.replies(post),
            "items": items,
        },
    }
    if not embedded:
        collection["@context"] = AS_CONTEXT
    return collection


def _in_reply_to(comment):
    if not comment.parent_id or comment.parent_id == comment.pk:
        return ids.post(comment.object_pk)
    note = RemoteNote.objects.filter(comment_id=comment.parent_id).first()
    return note.note_id if note else ids.comment(comment.parent_id)


def _speaker(comment):
    """The actor a comment is attributed to: its author's, if they publish
    here; else the blog, which names the guest in the text."""
    author = actors.author_actor(comment.user) if comment.user_id else None
    return author or actors.blog_actor()


def note(comment) -> dict:
    """An approved local comment. A guest's comment is readable by its id
    (replies collections name it) but never delivered anywhere."""
    speaker = _speaker(comment)
    content = comment.body_html
    if speaker.kind == speaker.Kind.BLOG:
        content = f"<p><strong>{escape(comment.user_name)}</strong>:</p>{content}"
    parent = (
        RemoteNote.objects.filter(comment_id=comment.parent_id).select_related("actor").first()
    )
    document = {
        "@context": CONTEXT,
        "id": ids.comment(comment),
        "type": "Note",
        "attributedTo": ids.actor(speaker),
        "inReplyTo": _in_reply_to(comment),
        "url": ids.absolute(comment.get_absolute_url()),
        "published": _when(comment.submit_date),
        "to": [ids.PUBLIC],
        "cc": [ids.followers(speaker)],
        "content": absolutize_urls(content, ids.base() + "/"),
        "mediaType": "text/html",
        "tag": [],
    }
    if comment.edited_at:
        document["updated"] = _when(comment.edited_at)
    if parent is not None and comment.parent_id != comment.pk:
        remote = parent.actor
        document["cc"].append(remote.uri)
        document["tag"].append({"type": "Mention", "href": remote.uri, "name": remote.handle})
        mention = (
            f'<p><span class="h-card"><a href="{escape(remote.url or remote.uri)}" '
            f'class="u-url mention">{escape(remote.handle)}</a></span></p>'
        )
        document["content"] = mention + document["content"]
    return document


def local_note(note) -> dict:
    """A note an author sent elsewhere; a Tombstone once deleted."""
    note_id = ids.note(note)
    if note.deleted_at is not None:
        return {"@context": AS_CONTEXT, "id": note_id, "type": "Tombstone"}
    document = {
        "@context": CONTEXT,
        "id": note_id,
        "type": "Note",
        "attributedTo": ids.actor(note.actor),
        "inReplyTo": note.in_reply_to,
        "published": _when(note.created_at),
        "to": [ids.PUBLIC],
        "cc": [ids.followers(note.actor)],
        "content": note.html,
        "mediaType": "text/html",
        "tag": [],
    }
    if note.recipient is not None:
        remote = note.recipient
        document["cc"].append(remote.uri)
        document["tag"].append({"type": "Mention", "href": remote.uri, "name": remote.handle})
    return document
