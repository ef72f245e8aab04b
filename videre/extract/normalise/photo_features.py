"""Local evidence that survives crops: ORB keypoints and keypoint-anchored window keys.

A global hash describes the frame, and a crop changes the frame. Keypoints belong to the content:
they move with it when the photo is cropped or resized. Two kinds of local evidence are kept:

- ORB keypoints with their descriptors (and the descriptors of the mirror image at the mirrored
  points), from which a pairwise check recovers the geometry between two photos;
- window keys: for pairs of strong keypoints, the square window centred between them, sized by
  their distance, is reduced to the signs of 32 low DCT frequencies. The window follows the
  content through crops and resizes, so the key is found again; a mirror flips exactly the bits of
  odd horizontal frequencies (MIRROR_MASK), so the index keeps a key and its mirror as one
  (`canonical`). The keys are what the index looks photos up by.

Keys are 32 bits rather than 24 because window patterns are far from uniform: measured on the
generated photos, two unrelated photos share a 24-bit key (after probing) about once in 70
pairs, which at a million photos is thousands of chance hits per look-up. At 32 bits, with four
weak bits probed instead of three, recall is the same and chance hits are fewer than half.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

MAX_KEYPOINTS = 48
ANCHORS = 24  # strongest keypoints whose pairs anchor windows
MAX_WINDOWS = 64
WINDOW_SCALE = 1.2  # window side / distance between its two keypoints
PAIR_RANGE = (0.12, 0.5)  # keypoint distance, as a share of the photo's longer side
WIN_PX = 16
KEY_BITS = 32
WEAK_BITS = 4  # least certain bits per key, flipped every way by the index when probing

_ORB = cv2.ORB_create(nfeatures=MAX_KEYPOINTS, scaleFactor=1.3, nlevels=3, edgeThreshold=31,
                      patchSize=31, fastThreshold=20)


def _dct_basis(n: int, k: int) -> np.ndarray:
    i = np.arange(n)
    basis = np.array([np.cos(math.pi * (i + 0.5) * f / n) for f in range(k)], dtype=np.float32)
    return basis


# The 32 lowest (vertical, horizontal) frequency pairs after DC, in order of total frequency.
KEY_COEFS: tuple[tuple[int, int], ...] = tuple(
    [(v, u) for s in range(1, 12) for v in range(s + 1) for u in range(s + 1)
     if u + v == s and u < 7 and v < 7][:KEY_BITS])
MIRROR_MASK = sum(1 << i for i, (_, u) in enumerate(KEY_COEFS) if u % 2 == 1)
_BASIS = _dct_basis(WIN_PX, 7)
_V = np.array([c[0] for c in KEY_COEFS])
_U = np.array([c[1] for c in KEY_COEFS])
_BIT_WEIGHTS = (1 << np.arange(len(KEY_COEFS), dtype=np.int64))
# Which weak bits each probe flips: every subset of them.
_FLIPS = np.array([[(probe >> b) & 1 for b in range(WEAK_BITS)] for probe in range(1 << WEAK_BITS)],
                  dtype=np.int64).T  # (WEAK_BITS, probes per key)


def keypoints(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ORB keypoints of an equalised grey image.

    Returns positions (n, 2) in pixels, responses (n,), descriptors (n, 32) and the descriptors
    of the mirror image at the mirrored points (n, 32), strongest first.
    """
    found, desc = _ORB.detectAndCompute(grey, None)
    empty = (np.zeros((0, 2), np.float32), np.zeros(0, np.float32),
             np.zeros((0, 32), np.uint8), np.zeros((0, 32), np.uint8))
    if desc is None or not found:
        return empty
    h, w = grey.shape
    order = sorted(range(len(found)), key=lambda i: -found[i].response)
    found = [found[i] for i in order]
    desc = desc[order]
    # The mirror image's keypoints are these, reflected: only their descriptors need computing.
    # Each carries its rank as class_id: compute() regroups points by level and drops those too
    # near the edge.
    flipped = [cv2.KeyPoint(w - 1 - k.pt[0], k.pt[1], k.size, (180.0 - k.angle) % 360.0,
                            k.response, k.octave, i) for i, k in enumerate(found)]
    kept, desc_m = _ORB.compute(np.ascontiguousarray(grey[:, ::-1]), flipped)
    if desc_m is None or not kept:
        return empty
    rank = np.array([k.class_id for k in kept])
    by_rank = np.argsort(rank, kind="stable")
    rank, desc_m = rank[by_rank], desc_m[by_rank]
    found = [found[i] for i in rank]
    desc = desc[rank]
    pts = np.array([k.pt for k in found], dtype=np.float32)
    resp = np.array([k.response for k in found], dtype=np.float32)
    return pts, resp, desc, desc_m


