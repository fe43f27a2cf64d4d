"""When what readers see last changed, kept in the database so that every
process and every app server agrees at once (a local-memory cache would not)."""

from django.db import models


class ContentVersion(models.Model):
    """One row per scope: "site" (anything a reader can see) and "post:<pk>"
    (one post's discussion). Moved forward in the transaction of the change."""

    key = models.CharField(max_length=64, primary_key=True)
    changed_at = models.DateTimeField()

    class Meta:
        app_label = "comments"

    def __str__(self):
        return f"{self.key} @ {self.changed_at.isoformat()}"
