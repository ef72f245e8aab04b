"""Which stored photos show the same picture: pairwise decision, index, and grouping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from crawler.normalise.photo_hashing import HASH_BYTES, VIEW_NAMES, PhotoHashes

# PDQ's authors recommend 31/256 for "same picture"; measured on our generated set (bench/), no
# distinct pair came under it.
MATCH_DISTANCE = 31


@dataclass(frozen=True)
class PhotoMatch:
    distance: float
    method: str
    reason: str


def _hamming(a: bytes, b: bytes) -> int:
    return int.from_bytes(a, "big").__xor__(int.from_bytes(b, "big")).bit_count()


def _view_pairs(a: PhotoHashes, b: PhotoHashes) -> Iterable[tuple[int, str, str, bool]]:
    n = min(len(a.pdq), len(b.pdq)) // HASH_BYTES
    for mirror in (False, True):
        for i in range(n):
            for j in range(n):
                yield _hamming(a.view(i), b.view(j, mirror)), VIEW_NAMES[i], VIEW_NAMES[j], mirror


def same_photo(a: PhotoHashes, b: PhotoHashes) -> PhotoMatch | None:
    """Whether two fingerprints show the same picture, and why; None when they do not."""
    if a.sha256 == b.sha256:
        return PhotoMatch(0.0, "sha256", "identical files")
    best = min(_view_pairs(a, b), key=lambda p: p[0])
    d, va, vb, mirror = best
    if d > MATCH_DISTANCE:
        return None
    where = "whole photo" if va == vb == "whole" else f"{va} of one and {vb} of the other"
    flip = " after mirroring" if mirror else ""
    return PhotoMatch(float(d), "pdq", f"PDQ distance {d}/256 ({where}){flip}")


class PhotoIndex:
    """Near-duplicate lookup over many fingerprints."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._hashes: list[PhotoHashes] = []
        self._matrix: np.ndarray | None = None

    def add(self, photo_id: int, h: PhotoHashes) -> None:
        self._ids.append(photo_id)
        self._hashes.append(h)
        self._matrix = None

    @classmethod
    def build(cls, items: Iterable[tuple[int, PhotoHashes]]) -> PhotoIndex:
        index = cls()
        for photo_id, h in items:
            index.add(photo_id, h)
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def query(self, h: PhotoHashes, exclude: int | None = None) -> list[tuple[int, PhotoMatch]]:
        out = []
        for photo_id, other in zip(self._ids, self._hashes):
            if photo_id == exclude:
                continue
            m = same_photo(h, other)
            if m is not None:
                out.append((photo_id, m))
        out.sort(key=lambda p: (p[1].distance, p[0]))
        return out


def group_photos(items: Sequence[tuple[int, PhotoHashes]]) -> dict[int, int]:
    """photo id -> group id (the smallest photo id in its group of same-picture photos)."""
    parent = {pid: pid for pid, _ in items}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    index = PhotoIndex()
    for pid, h in items:
        for other, _ in index.query(h, exclude=pid):
            ra, rb = find(pid), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        index.add(pid, h)
    return {pid: find(pid) for pid in parent}
