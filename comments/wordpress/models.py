"""The import map: what an import made of each WordPress object, so that a
second run of the same file updates instead of duplicating, and a run that
stopped half-way continues where it stopped."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedObject(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        POST = "post", _("Post")
        COMMENT = "comment", _("Comment")
        IMAGE = "image", _("Image")

    # The WordPress site the file came from (its wp:base_blog_url, else <link>):
    # ids are only unique within one site.
    source = models.CharField(_("source site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    wp_id = models.BigIntegerField(_("WordPress id"))
    object_id = models.BigIntegerField(_("object id"))
    # A post's old permalink path, redirected to the new one.
    old_path = models.CharField(_("old address"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("imported WordPress object")
        verbose_name_plural = _("imported WordPress objects")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="one_import_per_wordpress_object"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_by_object")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.wp_id} → {self.object_id}"


class WxrImport(models.Model):
    """One import started from the admin: the uploaded file waits in
    WXR_IMPORT_DIR (never under MEDIA: an export holds commenters' emails)
    until a background task has read it; the page shows its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=200)
    stored_as = models.CharField(max_length=300, editable=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    items_done = models.PositiveIntegerField(default=0)
    items_total = models.PositiveIntegerField(null=True, blank=True)
    report = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WordPress import")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.state})"
