"""Near-duplicate look-up among many fingerprints without comparing against each of them.

Two inverted indexes find candidates; `same_photo` then decides on each candidate:

- PDQ, multi-index hashing: each 256-bit hash is cut into 12 chunks of 21 or 22 bits, and a photo
  is a candidate when one chunk is identical (certain up to 11 differing bits; in bench/ every
  copy PDQ matches at all, up to 31 bits, is found). The full distance is then checked
  vectorised, so only photos within MATCH_BITS reach `same_photo`. Chunks of 16 bits find a
  few more by luck, but at a million photos every 16-bit value is shared by ~30 of them;
- window keys (videre.extract.normalise.photo_features): a cropped or mirrored copy shares several keys
  with its original. The query also tries each key with its least certain bits flipped; a key
  and its mirror are stored as one. Keys shared by very many photos say little (like stop words)
  and are skipped.

The tables are flat numpy arrays sorted once (`Tables`). Photos added after a build go into a
second, small set of tables, rebuilt when a look-up needs it and folded into the main set once it
grows. Batch look-ups of every photo against all others are in photo_pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from triage.groupby import uniq
from triage.photo_match import MATCH_BITS, PhotoMatch, same_photo
from videre.extract.normalise.photo_features import canonical, probe_keys
from videre.extract.normalise.photo_hashing import HASH_BYTES, PhotoHashes

# (shift, width) of the chunks cut from each 64-bit word of a PDQ hash.
CHUNK_LAYOUT = ((43, 21), (22, 21), (0, 22))
CHUNKS = 4 * len(CHUNK_LAYOUT)
MIN_VOTES = 2  # window keys a photo must share with the query to be checked
MAX_KEY_CANDIDATES = 24
MAX_PDQ_BUCKET = 20_000  # a chunk value this common (flat pictures) is skipped
MIN_FOLD = 4096  # photos added one by one are folded into the main tables beyond this many


def pdq_rows(blob: bytes) -> np.ndarray:
    """Concatenated 32-byte PDQ hashes as (n, 4) native uint64."""
    return np.frombuffer(blob, dtype=">u8").reshape(-1, 4).astype(np.uint64)


def chunk_column(rows: np.ndarray, c: int) -> np.ndarray:
    """Chunk `c` of (n, 4) uint64 PDQ rows as (n,) uint32, with its number in the top bits so that
    all chunks can share one sorted table."""
    shift, width = CHUNK_LAYOUT[c % len(CHUNK_LAYOUT)]
    part = (rows[:, c // len(CHUNK_LAYOUT)] >> np.uint64(shift)) & np.uint64((1 << width) - 1)
    return part.astype(np.uint32) | np.uint32(c << 22)


def chunk_values(rows: np.ndarray) -> np.ndarray:
    """(n, 4) uint64 -> (n, CHUNKS) uint32."""
    return np.stack([chunk_column(rows, c) for c in range(CHUNKS)], axis=1)


def distances(rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Smallest Hamming distance of each row to any query: (n,)."""
    x = rows[:, None, :] ^ queries[None, :, :]
    return np.bitwise_count(x).sum(axis=2, dtype=np.int64).min(axis=1)


