"""Story photos: checked, re-encoded with Pillow and stripped of EXIF and every other metadata.

The bytes kept are new pixels written by Pillow, never the upload itself, so location, camera
and author details in the file do not reach the public page.
"""

from __future__ import annotations

import io
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats accepted as uploads.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
#: Longest side kept; larger photos are scaled down.
MAX_SIDE = 2000
#: More pixels than this is refused before decoding (a "decompression bomb").
MAX_PIXELS = 50_000_000


class PhotoError(ValueError):
    """An upload that is not a usable photo; the message is shown at the field."""


def max_photo_bytes() -> int:
    return int(current_app.config.get("STORY_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def _megabytes(size: int) -> str:
    """e.g. "5 MB", "7.3 MB", "2 KB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def reencode_photo(data: bytes, limit: int | None = None) -> tuple[bytes, str]:
    """The photo as clean JPEG (or PNG when it has transparency) bytes, and its MIME type.

    :raise PhotoError: when it is over ``limit`` bytes (default STORY_PHOTO_MAX_BYTES), empty,
        not an image, or not JPEG, PNG, WebP or GIF.
    """
    limit = max_photo_bytes() if limit is None else limit
    if not data:
        raise PhotoError("The photo file is empty. Choose a JPEG or PNG photo.")
    if len(data) > limit:
        raise PhotoError(f"The photo is {_megabytes(len(data))}; photos can be at most {_megabytes(limit)}. "
                         "Choose a smaller photo or reduce its size.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError("Choose a JPEG, PNG, WebP or GIF photo.")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("The photo has too many pixels; choose a smaller one.")
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF said, then drop it
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise PhotoError("This file could not be read as a photo. Choose a JPEG or PNG photo.") from None
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)  # a new image: no info, EXIF, ICC profile, XMP or comments carried over
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"