def _pyramid(grey: np.ndarray, levels: int) -> list[np.ndarray]:
    out = [grey.astype(np.float32)]
    for _ in range(levels - 1):
        if min(out[-1].shape) < 8:
            break
        out.append(cv2.pyrDown(out[-1]))
    return out


def window_keys(grey: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the windows anchored on pairs of the strongest keypoints (strongest first).

    Returns keys (uint32) and, per key, its WEAK_BITS least certain bit positions packed 5 bits
    each (uint32).
    """
    h, w = grey.shape
    anchors = pts[:ANCHORS]
    i, j = np.triu_indices(len(anchors), 1)
    if len(i) == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    dist = np.linalg.norm(anchors[i] - anchors[j], axis=1)
    longer = max(h, w)
    side = dist * WINDOW_SCALE
    centre = (anchors[i] + anchors[j]) / 2
    x0 = centre[:, 0] - side / 2
    y0 = centre[:, 1] - side / 2
    ok = ((dist >= PAIR_RANGE[0] * longer) & (dist <= PAIR_RANGE[1] * longer) & (x0 >= -0.5)
          & (y0 >= -0.5) & (x0 + side <= w - 0.5) & (y0 + side <= h - 0.5))
    # Pairs of strong points first (i < j are ranks by response).
    sel = np.flatnonzero(ok)
    sel = sel[np.argsort(np.maximum(i[sel], j[sel]), kind="stable")][:MAX_WINDOWS]
    if len(sel) == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    x0, y0, side = x0[sel], y0[sel], side[sel]
    pyramid = _pyramid(grey, 5)
    step = side / WIN_PX  # level-0 pixels between samples
    level = np.clip(np.floor(np.log2(np.maximum(step, 1.0))), 0, len(pyramid) - 1).astype(int)
    samples = np.empty((len(sel), WIN_PX, WIN_PX), np.float32)
    grid = (np.arange(WIN_PX, dtype=np.float32) + 0.5)
    for lv in np.unique(level):
        rows = np.flatnonzero(level == lv)
        f = 2.0 ** lv
        xs = (x0[rows, None] + grid[None, :] * step[rows, None] + 0.5) / f - 0.5
        ys = (y0[rows, None] + grid[None, :] * step[rows, None] + 0.5) / f - 0.5
        map_x = np.broadcast_to(xs[:, None, :], (len(rows), WIN_PX, WIN_PX)).reshape(-1, WIN_PX)
        map_y = np.broadcast_to(ys[:, :, None], (len(rows), WIN_PX, WIN_PX)).reshape(-1, WIN_PX)
        out = cv2.remap(pyramid[lv], np.ascontiguousarray(map_x, np.float32),
                        np.ascontiguousarray(map_y, np.float32), cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REPLICATE)
        samples[rows] = out.reshape(len(rows), WIN_PX, WIN_PX)
    coefs = (_BASIS @ samples @ _BASIS.T)[:, _V, _U]
    keys = ((coefs > 0).astype(np.int64) * _BIT_WEIGHTS).sum(axis=1).astype(np.uint32)
    weak = np.argsort(np.abs(coefs), axis=1)[:, :WEAK_BITS].astype(np.uint32)
    packed = (weak << (5 * np.arange(WEAK_BITS, dtype=np.uint32))).sum(axis=1, dtype=np.uint32)
    return keys, packed


def canonical(keys: np.ndarray) -> np.ndarray:
    """A key and its mirror image's key as one value (the smaller)."""
    k = keys.astype(np.uint32)
    return np.minimum(k, k ^ np.uint32(MIRROR_MASK))


def key_variants(keys: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """(n, probes per key) canonical keys a look-up tries: each key with its weak bits flipped
    every way. Works on the keys of many photos at once."""
    bits = (weak.astype(np.int64)[:, None] >> (5 * np.arange(WEAK_BITS))) & 31
    flips = (np.int64(1) << bits) @ _FLIPS  # weak bits are distinct, so a sum is an OR
    return canonical(keys.astype(np.int64)[:, None] ^ flips)


def probe_keys(keys: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """Every canonical key a look-up for one photo tries, sorted."""
    if len(keys) == 0:
        return np.zeros(0, np.uint32)
    return np.unique(key_variants(keys, weak))
