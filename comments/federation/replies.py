"""Fediverse replies as comments: a public note answering one of our posts
or comments becomes a comment of kind FEDIVERSE, judged by the one pipeline
(a first reply from an account is held, later ones are approved, as with
linkbacks); an edit is judged again; a delete takes it away."""

from urllib.parse import urldefrag

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, resolve
from django.utils import timezone

from comments import posting
from comments.federation import actors, ids, remote
from comments.federation.content import note_text
from comments.federation.models import LocalActor, RemoteNote
from comments.models import MAX_ID, Comment, post_model
from comments.moderation import status

DELETED_REASON = "Deleted on its own server."


def _published(pk):
    return post_model().objects.published().filter(pk=pk).first()


def _by_route(url):
    path = ids.local_path(url)
    if path is None:
        return None, None
    try:
        match = resolve(path)
    except Resolver404:
        return _post_page(url), None
    if not 0 < match.kwargs.get("pk", 1) <= MAX_ID:
        return None, None
    if match.view_name == "federation:post":
        return _published(match.kwargs["pk"]), None
    if match.view_name == "federation:comment":
        parent = Comment.objects.on_posts().approved().filter(pk=match.kwargs["pk"]).first()
        return (_published(parent.object_pk), parent) if parent else (None, None)
    return _post_page(url), None


def _post_page(url):
    """A post by its page address: Mastodon users may reply to that too."""
    address = urldefrag(url)[0]
    slug = address.rstrip("/").rsplit("/", 1)[-1]
    for post in post_model().objects.published().filter(slug=slug):
        if post.get_full_url() == address:
            return post
    return None


def target(url):
    """(post, parent comment or None) that `inReplyTo` names, or (None, None)."""
    if not isinstance(url, str) or not url:
        return None, None
    remote = RemoteNote.objects.filter(note_id=url).select_related("comment").first()
    if remote is not None:
        parent = remote.comment
        ok = parent.status == Comment.Status.APPROVED
        return (_published(parent.object_pk), parent) if ok else (None, None)
    return _by_route(url)


def own_actor_urls():
    """Where a mention of one of our actors may point: its id or its profile."""
    found = set()
    for actor in LocalActor.objects.select_related("user"):
        found |= {ids.actor(actor), actors.profile_url(actor)}
    return found


def _text(note):
    text = note_text(
        note.get("content") if isinstance(note.get("content"), str) else "", own_actor_urls()
    )
    return text[: settings.COMMENT_MAX_LENGTH]


def create(actor, note):
    """Store a reply; None when it answers nothing of ours or says nothing.
    Raises pipeline.Refused as any comment may be refused."""
    existing = RemoteNote.objects.filter(note_id=note["id"]).first()
    if existing is not None:
        return update(actor, note)
    post, parent = target(note.get("inReplyTo"))
    text = _text(note)
    if post is None or not text:
        return None
    comment = Comment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        kind=Comment.Kind.FEDIVERSE,
        user_name=actor.display_name,
        user_url=actor.uri,
        comment=text,
        submit_date=timezone.now(),
        parent_id=parent.pk if parent else 0,
    )
    comment.parent_id = posting.parent_for(comment, post)

    def remember(saved):
        RemoteNote.objects.create(comment=saved, note_id=note["id"], actor=actor)

    posting.store(comment, after_save=remember)
    if comment.status == Comment.Status.SPAM:  # stored for moderators, linked all the same
        remember(comment)
    remote.want_avatar(actor)
    return comment


def _own_note(actor, note_id):
    found = RemoteNote.objects.filter(note_id=note_id, actor=actor).select_related("comment")
    note = found.first()
    return note.comment if note is not None else None


def update(actor, note):
    """An edited reply: the new text, judged again. Trashed stays trashed."""
    comment = _own_note(actor, note["id"])
    if comment is None or comment.status in (Comment.Status.TRASH, Comment.Status.SPAM):
        return None  # a moderator's verdict stands, whatever the edit says
    text = _text(note)
    if not text or text == comment.comment:
        return comment
    comment.comment = text
    return posting.revise(comment)


def delete(actor, note_id):
    comment = _own_note(actor, note_id)
    if comment is None:
        return None
    status.set_status(comment, Comment.Status.TRASH, reason=DELETED_REASON)
    return comment


def delete_all(actor):
    """The account itself was deleted: its replies go with it."""
    for note in RemoteNote.objects.filter(actor=actor).select_related("comment"):
        status.set_status(note.comment, Comment.Status.TRASH, reason=DELETED_REASON)
