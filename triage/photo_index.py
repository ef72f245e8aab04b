"""Near-duplicate look-up among many fingerprints without comparing against each of them.

Two inverted indexes find candidates; `same_photo` then decides on each candidate:

- PDQ, multi-index hashing: each 256-bit hash is cut into 16 chunks of 16 bits, and a photo is a
  candidate when one chunk is identical (certain up to 15 differing bits, likely up to ~31);
- window keys (crawler.normalise.photo_features): a cropped or mirrored copy shares several keys
  with its original. The query also tries each key with its least certain bits flipped, and its
  mirror. Keys shared by very many photos say little (like stop words) and are skipped.

Entries added after the last build are kept in a small pending list that is searched directly, and
folded into the sorted arrays once it grows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from crawler.normalise.photo_features import probe_keys
from crawler.normalise.photo_hashing import HASH_BYTES, PhotoHashes
from triage.photo_match import MATCH_BITS, PhotoMatch, same_photo

CHUNKS = 16
MIN_VOTES = 2  # window keys a photo must share with the query to be checked
MAX_KEY_CANDIDATES = 24
MAX_PDQ_BUCKET = 20_000  # a chunk value this common (flat pictures) is skipped


def _pdq_rows(h: PhotoHashes) -> np.ndarray:
    """The photo's stored PDQ views as (views, 4) uint64."""
    n = len(h.pdq) // HASH_BYTES
    return np.frombuffer(h.pdq, dtype=">u8").reshape(n, 4).astype(np.uint64)


def _query_rows(h: PhotoHashes) -> np.ndarray:
    both = h.pdq + h.pdq_mirror
    return np.frombuffer(both, dtype=">u8").reshape(-1, 4).astype(np.uint64)


def _chunks(rows: np.ndarray) -> np.ndarray:
    """(n, 4) uint64 -> (n, 16) 16-bit chunks."""
    shifts = np.array([48, 32, 16, 0], dtype=np.uint64)
    return ((rows[:, :, None] >> shifts) & np.uint64(0xFFFF)).reshape(len(rows), CHUNKS)


