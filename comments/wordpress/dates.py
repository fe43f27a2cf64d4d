"""WordPress writes each date twice: in GMT and in the site's local time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def aware(naive_gmt: datetime | None, naive_local: datetime | None) -> datetime | None:
    """The GMT date, or else the local one read in this site's time zone."""
    if naive_gmt is not None:
        return naive_gmt.replace(tzinfo=UTC)
    if naive_local is not None:
        return naive_local.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return None
