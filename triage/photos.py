"""Which stored photos show the same picture: the decision, the index, grouping and hubs.

Triage links ads through photo groups: two ads are linked when their photos fall in one group.
The pairwise decision lives in photo_match, the look-up structure in photo_index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from crawler.normalise.photo_hashing import PhotoHashes
from triage.photo_index import PhotoIndex
from triage.photo_match import MIN_QUALITY, PhotoMatch, same_photo

__all__ = ["PhotoIndex", "PhotoMatch", "group_photos", "groups_from_pairs", "matching_pairs", "placeholder_reason",
           "photo_hubs", "same_photo"]

# A picture with less structure than this is a logo, a "no photo" card or a blank: it cannot
# tell one woman from another, so it never links ads on its own.
MIN_KEYPOINTS = 12
EXHAUSTIVE_UP_TO = 150


class _Groups:
    """Union-find whose root is always the smallest id of its group."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _search(items: Sequence[tuple[int, PhotoHashes]],
            on_match: Callable[[int, int, PhotoMatch], None] | None) -> _Groups:
    groups = _Groups(pid for pid, _ in items)
    # Identical files first: they need no index and no check.
    by_sha: dict[str, int] = {}
    unique: list[tuple[int, PhotoHashes]] = []
    for pid, h in items:
        first = by_sha.setdefault(h.sha256, pid)
        if first != pid:
            groups.union(first, pid)
            if on_match is not None:
                on_match(first, pid, PhotoMatch(0.0, "sha256", "identical files (same SHA-256)"))
        else:
            unique.append((pid, h))
    index = PhotoIndex.build(unique)
    checked: set[tuple[int, int]] = set()
    everyone = np.arange(len(unique))
    for pid, h in unique:
        # A small set is checked pair by pair: the index misses a few heavily cropped copies.
        found = everyone if len(unique) <= EXHAUSTIVE_UP_TO else index.candidates(h)
        for other in found:
            oid = index.photo_id(int(other))
            pair = (min(pid, oid), max(pid, oid))
            if oid == pid or pair in checked:
                continue
            if on_match is None and groups.find(oid) == groups.find(pid):
                continue  # already joined through other photos: no need to check
            checked.add(pair)
            m = same_photo(h, index.hashes(int(other)))
            if m is not None:
                groups.union(pid, oid)
                if on_match is not None:
                    on_match(*pair, m)
    return groups


def group_photos(items: Sequence[tuple[int, PhotoHashes]]) -> dict[int, int]:
    """photo id -> group id, the smallest photo id of its group of photos showing one picture."""
    groups = _search(items, None)
    return {pid: groups.find(pid) for pid, _ in items}


def groups_from_pairs(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """id -> smallest id of its connected group."""
    groups = _Groups(ids)
    for a, b in pairs:
        groups.union(a, b)
    return {i: groups.find(i) for i in groups.parent}


def matching_pairs(items: Sequence[tuple[int, PhotoHashes]]) -> list[tuple[int, int, PhotoMatch]]:
    """Every matching pair (smaller id first) with its reason: slower than group_photos."""
    pairs: list[tuple[int, int, PhotoMatch]] = []
    _search(items, lambda a, b, m: pairs.append((a, b, m)))
    return sorted(pairs, key=lambda p: (p[0], p[1]))


def placeholder_reason(h: PhotoHashes) -> str | None:
    """Why a picture looks like a placeholder or logo rather than a photo; None when it does not."""
    if h.quality < MIN_QUALITY:
        return f"a flat picture (PDQ quality {h.quality}/100)"
    if h.n_points < MIN_KEYPOINTS:
        return f"a picture with little detail ({h.n_points} keypoints)"
    return None


def photo_hubs(group_ads: Mapping[int, int], group_hashes: Mapping[int, PhotoHashes],
               min_ads: int) -> dict[int, str]:
    """Photo groups to keep out of linking: group id -> reason shown to analysts.

    `group_ads` counts the ads that carry each group. A placeholder-like picture on `min_ads` or
    more ads is a site's "no photo" card or logo, not one woman's picture. (Photos spread over
    too many names or too much of one site are caught by the generic hub guard.)
    """
    hubs: dict[int, str] = {}
    for group, n_ads in group_ads.items():
        h = group_hashes.get(group)
        if h is None or n_ads < min_ads:
            continue
        why = placeholder_reason(h)
        if why:
            hubs[group] = f"on {n_ads} ads and {why}: a placeholder or logo"
    return hubs
