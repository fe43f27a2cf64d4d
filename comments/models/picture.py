"""Local copies of pictures that live elsewhere (comments/pictures.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PictureCopy(models.Model):
    """One remote picture, fetched once and served from here. The file's name
    follows from the source URL, so pages find it without this row; the row
    records how the last fetch went, and who the copy is for (`owner`, e.g.
    "socialaccount:17"), so that a replaced or deleted account's copy goes."""

    source = models.CharField(_("source URL"), max_length=2000, unique=True)
    owner = models.CharField(_("owner"), max_length=100, blank=True, db_index=True)
    file = models.CharField(_("stored file"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    tried_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("picture copy")
        verbose_name_plural = _("picture copies")

    def __str__(self):
        return self.source
