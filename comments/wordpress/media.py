"""--fetch-media: the images of imported posts downloaded into Wagtail's
images, once per address, through the one safe fetcher (public addresses,
its deadline, LINKBACKS_MAX_BYTES), checked by Pillow to be a raster image of
sane size. An image that cannot be had stays a link, and the report says why.
Downloads happen before a post's transaction opens, never inside it."""

import hashlib
import io
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from PIL import Image as Pillow
from wagtail.images import get_image_model

from comments import pictures
from comments.wordpress.models import ImportedObject

TITLE_LENGTH = 255


def address_id(url: str) -> int:
    """A stable id for an image address in the import map (which keys on ids)."""
    return int.from_bytes(hashlib.sha256(url.encode()).digest()[:7], "big")


class MediaFetcher:
    def __init__(self, importer):
        self.importer = importer

    def image_for(self, url: str, alt: str) -> int | None:
        """A Wagtail image id for the image at `url`, or None (then a link)."""
        Image = get_image_model()
        source = self.importer.source
        key = address_id(url)
        known = ImportedObject.objects.filter(
            source=source, kind=ImportedObject.Kind.IMAGE, wp_id=key
        ).first()
        if known and Image.objects.filter(pk=known.object_id).exists():
            return known.object_id
        try:
            data = pictures.fetch_raster(url)
            _check(data)
        except (pictures.Unusable, pictures.TryLater) as error:
            self.importer.report.note(f"image {url}: kept as a link ({error})")
            return None
        name = PurePosixPath(unquote(urlsplit(url).path)).name or "bild"
        image = Image(title=(alt or name)[:TITLE_LENGTH])
        image.file = ImageFile(io.BytesIO(data), name=name[-100:])
        image.save()
        ImportedObject.objects.update_or_create(
            source=source,
            kind=ImportedObject.Kind.IMAGE,
            wp_id=key,
            defaults={"object_id": image.pk},
        )
        self.importer.report.count("image", "fetched", created=True)
        return image.pk


def _check(data: bytes):
    try:
        with Pillow.open(io.BytesIO(data), formats=pictures.READABLE) as image:
            width, height = image.size
            if width * height > pictures.MAX_PIXELS:
                raise pictures.Unusable(f"too many pixels: {width} x {height}")
            image.verify()
    except pictures.Unusable:
        raise
    except Exception as error:  # any decoder failure: not an image we keep
        raise pictures.Unusable(f"not a readable image ({type(error).__name__})") from error
