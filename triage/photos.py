"""Which stored photos show the same picture: the decision, the index, grouping and hubs.

Triage links ads through photo groups: two ads are linked when their photos fall in one group.
The pairwise decision lives in photo_match, the look-up structure in photo_index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from triage.photo_index import PhotoIndex, Tables, stop_count
from triage.photo_match import MIN_QUALITY, PhotoMatch, same_photo
from triage.photo_pairs import key_pairs, pdq_decided, pdq_pairs
from videre.extract.normalise.photo_hashing import PhotoHashes

__all__ = ["PhotoIndex", "PhotoMatch", "group_photos", "groups_from_pairs", "matching_pairs", "placeholder_reason",
           "photo_hubs", "same_photo"]

# A picture with less structure than this is a logo, a "no photo" card or a blank: it cannot
# tell one woman from another, so it never links ads on its own.
MIN_KEYPOINTS = 12
EXHAUSTIVE_UP_TO = 150


class _Groups:
    """Union-find over positions 0..n-1; a group's root is its smallest position."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def smallest(self, ids: Sequence[int]) -> dict[int, int]:
        """ids[i] -> the smallest id in position i's group."""
        roots = [self.find(i) for i in range(len(ids))]
        least: dict[int, int] = {}
        for root, pid in zip(roots, ids):
            least[root] = min(least.get(root, pid), pid)
        return {pid: least[root] for root, pid in zip(roots, ids)}


def _candidate_pairs(hashes: Sequence[PhotoHashes]) -> np.ndarray:
    """(m, 2) positions (query, other) worth checking, each unordered pair once."""
    n = len(hashes)
    if n <= EXHAUSTIVE_UP_TO:
        # A small set is checked pair by pair: the index misses a few heavily cropped copies.
        return np.stack(np.triu_indices(n, 1), axis=1).astype(np.int64)
    tables = Tables(hashes)
    found = np.concatenate([pdq_pairs(tables, hashes), key_pairs(tables, hashes, stop_count(n))])
    if not len(found):
        return found
    # Checked from the side a one-by-one search reaches first: the smaller position, when its
    # own look-up found the pair.
    lo, hi = found.min(axis=1), found.max(axis=1)
    order = np.lexsort((found[:, 0] > found[:, 1], hi, lo))
    found, key = found[order], lo[order] * n + hi[order]
    return found[np.concatenate([[True], key[1:] != key[:-1]])]


def _search(items: Sequence[tuple[int, PhotoHashes]],
            on_match: Callable[[int, int, PhotoMatch], None] | None) -> _Groups:
    groups = _Groups(len(items))
    # Identical files first: they need no index and no check.
    by_sha: dict[str, int] = {}
    unique: list[int] = []
    for i, (pid, h) in enumerate(items):
        first = by_sha.setdefault(h.sha256, i)
        if first != i:
            groups.union(first, i)
            if on_match is not None:
                a, b = sorted((items[first][0], pid))
                on_match(a, b, PhotoMatch(0.0, "sha256", "identical files (same SHA-256)"))
        else:
            unique.append(i)
    hashes = [items[i][1] for i in unique]
    pairs = _candidate_pairs(hashes)
    if on_match is None:
        # Pairs PDQ decides need no call to same_photo; joining them first spares the checks
        # of pairs they already join.
        decided = pdq_decided(hashes, pairs)
        for a, b in pairs[decided].tolist():
            groups.union(unique[a], unique[b])
        pairs = pairs[~decided]
    for a, b in pairs.tolist():
        ia, ib = unique[a], unique[b]
        if on_match is None and groups.find(ia) == groups.find(ib):
            continue  # already joined through other photos: no need to check
        m = same_photo(hashes[a], hashes[b])
        if m is not None:
            groups.union(ia, ib)
            if on_match is not None:
                pa, pb = sorted((items[ia][0], items[ib][0]))
                on_match(pa, pb, m)
    return groups


def group_photos(items: Sequence[tuple[int, PhotoHashes]]) -> dict[int, int]:
    """photo id -> group id, the smallest photo id of its group of photos showing one picture."""
    return _search(items, None).smallest([pid for pid, _ in items])


def groups_from_pairs(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """id -> smallest id of its connected group."""
    ids = list(dict.fromkeys(ids))
    at = {pid: i for i, pid in enumerate(ids)}
    groups = _Groups(len(ids))
    for a, b in pairs:
        groups.union(at[a], at[b])
    return groups.smallest(ids)


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
