"""Every photo looked up against all the others at once: the candidate pairs grouping checks.

Looking a million photos up one by one costs a few numpy calls each, minutes in all. Here the
index tables are joined with themselves in a few passes over flat arrays:

- PDQ: per chunk, the chunk values of every view and of every view's mirror image are sorted
  together; two views with the same value are a pair, kept when their full distance is within
  MATCH_BITS. Two mirrored views say what the two straight ones say, and are skipped;
- window keys: the probe keys of every photo (as `PhotoIndex.candidates` tries them), block by
  block, against the key table; a pair needs MIN_VOTES shared keys, and each photo keeps its
  MAX_KEY_CANDIDATES best.

The pairs are those `PhotoIndex.candidates` would give photo by photo, with one bound: in a run
of more than MAX_RUN views sharing a chunk value, each view is paired with its MAX_RUN next only.
That still joins a crowd of copies into one group, without listing its every pair.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from triage.groupby import uniq
from triage.photo_index import CHUNKS, MAX_KEY_CANDIDATES, MAX_PDQ_BUCKET, MIN_VOTES, Tables, chunk_column, pdq_rows
from triage.photo_match import MATCH_BITS, MIN_QUALITY
from videre.extract.normalise.photo_features import key_variants
from videre.extract.normalise.photo_hashing import HASH_BYTES, VIEWS, PhotoHashes

MAX_RUN = 64
KEY_BLOCK = 1 << 15  # photos whose probes are looked up together
PAIR_BLOCK = 1 << 18


def _runs(sorted_keys: np.ndarray) -> np.ndarray:
    """For each entry of a sorted array, how many equal entries follow it."""
    n = len(sorted_keys)
    bounds = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [n]])
    lengths = ends - starts
    follow = np.repeat(ends, lengths) - np.arange(n) - 1
    follow[np.repeat(lengths > MAX_PDQ_BUCKET, lengths)] = 0  # as a single look-up skips them
    return follow


def pdq_pairs(tables: Tables, hashes: Sequence[PhotoHashes]) -> np.ndarray:
    """(m, 2) positions (a < b) of photos with two views, one maybe mirrored, within MATCH_BITS."""
    mviews = np.fromiter((len(h.pdq_mirror) // HASH_BYTES for h in hashes), np.int64, len(hashes))
    mirror = pdq_rows(b"".join(h.pdq_mirror for h in hashes))
    rows = np.concatenate([tables.rows, mirror])
    owner = np.concatenate([tables.row_pos, np.repeat(np.arange(len(hashes)), mviews)])
    straight = len(tables.rows)
    index = np.arange(len(rows), dtype=np.uint64)
    found = [np.zeros((0, 2), np.int64)]
    for c in range(CHUNKS):
        entries = np.sort((chunk_column(rows, c).astype(np.uint64) << np.uint64(32)) | index)
        follow = _runs(entries >> np.uint64(32))
        entry = (entries & np.uint64(0xFFFFFFFF)).astype(np.int64)
        at = np.flatnonzero(follow > 0)
        for step in range(1, MAX_RUN + 1):
            if not len(at):
                break
            a, b = entry[at], entry[at + step]
            keep = ((a < straight) | (b < straight)) & (owner[a] != owner[b])
            a, b = a[keep], b[keep]
            near = np.bitwise_count(rows[a] ^ rows[b]).sum(axis=1, dtype=np.int64) <= MATCH_BITS
            found.append(np.stack([owner[a[near]], owner[b[near]]], axis=1))
            at = at[follow[at] > step]
    pairs = np.sort(np.concatenate(found), axis=1)
    packed = uniq((pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64))
    return np.stack([packed >> np.uint64(32), packed & np.uint64(0xFFFFFFFF)], axis=1).astype(np.int64)


def key_pairs(tables: Tables, hashes: Sequence[PhotoHashes], stop: int) -> np.ndarray:
    """(m, 2) (query, candidate) positions: for each photo, those sharing MIN_VOTES or more of its
    probe keys, at most MAX_KEY_CANDIDATES of them, most votes first."""
    n = len(hashes)
    nkeys = np.fromiter((len(h.keys) // 4 for h in hashes), np.int64, n)
    keys = np.frombuffer(b"".join(h.keys for h in hashes), dtype="<u4")
    weak = np.frombuffer(b"".join(h.weak for h in hashes), dtype="<u4")
    ends = np.cumsum(nkeys)
    starts = ends - nkeys
    owner = np.repeat(np.arange(n, dtype=np.uint64), nkeys)
    found = [np.zeros((0, 2), np.int64)]
    for p0 in range(0, n, KEY_BLOCK):
        k0, k1 = starts[p0], ends[min(p0 + KEY_BLOCK, n) - 1]
        variants = key_variants(keys[k0:k1], weak[k0:k1]).astype(np.uint64)
        # One probe per (key, photo), sorted by key: the table is then read in order.
        probes = uniq(((variants << np.uint64(32)) | owner[k0:k1, None]).ravel())
        which, pos = tables.key_hits((probes >> np.uint64(32)).astype(np.uint32), stop)
        query = (probes[which] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        other = query != pos
        hit, votes = np.unique((query[other].astype(np.uint64) << np.uint64(32))
                               | pos[other].astype(np.uint64), return_counts=True)
        strong = votes >= MIN_VOTES
        hit, votes = hit[strong], votes[strong]
        query = (hit >> np.uint64(32)).astype(np.int64)
        pos = (hit & np.uint64(0xFFFFFFFF)).astype(np.int64)
        order = np.lexsort((pos, -votes, query))
        query, pos = query[order], pos[order]
        first = np.searchsorted(query, query, "left")
        best = np.arange(len(query)) - first < MAX_KEY_CANDIDATES
        found.append(np.stack([query[best], pos[best]], axis=1))
    return np.concatenate(found)


def pdq_decided(hashes: Sequence[PhotoHashes], pairs: np.ndarray) -> np.ndarray:
    """Which pairs (a, b) `same_photo(a, b)` accepts on PDQ alone (views within MATCH_BITS, both
    pictures detailed enough), computed for all pairs at once. Photos without the full set of views
    are left to same_photo."""
    n, views = len(hashes), len(VIEWS)
    size = views * HASH_BYTES
    full = np.fromiter((len(h.pdq) == size and len(h.pdq_mirror) == size for h in hashes), bool, n)
    quality = np.fromiter((h.quality for h in hashes), np.int64, n)
    straight = np.zeros((n, views, 4), np.uint64)
    mirror = np.zeros((n, views, 4), np.uint64)
    straight[full] = pdq_rows(b"".join(h.pdq for h, f in zip(hashes, full) if f)).reshape(-1, views, 4)
    mirror[full] = pdq_rows(b"".join(h.pdq_mirror for h, f in zip(hashes, full) if f)).reshape(-1, views, 4)
    a, b = pairs[:, 0], pairs[:, 1]
    out = np.zeros(len(pairs), bool)
    todo = np.flatnonzero(full[a] & full[b] & (np.minimum(quality[a], quality[b]) >= MIN_QUALITY))
    for at in range(0, len(todo), PAIR_BLOCK):
        sel = todo[at:at + PAIR_BLOCK]
        sa = straight[a[sel]]
        sb = np.concatenate([straight[b[sel]], mirror[b[sel]]], axis=1)
        bits = np.bitwise_count(sa[:, :, None, :] ^ sb[:, None, :, :]).sum(axis=3, dtype=np.int64)
        out[sel] = bits.min(axis=(1, 2)) <= MATCH_BITS
    return out
