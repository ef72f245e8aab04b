"""Photos in, hashes and a thumbnail out: safe decoding, EXIF stripped, nothing else kept.

Photos come from hostile sites. Sizes are checked on the response headers, on the byte count and on
the pixel dimensions in the file header before any pixel is decoded. JPEGs are decoded at reduced
scale (libjpeg's DCT scaling) because hashes and thumbnails need a few hundred pixels at most.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from videre.core.errors import ImageRejected
from videre.extract.normalise.photo_checks import ALLOWED_FORMATS, PhotoLimits, check_download
from videre.extract.normalise.photo_hashing import PhotoHashes, compute_hashes

__all__ = ["PhotoHashes", "PhotoLimits", "ProcessedPhoto", "check_download", "process_photo",
           "decode_photo"]

# Longest side of the working copy the hashes are computed from.
WORK_PX = 384
THUMB_QUALITY = 80
ORIGINAL_QUALITY = 90


@dataclass(frozen=True)
class ProcessedPhoto:
    hashes: PhotoHashes
    thumbnail: bytes  # small JPEG, EXIF-free
    original: bytes | None  # re-encoded EXIF-free original; only when asked for


def _open_checked(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Open lazily (header only) and check format and dimensions before anything is decoded."""
    if not data:
        raise ImageRejected("empty file (0 bytes)")
    if len(data) > limits.max_bytes:
        raise ImageRejected(f"too large: {len(data)} bytes, limit {limits.max_bytes}")
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check is global state; the limits below are ours and stricter.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except Image.DecompressionBombError as exc:
        raise ImageRejected(f"too many pixels (decompression bomb): {exc}") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected("not a readable image: not JPEG, PNG, WebP or GIF, or a damaged header") from None
    w, h = img.size
    if w <= 0 or h <= 0:
        raise ImageRejected(f"invalid dimensions {w}x{h}")
    if max(w, h) > limits.max_side:
        raise ImageRejected(f"dimensions too large: {w}x{h}, limit {limits.max_side} px a side")
    if w * h > limits.max_pixels:
        raise ImageRejected(f"too many pixels (possible decompression bomb): {w}x{h} = {w * h}, "
                            f"limit {limits.max_pixels}")
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        # Transparent areas shown on a white page: hash what a viewer sees.
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if img.mode != "RGB":
        return img.convert("RGB")
    return img


def decode_photo(data: bytes, limits: PhotoLimits, work_px: int | None = WORK_PX) -> Image.Image:
    """Decode to an upright RGB image, at reduced size when `work_px` is given and the format allows.

    EXIF orientation is applied and then dropped with the rest of the metadata.
    """
    img = _open_checked(data, limits)
    try:
        if work_px and img.format == "JPEG":
            # draft() keeps both sides at least as large as asked: ask for the photo's own shape
            # with its longer side at work_px, so a 600x800 photo decodes at 1/2 scale.
            w, h = img.size
            img.draft("RGB", (-(-w * work_px // max(w, h)), -(-h * work_px // max(w, h))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img.load()
            img = ImageOps.exif_transpose(img) or img
            rgb = _to_rgb(img)
    except Image.DecompressionBombError as exc:
        raise ImageRejected(f"too many pixels (decompression bomb): {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(f"truncated or corrupt image: {exc}") from None
    if work_px and max(rgb.size) >= 2 * work_px:
        # Integer box reduction: cheap, and the hashes resample again anyway.
        rgb = rgb.reduce(max(rgb.size) // work_px)
    return rgb


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: the encoded file carries pixels only.
    img.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def process_photo(data: bytes, limits: PhotoLimits, content_type: str | None = None,
                  keep_original: bool = False) -> ProcessedPhoto:
    """Check, decode and hash one photo; raises ImageRejected with the reason when it is refused."""
    check_download(content_type, None, limits)
    sha256 = hashlib.sha256(data).hexdigest()
    header = _open_checked(data, limits)
    width, height = header.size
    original: bytes | None = None
    if keep_original:
        full = decode_photo(data, limits, work_px=None)
        original = _jpeg(full, ORIGINAL_QUALITY)
        work = full.reduce(max(1, max(full.size) // WORK_PX))
    else:
        work = decode_photo(data, limits)
    if work.size != header.size and (work.width > work.height) != (width > height) and width != height:
        width, height = height, width  # EXIF rotated the photo by 90 degrees
    hashes = compute_hashes(np.asarray(work), sha256=sha256, width=width, height=height)
    # Box filters (area averages) are the right ones for shrinking, and the cheapest: an integer
    # reduction first, then the last step to size.
    factor = max(work.size) // limits.thumbnail_px
    thumb = work.reduce(factor) if factor >= 2 else work.copy()
    thumb.thumbnail((limits.thumbnail_px, limits.thumbnail_px), Image.Resampling.BOX)
    return ProcessedPhoto(hashes=hashes, thumbnail=_jpeg(thumb, THUMB_QUALITY), original=original)
