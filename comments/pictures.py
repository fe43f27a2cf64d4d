"""Pictures that live elsewhere, served from here.

A social account's picture (and, later, a fediverse actor's avatar) sits on
another host; put in a page as it is, every reader's browser would ask that
host for it. So it is fetched once, in the background, through the one safe
fetcher (comments/linkbacks/safe_fetch.py: public addresses only, one deadline,
at most LINKBACKS_MAX_BYTES), checked to be a raster image of sane size,
re-encoded (no metadata survives, a square of SIZE pixels) and stored
under MEDIA as pictures/<hash of the source URL>.<ext>.

Pages never fetch: `local_url(source)` finds the copy by its name, with no
query, or says there is none yet. Tasks call `copy(source, owner)`. A new
source URL is a new copy; `forget(owner, keep=...)` removes an owner's others.
"""

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, features

from comments.linkbacks import safe_fetch
from comments.models import PictureCopy

logger = logging.getLogger(__name__)

FOLDER = "pictures"
SIZE = 128  # shown at 48 px: sharp on screens of twice the density and more
# Far beyond any profile picture, far below what would fill the worker's memory:
# a small file can declare a huge canvas (a "decompression bomb").
MAX_PIXELS = 4096 * 4096
READABLE = ("JPEG", "PNG", "GIF", "WEBP")
_ACCEPTED_TYPES = ("image/", "application/octet-stream")
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_FORMAT, _EXTENSION = ("WEBP", "webp") if features.check("webp") else ("PNG", "png")


class Unusable(Exception):
    """The source gives no picture we will show, and asking again will not help."""


class TryLater(Exception):
    """The source could not be reached, or was busy; another try may work."""


def storage_name(source: str) -> str:
    """Where the copy of `source` lives in the default storage. A hash, so the
    name tells nothing and any URL gives a short, safe file name."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:32]
    return f"{FOLDER}/{digest}.{_EXTENSION}"


def local_url(source: str | None) -> str | None:
    """The copy's address here, or None until there is one. No query: a file
    system storage answers with one stat."""
    if not source:
        return None
    name = storage_name(source)
    return default_storage.url(name) if default_storage.exists(name) else None


def copy(source: str, owner: str = "") -> str | None:
    """Fetch `source` and store its copy, unless it is there already; return
    its local URL, or None when the source gives no usable picture (the reason
    is recorded). Raises TryLater when another try may do better."""
    record, _created = PictureCopy.objects.get_or_create(source=source, defaults={"owner": owner})
    found = local_url(source)
    if found is None:
        record.tried_at = timezone.now()
        try:
            data = encode(fetch_raster(source))
        except (Unusable, TryLater) as error:
            record.error = str(error)[:300]
            record.save(update_fields=["tried_at", "error"])
            logger.info("Picture %s not copied: %s", source, error)
            if isinstance(error, TryLater):
                raise
            return None
        record.file = _store(storage_name(source), data)
        record.fetched_at, record.error = timezone.now(), ""
        found = local_url(source)
    if owner and record.owner != owner:
        record.owner = owner
    record.save()
    if owner:
        forget(owner, keep=source)
    return found


def forget(owner: str, keep: str | None = None) -> int:
    """Delete an owner's copies, but for the one of `keep`: the account was
    deleted, or its picture moved to a new URL. Returns how many went."""
    gone = PictureCopy.objects.filter(owner=owner).exclude(source=keep or "")
    count = 0
    for record in gone:
        default_storage.delete(storage_name(record.source))
        record.delete()
        count += 1
    return count


def fetch_raster(source: str) -> bytes:
    """The bytes of a raster image at `source`, through the safe fetcher;
    Unusable or TryLater otherwise (the WordPress import uses it too)."""
    try:
        response = safe_fetch.fetch(source, headers={"Accept": "image/webp,image/*;q=0.8"})
    except safe_fetch.Refused as error:
        raise Unusable(str(error)) from error
    except safe_fetch.FetchError as error:
        raise TryLater(str(error)) from error
    if response.status in _RETRY_STATUSES:
        raise TryLater(f"The server answered {response.status}.")
    if response.status != 200:
        raise Unusable(f"The server answered {response.status}.")
    if response.truncated:
        raise Unusable("The picture is larger than LINKBACKS_MAX_BYTES.")
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if (kind and not kind.startswith(_ACCEPTED_TYPES)) or "svg" in kind:
        raise Unusable(f"Not a raster image: {kind}.")
    return response.body


def encode(data: bytes) -> bytes:
    """The picture in `data` as a fresh square image of SIZE pixels,
    or Unusable. Only what survives a decode and a re-encode is kept: no
    metadata, no second frame, nothing appended to the file."""
    try:
        # Only the header is read here: the size is known before any pixel is.
        with Image.open(io.BytesIO(data), formats=READABLE) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Unusable(f"Too many pixels: {width} x {height}.")
            image.seek(0)
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGBA")
            square = ImageOps.fit(picture, (SIZE, SIZE), Image.Resampling.LANCZOS)
    except Unusable:
        raise
    # Decoders fed a stranger's bytes fail in many ways (OSError, SyntaxError,
    # ValueError, struct.error, ...); each means: not a picture we can show.
    except Exception as error:
        raise Unusable(f"Not a readable image ({type(error).__name__}).") from error
    out = io.BytesIO()
    if _FORMAT == "WEBP":
        square.save(out, "WEBP", quality=85, method=4)
    else:
        square.save(out, "PNG", optimize=True)
    return out.getvalue()


def _store(name: str, data: bytes) -> str:
    """Save under exactly `name`. A storage that finds the name taken (another
    worker was quicker) picks another; that second copy goes again."""
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
    return name
