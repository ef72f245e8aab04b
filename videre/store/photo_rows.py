"""Fetched photos in, rows to store out (hashes and a thumbnail). Light on purpose (no database):
the crawl's photo workers (crawler/photo_workers.py) need only this, and the crawl process, which
hands photos to them, loads no imaging library through it (see photo_rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videre.core.errors import ImageRejected
from videre.extract.normalise.photo_checks import PhotoLimits
from videre.extract.records import FetchedPhoto


@dataclass(frozen=True)
class PhotoRow:
    """A processed photo ready to store: hashes and thumbnail, never the picture unless asked."""

    url: str
    sha256: str
    width: int
    height: int
    fingerprint: bytes
    thumbnail: bytes | None
    original_path: str | None = None


@dataclass(frozen=True)
class PhotoConfig:
    limits: PhotoLimits
    keep_originals: bool
    photo_dir: Path


def photo_rows(photos: Sequence[FetchedPhoto], config: PhotoConfig) -> tuple[list[PhotoRow], list[str]]:
    """Rows for the photos that pass, and why each other one was refused."""
    rows: list[PhotoRow] = []
    errors: list[str] = []
    for photo in photos:
        if photo.error or photo.data is None:
            errors.append(f"{photo.url}: {photo.error or 'no data'}")
            continue
        # NumPy, OpenCV and Pillow load where a photo is decoded (about 0.2 s of start-up).
        from videre.extract.normalise.images import process_photo

        try:
            done = process_photo(photo.data, config.limits, photo.content_type,
                                 keep_original=config.keep_originals)
        except ImageRejected as exc:
            errors.append(f"{photo.url}: {exc}")
            continue
        rows.append(PhotoRow(url=photo.url, sha256=done.hashes.sha256, width=done.hashes.width,
                             height=done.hashes.height, fingerprint=done.hashes.pack(),
                             thumbnail=done.thumbnail,
                             original_path=_keep_original(config, done.hashes.sha256, done.original)))
    return rows, errors


def _keep_original(config: PhotoConfig, sha256: str, original: bytes | None) -> str | None:
    if original is None:
        return None
    path = config.photo_dir / sha256[:2] / f"{sha256}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(original)
    return str(path)
