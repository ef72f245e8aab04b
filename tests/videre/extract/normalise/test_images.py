"""Safe photo processing: what is refused, what is kept, and that EXIF never survives."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from tests.triage.photo_samples import jpeg, scene
from videre.core.config import PhotoSettings
from videre.core.errors import ImageRejected
from videre.extract.normalise.images import PhotoHashes, PhotoLimits, check_download, decode_photo, process_photo

LIMITS = PhotoLimits()


def _encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size, with almost no pixel data: a decompression bomb
    as the decoder first sees it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return scene(11)


def test_limits_come_from_settings() -> None:
    s = PhotoSettings(max_bytes=50_000, max_pixels=1_000_000, max_side=2000, thumbnail_px=96)
    assert PhotoLimits.from_settings(s) == PhotoLimits(50_000, 1_000_000, 2000, 96)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_each_accepted_format_gives_hashes_and_a_thumbnail(photo: Image.Image, fmt: str) -> None:
    done = process_photo(_encode(photo, fmt), LIMITS, f"image/{fmt.lower()}")
    assert (done.hashes.width, done.hashes.height) == photo.size
    assert done.hashes.n_points > 12 and done.hashes.n_keys > 5
    thumb = Image.open(io.BytesIO(done.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) == LIMITS.thumbnail_px
    assert done.original is None


def test_transparent_png_is_hashed_as_seen_on_a_white_page(photo: Image.Image) -> None:
    rgba = photo.convert("RGBA")
    rgba.putalpha(255)
    flat = process_photo(_encode(photo, "PNG"), LIMITS).hashes
    see_through = process_photo(_encode(rgba, "PNG"), LIMITS).hashes
    assert see_through.pdq == flat.pdq


def test_exif_is_stripped_and_its_orientation_applied(photo: Image.Image) -> None:
    exif = Image.Exif()
    exif[0x0110] = "Phone 3000"  # camera model
    exif[0x8298] = "Anna, 070-1740605"  # copyright: personal data that must not be kept
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display
    data = _encode(photo, "JPEG", exif=exif.tobytes(), quality=90)
    done = process_photo(data, LIMITS, "image/jpeg", keep_original=True)
    assert done.original is not None
    for blob in (done.thumbnail, done.original):
        assert b"Exif" not in blob and b"070-1740605" not in blob
        assert not Image.open(io.BytesIO(blob)).getexif()
    # The photo is shown rotated, so it is hashed and stored rotated.
    assert (done.hashes.width, done.hashes.height) == (photo.height, photo.width)
    assert Image.open(io.BytesIO(done.original)).size == (photo.height, photo.width)


def test_original_is_kept_only_when_asked(photo: Image.Image) -> None:
    data = jpeg(photo)
    assert process_photo(data, LIMITS).original is None
    kept = process_photo(data, LIMITS, keep_original=True)
    assert kept.original is not None and Image.open(io.BytesIO(kept.original)).size == photo.size
    # Decoding at full size or at reduced JPEG scale gives the same fingerprint where it matters.
    assert kept.hashes.sha256 == process_photo(data, LIMITS).hashes.sha256


def test_fingerprint_packs_and_unpacks(photo: Image.Image) -> None:
    h = process_photo(jpeg(photo), LIMITS).hashes
    packed = h.pack()
    assert PhotoHashes.unpack(packed) == h
    assert len(packed) < 6000  # hashes, not a copy of the photo
    with pytest.raises(ValueError):
        PhotoHashes.unpack(packed[:-3])
    with pytest.raises(ValueError):
        PhotoHashes.unpack(b"GIF89a" + packed[6:])
    # A fingerprint from an unknown version is refused by name, not misread.
    with pytest.raises(ValueError, match="format v1 is not supported"):
        PhotoHashes.unpack(packed[:2] + bytes([1]) + packed[3:])
    # One stored before the colour signature (v2) is still read, without colour.
    old = dataclasses.replace(h, colour=b"")
    assert packed[2] == 3 and old.pack()[2] == 2
    assert PhotoHashes.unpack(old.pack()) == old


def test_decode_at_reduced_scale_gives_the_working_size(photo: Image.Image) -> None:
    # A 600x800 JPEG decodes at half scale straight to 300x400, the size the hashes work on.
    assert decode_photo(jpeg(photo), LIMITS).size == (300, 400)
    assert decode_photo(jpeg(photo.resize((1200, 1600))), LIMITS).size == (300, 400)


@pytest.mark.parametrize("data,content_type,message", [
    (b"", "image/jpeg", "empty file"),
    (b"<html><body>Not found</body></html>", "text/html", "not an image"),
    (b"%PDF-1.4 ...", None, "not a readable image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg", "not a readable image"),
])
def test_refused_with_a_clear_reason(data: bytes, content_type: str | None, message: str) -> None:
    with pytest.raises(ImageRejected, match=message):
        process_photo(data, LIMITS, content_type)


def test_too_many_bytes_is_refused(photo: Image.Image) -> None:
    data = jpeg(photo)
    with pytest.raises(ImageRejected, match="too large"):
        process_photo(data, PhotoLimits(max_bytes=len(data) - 1))


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _png_header_only(6000, 6000)  # 36 Mpx claimed in 100 bytes
    assert len(bomb) < 200
    with pytest.raises(ImageRejected, match="too many pixels"):
        process_photo(bomb, PhotoLimits(max_pixels=20_000_000))


def test_huge_dimension_is_refused() -> None:
    with pytest.raises(ImageRejected, match="dimensions too large"):
        process_photo(_png_header_only(20_000, 10), LIMITS, "image/png")


def test_truncated_file_is_refused(photo: Image.Image) -> None:
    data = jpeg(photo)
    with pytest.raises(ImageRejected, match="truncated or corrupt"):
        process_photo(data[: len(data) // 3], LIMITS, "image/jpeg")


def test_unsupported_format_is_refused(photo: Image.Image) -> None:
    with pytest.raises(ImageRejected, match="not a readable image"):
        process_photo(_encode(photo, "TIFF"), LIMITS)
    with pytest.raises(ImageRejected, match="unsupported image type"):
        process_photo(_encode(photo, "TIFF"), LIMITS, "image/tiff")


def test_check_download_refuses_on_headers_alone() -> None:
    check_download("image/jpeg", 120_000, LIMITS)
    check_download("application/octet-stream", None, LIMITS)  # sniffed later
    check_download(None, None, LIMITS)
    with pytest.raises(ImageRejected, match="not an image"):
        check_download("text/html; charset=utf-8", 5_000, LIMITS)
    with pytest.raises(ImageRejected, match="too large"):
        check_download("image/png", LIMITS.max_bytes + 1, LIMITS)
    with pytest.raises(ImageRejected, match="unsupported"):
        check_download("image/svg+xml", 900, LIMITS)


def test_decode_reduces_large_photos_but_keeps_small_ones() -> None:
    big = Image.fromarray(np.full((1600, 1200, 3), 128, np.uint8))
    assert max(decode_photo(jpeg(big), LIMITS).size) < 800
    small = Image.fromarray(np.full((60, 40, 3), 90, np.uint8))
    assert decode_photo(_encode(small, "PNG"), LIMITS).size == (40, 60)


def test_blank_and_tiny_pictures_still_get_a_fingerprint() -> None:
    blank = process_photo(_encode(Image.new("RGB", (300, 400), (240, 240, 240)), "PNG"), LIMITS)
    assert blank.hashes.quality < 50 and blank.hashes.n_points == 0
    tiny = process_photo(_encode(Image.new("RGB", (8, 8), (10, 200, 30)), "GIF"), LIMITS)
    assert PhotoHashes.unpack(tiny.hashes.pack()) == tiny.hashes