def expand(lo: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every index in the ranges [lo, lo + counts), and which range it came from."""
    counts = counts.astype(np.int64)
    which = np.repeat(np.arange(len(lo)), counts)
    first = np.cumsum(counts) - counts
    return lo.astype(np.int64)[which] + np.arange(len(which)) - first[which], which


class Tables:
    """The sorted look-up arrays of a run of photos, at positions base .. base + n."""

    def __init__(self, hashes: Sequence[PhotoHashes], base: int = 0) -> None:
        n = len(hashes)
        self.base = base
        self.n = n
        views = np.fromiter((len(h.pdq) // HASH_BYTES for h in hashes), np.int64, n)
        self.rows = pdq_rows(b"".join(h.pdq for h in hashes))
        self.row_pos = np.repeat(np.arange(n, dtype=np.int64), views)
        entries = (chunk_values(self.rows).astype(np.uint64) << np.uint64(32)
                   | np.arange(len(self.rows), dtype=np.uint64)[:, None]).ravel()
        entries.sort()
        self.chunk_keys = (entries >> np.uint64(32)).astype(np.uint32)
        self.chunk_rows = (entries & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        nkeys = np.fromiter((len(h.keys) // 4 for h in hashes), np.int64, n)
        keys = canonical(np.frombuffer(b"".join(h.keys for h in hashes), dtype="<u4"))
        owner = np.repeat(np.arange(n, dtype=np.uint64), nkeys)
        # One posting per (key, photo), sorted by key.
        postings = uniq((keys.astype(np.uint64) << np.uint64(32)) | owner)
        self.keys = (postings >> np.uint64(32)).astype(np.uint32)
        self.key_pos = (postings & np.uint64(0xFFFFFFFF)).astype(np.uint32)

    def pdq_near(self, queries: np.ndarray) -> np.ndarray:
        """Positions (local) of photos with a view within MATCH_BITS of any query row."""
        if not self.n or not len(queries):
            return np.zeros(0, np.int64)
        probes = chunk_values(queries).ravel()
        lo = np.searchsorted(self.chunk_keys, probes, "left")
        counts = np.searchsorted(self.chunk_keys, probes, "right") - lo
        counts[counts > MAX_PDQ_BUCKET] = 0
        idx, _ = expand(lo, counts)
        rows = uniq(self.chunk_rows[idx])
        near = rows[distances(self.rows[rows], queries) <= MATCH_BITS]
        return uniq(self.row_pos[near]).astype(np.int64)

    def key_hits(self, probes: np.ndarray, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Postings of the probe keys held by at most `stop` photos: (probe index, local position).
        Sorted probes read the table in order, which is much faster for many probes."""
        if not len(self.keys):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        first = np.searchsorted(self.keys, probes, "left")
        held = np.flatnonzero(self.keys[np.minimum(first, len(self.keys) - 1)] == probes)
        first = first[held]
        n = np.searchsorted(self.keys, probes[held], "right") - first
        n[n > stop] = 0
        idx, k = expand(first, n)
        return held[k], self.key_pos[idx].astype(np.int64)


def stop_count(n: int) -> int:
    """Among n photos, a key held by more photos than this is as common as a stop word."""
    return 64 + n // 10_000


def query_rows(h: PhotoHashes) -> np.ndarray:
    """The photo's PDQ views and their mirror images, as (views, 4) uint64."""
    return pdq_rows(h.pdq + h.pdq_mirror)


def top_voted(pos: np.ndarray) -> np.ndarray:
    """Positions named at least MIN_VOTES times, most votes first (then lowest position)."""
    pos, votes = np.unique(pos, return_counts=True)
    strong = votes >= MIN_VOTES
    pos, votes = pos[strong], votes[strong]
    return pos[np.argsort(-votes, kind="stable")][:MAX_KEY_CANDIDATES]


class PhotoIndex:
    """Photos by id, findable by any photo showing the same picture."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._hashes: list[PhotoHashes] = []
        self._main = Tables([])
        self._pending: Tables | None = None  # tables of the photos after the main ones, if current

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, photo_id: int, h: PhotoHashes) -> None:
        self._ids.append(photo_id)
        self._hashes.append(h)
        self._pending = None
        if len(self) - self._main.n > max(MIN_FOLD, self._main.n // 32):
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
        self._main = Tables(self._hashes)
        self._pending = None

    def tables(self) -> list[Tables]:
        """The main tables and, when photos were added since, those of the added photos."""
        if self._main.n == len(self):
            return [self._main]
        if self._pending is None:
            self._pending = Tables(self._hashes[self._main.n:], base=self._main.n)
        return [self._main, self._pending]


    def _pdq_candidates(self, h: PhotoHashes) -> np.ndarray:
        queries = query_rows(h)
        found = [t.base + t.pdq_near(queries) for t in self.tables()]
        return np.concatenate(found)

    def _key_candidates(self, h: PhotoHashes) -> np.ndarray:
        probes = probe_keys(h.key_array(), h.weak_array())
        if len(probes) == 0:
            return np.zeros(0, np.int64)
        hits = [t.base + t.key_hits(probes, stop_count(len(self)))[1] for t in self.tables()]
        return top_voted(np.concatenate(hits))

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
