"""Fetched photos in, rows to store out (hashes and a thumbnail). Light on purpose (no database):
the crawl's photo workers import only this, and the crawl process, which hands photos to them,
loads no imaging library through it (see photo_rows)."""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videre.core.errors import ImageRejected
from videre.core.fast_exit import exit_now
from videre.extract.normalise.photo_checks import PhotoLimits
from videre.extract.records import FetchedPhoto


def _alive(pid: int) -> bool:
    """Whether `pid` still runs; a zombie (ended, not yet reaped by its parent) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel instead
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def end_with(owner: int) -> None:
    """Pool initializer: end this worker when the process that owns the pool is gone. Workers of
    a forkserver pool are not its children, so they would otherwise outlive a killed crawl; a
    spawned child of the owner hears of its end at once, through the pipe multiprocessing keeps
    open to it (a killed crawl process's parent waits for its workers to let go of its output)."""
    parent = multiprocessing.parent_process()

    def watch() -> None:
        if parent is not None and parent.pid == owner:
            multiprocessing.connection.wait([parent.sentinel])
        else:
            while _alive(owner):
                time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="videre-owner-watch", daemon=True).start()


def photo_worker_start(owner: int) -> None:
    """Initializer of the crawl's photo workers: end with the crawl process, and end at once when
    told to (`_end_at_once`)."""
    end_with(owner)
    atexit.register(_end_at_once)


def _end_at_once() -> None:
    """At a photo worker's exit, skip the interpreter's teardown of NumPy, OpenCV and Pillow
    (about 0.1 s, which the crawl process waits for as it ends: bench/README.md, crawl). Nothing
    is left to do by then: the worker wrote each result to its pipe before it took the next task,
    and multiprocessing ran its own exit functions before the interpreter's."""
    exit_now(0)


def warm_up() -> None:
    """Load the imaging code in a photo worker before its first photo arrives."""
    from videre.extract.normalise.images import process_photo  # noqa: F401


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
