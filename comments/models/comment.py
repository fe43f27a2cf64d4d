"""The blog's comment: django-comments-xtd's threaded comment, plus a kind,
a moderation status and the body rendered once, at save time."""

from enum import nonmember

from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment, XtdCommentManager

from comments.caching import versions
from comments.mentions import Candidate
from comments.models.post import post_model
from comments.rendering import render_body, strip_controls

# The largest id a 64-bit primary key holds: a bigger number names nothing.
MAX_ID = 2**63 - 1
# Columns no page, feed or mail shows: changing them moves no cache version.
NOT_SHOWN = {"ip_address", "user_agent", "referrer"}


class CommentQuerySet(models.QuerySet):
    """The words the rest of the code uses for comments: no module outside
    models spells a status, a kind or a content type as a string."""

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def update(self, **kwargs):
        """Updates send no signal: move the versions of the posts they touch,
        unless only what no reader sees changes (network data)."""
        if set(kwargs) <= NOT_SHOWN:
            return super().update(**kwargs)
        posts = set(self.values_list("object_pk", flat=True))
        updated = super().update(**kwargs)
        if posts:
            versions.bump(*posts)
        return updated

    def bulk_update(self, objs, fields, batch_size=None):
        updated = super().bulk_update(objs, fields, batch_size=batch_size)
        if objs:
            versions.bump(*{comment.object_pk for comment in objs})
        return updated

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def visible(self):
        """What readers see: approved, and not in the subtree of a comment that is
        not (a reply to a held, spam or trashed comment is hidden with it). xtd
        orders a thread depth-first, so an ancestor is an earlier comment of the
        thread at a lower level with nothing in between at or above its level."""
        approved = Comment.Status.APPROVED
        in_between = Comment.objects.filter(
            thread_id=OuterRef("thread_id"),
            order__gt=OuterRef("order"),
            order__lt=OuterRef(OuterRef("order")),
            level__lte=OuterRef("level"),
        )
        hidden_ancestor = (
            Comment.objects.filter(
                thread_id=OuterRef("thread_id"),
                order__lt=OuterRef("order"),
                level__lt=OuterRef("level"),
            )
            .exclude(status=approved)
            .exclude(Exists(in_between))
        )
        return self.filter(status=approved).exclude(Exists(hidden_ancestor))

    def approved_or_own(self, own_ids):
        """What one reader sees: approved comments and their own held ones."""
        return self.filter(
            models.Q(status=Comment.Status.APPROVED)
            | models.Q(pk__in=list(own_ids), status=Comment.Status.PENDING)
        )

    def linkbacks(self):
        return self.filter(kind__in=Comment.Kind.LINKBACKS)

    def on_posts(self):
        """Comments on blog posts (the only pages that take them)."""
        meta = post_model()._meta
        return self.filter(
            content_type__app_label=meta.app_label, content_type__model=meta.model_name
        )

    def for_post(self, post):
        return self.filter(
            content_type__app_label=post._meta.app_label,
            content_type__model=post._meta.model_name,
            object_pk=str(post.pk),
        )


# Any fixed number: the advisory lock that new comments are stored under.
_WRITE_LOCK = 0x4B6F6D6D


class CommentManager(XtdCommentManager.from_queryset(CommentQuerySet)):
    def lock_for_writing(self):
        """Inside a transaction: wait until no other transaction is storing a
        comment, so that rules about other comments (flood, duplicates) hold
        under concurrency. PostgreSQL takes an advisory lock until commit;
        SQLite's transactions take the database's write lock when they begin."""
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITE_LOCK])


class Comment(XtdComment):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")
        WEBMENTION = "webmention", _("Webmention")
        FEDIVERSE = "fediverse", _("Fediverse reply")
        LINKBACKS = nonmember(("pingback", "trackback", "webmention"))

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Pending")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    # Named explicitly: the default reverse name would clash with XtdComment.comment.
    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="blog_comment",
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=Kind.choices, default=Kind.COMMENT, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    referrer = models.CharField(_("referrer"), max_length=500, blank=True)
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    objects = CommentManager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_text = instance.__dict__.get("comment")
        instance._saved_status = instance.__dict__.get("status")
        return instance

    def seen_by_others(self):
        """Whether saving it changes what other readers see: a comment held now
        and before (or new) is its author's alone."""
        held = self.Status.PENDING
        return not (self.status == held and getattr(self, "_saved_status", held) == held)

    def save(self, *args, **kwargs):
        self.strip_controls()
        edited = getattr(self, "_saved_text", self.comment) != self.comment
        if not self.body_html or edited:
            self.render_body()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        self._sync_flags()
        super().save(*args, **kwargs)
        self._saved_text, self._saved_status = self.comment, self.status

    def strip_controls(self):
        """Every text a commenter or another site sent, cleaned where it is stored."""
        for name in ("user_name", "user_email", "user_url", "user_agent", "referrer"):
            setattr(self, name, strip_controls(getattr(self, name), single_line=True))
        self.comment = strip_controls(self.comment)

    def render_body(self):
        """Render once, at save time: readers get stored HTML, never a re-parse."""
        self.body_html = render_body(self.comment, self.mention_candidates())

    def mention_candidates(self):
        earlier = (
            Comment.objects.filter(
                content_type_id=self.content_type_id,
                object_pk=self.object_pk,
                status=self.Status.APPROVED,
                kind__in=(self.Kind.COMMENT, self.Kind.FEDIVERSE),
            )
            .order_by("-submit_date", "-pk")
            .values_list("pk", "user_name")
        )
        if self.submit_date:
            earlier = earlier.filter(submit_date__lt=self.submit_date)
        if self.pk:
            earlier = earlier.exclude(pk=self.pk)
        candidates = [Candidate(comment_id=pk, name=name) for pk, name in earlier]
        # "@Luca" in a reply to Luca means that comment, not Luca's latest.
        parent = next((c for c in candidates if c.comment_id == self.parent_id), None)
        if parent is not None and self.parent_id != self.pk:
            candidates.remove(parent)
            candidates.insert(0, parent)
        return candidates

    def _sync_flags(self):
        """Keep xtd's flags in step with the status, so that xtd and
        django-comments code that filters on them agrees with ours:
        approved = public; pending = neither public nor removed;
        spam and trash = removed."""
        self.is_public = self.status == self.Status.APPROVED
        self.is_removed = self.status in (self.Status.SPAM, self.Status.TRASH)

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def get_absolute_url(self, anchor_pattern="#comment-%(id)s"):
        return self.content_object.get_url() + (anchor_pattern % {"id": self.pk})
