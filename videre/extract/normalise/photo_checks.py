"""What a photo may be, checked before any pixel is decoded: its response headers and its size.

Light on purpose (no imaging libraries): the crawl process checks photos as they download and
leaves decoding and hashing (images.py) to its photo workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from videre.core.errors import ImageRejected

if TYPE_CHECKING:
    from videre.core.config import PhotoSettings

# Formats a photo in an ad is published in. Anything else (SVG, TIFF, PSD, EPS...) is refused:
# fewer decoders means less attack surface.
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# Content types that say nothing either way; the bytes are sniffed instead.
UNTYPED = {"", "application/octet-stream", "binary/octet-stream", "application/binary"}


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 8_000_000
    max_pixels: int = 40_000_000
    max_side: int = 12_000
    thumbnail_px: int = 160

    @classmethod
    def from_settings(cls, s: PhotoSettings) -> PhotoLimits:
        return cls(max_bytes=s.max_bytes, max_pixels=s.max_pixels, max_side=s.max_side,
                   thumbnail_px=s.thumbnail_px)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_download(content_type: str | None, declared_length: int | None, limits: PhotoLimits) -> None:
    """Refuse a photo from its response headers, before the body is read."""
    media = _media_type(content_type)
    if media not in UNTYPED and not media.startswith("image/"):
        raise ImageRejected(f"not an image: content type {media!r}")
    if media.startswith("image/") and media not in ALLOWED_FORMATS.values() and media != "image/jpg":
        raise ImageRejected(f"unsupported image type {media!r}")
    if declared_length is not None and declared_length > limits.max_bytes:
        raise ImageRejected(f"too large: {declared_length} bytes declared, limit {limits.max_bytes}")
