"""The files retention purges: WARC archives, screenshots and kept photo originals.

An old archive that holds pages of an ad attached to a case is cut down to those pages, not kept
whole: one ad under review must not keep a whole night's crawl alive.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler.screenshots import SCREENSHOT_DIR, key_of
from videre.core.config import Settings
from videre.store.archive import copy_archive, read_archive

ARCHIVE_DIR = "archive"
WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass
class FilePlan:
    """Old evidence files: to delete whole, or archives to cut down to the attached ads."""

    delete: list[Path] = field(default_factory=list)
    trim: list[Path] = field(default_factory=list)
    kept: int = 0  # old files kept whole because everything in them is attached to a case
    bytes: int = 0  # what deleting (not trimming) frees

    def add_delete(self, path: Path) -> None:
        self.delete.append(path)
        try:
            self.bytes += path.stat().st_size
        except OSError:
            pass


def _old_files(root: Path, cutoff: datetime, suffixes: tuple[str, ...]) -> Iterator[Path]:
    if not root.is_dir():
        return
    limit = cutoff.timestamp()
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name.endswith(suffixes):
            if path.stat().st_mtime < limit:
                yield path


def _keep_ids(path: Path, attached: frozenset[str]) -> tuple[set[str], int]:
    """Record ids to keep in an archive, and how many records it holds.

    Kept: the warcinfo, every record about an attached url, and the page (response and request)
    an attached ad was read from.
    """
    keep: set[str] = set()
    requests: dict[str, str] = {}
    total = 0
    for rec in read_archive(path, payloads=False):
        total += 1
        rid, uri, to = rec.record_id, rec.url, rec.concurrent_to
        if rec.kind == "warcinfo" or uri in attached:
            keep.add(rid)
            if to:
                keep.add(to)
        if rec.kind == "request" and to:
            requests[rid] = to
    keep |= {rid for rid, to in requests.items() if to in keep}
    return keep, total


def plan_archives(settings: Settings, cutoff: datetime, attached: frozenset[str], plan: FilePlan) -> None:
    for path in _old_files(settings.path(ARCHIVE_DIR), cutoff, WARC_SUFFIXES):
        keep, total = _keep_ids(path, attached) if attached else (set(), 0)
        # Only the warcinfo left means nothing attached is in the file.
        if len(keep) <= 1:
            plan.add_delete(path)
        elif len(keep) < total:
            plan.trim.append(path)
        else:
            plan.kept += 1


def plan_screenshots(settings: Settings, cutoff: datetime, attached_keys: frozenset[str],
                     plan: FilePlan) -> None:
    for path in _old_files(settings.path(SCREENSHOT_DIR), cutoff, (".png",)):
        if key_of(path) in attached_keys:
            plan.kept += 1
        else:
            plan.add_delete(path)


def trim_archive(path: Path, attached: frozenset[str]) -> int:
    """Rewrite `path` with only what concerns attached ads; keep its time so its age stays true.
    Returns the number of records dropped."""
    keep, total = _keep_ids(path, attached)
    stat = path.stat()
    tmp = path.with_name(path.name + ".trim")
    copy_archive(path, tmp, keep)
    os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    tmp.replace(path)
    return total - len(keep)


def remove(paths: list[Path], inside: Path) -> tuple[int, list[str]]:
    """Delete files that lie under `inside`; return how many went and the problems met."""
    root = inside.resolve()
    removed, problems = 0, []
    for path in paths:
        try:
            if not path.resolve().is_relative_to(root):
                problems.append(f"{path}: outside {root}, left alone")
                continue
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    return removed, problems