def _distances(rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Smallest Hamming distance of each row to any query: (n,)."""
    x = rows[:, None, :] ^ queries[None, :, :]
    return np.bitwise_count(x).sum(axis=2).min(axis=1)


class PhotoIndex:
    """Photos by id, findable by any photo showing the same picture."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._hashes: list[PhotoHashes] = []
        self._built = 0  # entries [0, _built) are in the sorted arrays
        self._pdq = np.zeros((0, 4), np.uint64)
        self._pdq_pos = np.zeros(0, np.int64)
        self._chunk_vals = np.zeros((CHUNKS, 0), np.uint64)
        self._chunk_rows = np.zeros((CHUNKS, 0), np.int64)
        self._keys = np.zeros(0, np.uint32)
        self._key_pos = np.zeros(0, np.int64)
        self._stop = 64

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, photo_id: int, h: PhotoHashes) -> None:
        self._ids.append(photo_id)
        self._hashes.append(h)
        if len(self) - self._built > max(1024, self._built // 4):
            self._build()

    @classmethod
    def build(cls, items: Iterable[tuple[int, PhotoHashes]]) -> PhotoIndex:
        index = cls()
        for photo_id, h in items:
            index._ids.append(photo_id)
            index._hashes.append(h)
        index._build()
        return index

    def _build(self) -> None:
        hashes = self._hashes
        rows = [_pdq_rows(h) for h in hashes]
        counts = np.array([len(r) for r in rows], dtype=np.int64)
        self._pdq = np.concatenate(rows) if rows else np.zeros((0, 4), np.uint64)
        self._pdq_pos = np.repeat(np.arange(len(hashes), dtype=np.int64), counts)
        chunks = _chunks(self._pdq).T  # (16, rows)
        order = np.argsort(chunks, axis=1, kind="stable")
        self._chunk_vals = np.take_along_axis(chunks, order, axis=1)
        self._chunk_rows = order
        keys = [h.key_array() for h in hashes]
        kcounts = np.array([len(k) for k in keys], dtype=np.int64)
        all_keys = np.concatenate(keys).astype(np.uint64) if keys else np.zeros(0, np.uint64)
        pos = np.repeat(np.arange(len(hashes), dtype=np.uint64), kcounts)
        # One posting per (key, photo), sorted by key.
        packed = np.unique((all_keys << np.uint64(32)) | pos)
        self._keys = (packed >> np.uint64(32)).astype(np.uint32)
        self._key_pos = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
        # A key held by this many photos is as common as a stop word.
        self._stop = 64 + len(hashes) // 10_000
        self._built = len(hashes)

    def _pdq_candidates(self, h: PhotoHashes) -> np.ndarray:
        queries = _query_rows(h)
        found: list[np.ndarray] = []
        if self._built and len(queries):
            qchunks = _chunks(queries).T  # (16, q)
            for c in range(CHUNKS):
                vals = self._chunk_vals[c]
                lo = np.searchsorted(vals, qchunks[c], "left")
                hi = np.searchsorted(vals, qchunks[c], "right")
                for a, b in zip(lo, hi):
                    if 0 < b - a <= MAX_PDQ_BUCKET:
                        found.append(self._chunk_rows[c, a:b])
        pos: list[np.ndarray] = []
        if found:
            rows = np.unique(np.concatenate(found))
            near = _distances(self._pdq[rows], queries) <= MATCH_BITS
            pos.append(self._pdq_pos[rows[near]])
        pending = range(self._built, len(self))
        if len(pending) and len(queries):
            prow = [(p, _pdq_rows(self._hashes[p])) for p in pending]
            pos.append(np.array([p for p, r in prow if len(r) and _distances(r, queries).min() <= MATCH_BITS],
                                dtype=np.int64))
        return np.unique(np.concatenate(pos)) if pos else np.zeros(0, np.int64)

    def _key_candidates(self, h: PhotoHashes) -> np.ndarray:
        probes = probe_keys(h.key_array(), h.weak_array())
        if len(probes) == 0:
            return np.zeros(0, np.int64)
        hits: list[np.ndarray] = []
        if self._built:
            lo = np.searchsorted(self._keys, probes, "left")
            hi = np.searchsorted(self._keys, probes, "right")
            keep = (hi > lo) & (hi - lo <= self._stop)
            lo, hi = lo[keep], hi[keep]
            if len(lo):
                lengths = hi - lo
                starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
                hits.append(self._key_pos[starts + np.arange(lengths.sum())])
        for p in range(self._built, len(self)):
            shared = np.isin(self._hashes[p].key_array(), probes).sum()
            hits.append(np.full(int(shared), p, dtype=np.int64))
        if not hits:
            return np.zeros(0, np.int64)
        pos, votes = np.unique(np.concatenate(hits), return_counts=True)
        strong = votes >= MIN_VOTES
        pos, votes = pos[strong], votes[strong]
        return pos[np.argsort(-votes, kind="stable")][:MAX_KEY_CANDIDATES]

    def candidates(self, h: PhotoHashes) -> np.ndarray:
        """Positions of stored photos worth checking against `h`, best first (unchecked)."""
        pdq = self._pdq_candidates(h)
        keys = self._key_candidates(h)
        return np.concatenate([pdq, keys[~np.isin(keys, pdq)]])

    def photo_id(self, pos: int) -> int:
        return self._ids[pos]

    def hashes(self, pos: int) -> PhotoHashes:
        return self._hashes[pos]

    def query(self, h: PhotoHashes, exclude: int | None = None) -> list[tuple[int, PhotoMatch]]:
        """Stored photos that show the same picture as `h`, closest first."""
        out: list[tuple[int, PhotoMatch]] = []
        for pos in self.candidates(h):
            pid = self._ids[pos]
            if pid == exclude:
                continue
            m = same_photo(h, self._hashes[pos])
            if m is not None:
                out.append((pid, m))
        out.sort(key=lambda p: (p[1].distance, p[0]))
        return out
