"""Do two fingerprints show the same photo? The pairwise decision, with its reason.

Three steps, cheapest first:
1. the same file (SHA-256);
2. PDQ: the whole or central views, straight or mirrored, within MATCH_BITS of each other;
3. where PDQ disagrees (crops move it as far as unrelated photos), the keypoints: descriptors
   matched both ways, then one geometry (shift + uniform scale, no rotation) that enough of them
   agree on; then the grey signatures, aligned by that geometry, must agree nearly everywhere
   they overlap, and so must their colours where both have any. The signatures keep apart two
   photos taken in one room (the backgrounds line up, the person in front does not); the colours
   keep apart one outline in one pose photographed in other clothes or rooms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from triage.reason_text import N_, decimal, each, percent, render
from videre.extract.normalise.photo_hashing import COLOUR_PX, HASH_BYTES, SIG_PX, VIEW_NAMES, VIEWS, PhotoHashes

MATCH_BITS = 31  # PDQ's authors' threshold; the nearest distinct pair in bench/ was at 52
MIN_QUALITY = 50  # below this PDQ calls its own hash unreliable (flat pictures)
MAX_DESC_BITS = 64  # ORB descriptor distance for a keypoint correspondence
MIN_INLIERS = 8
RANSAC_TOLERANCE = 0.02  # of the longer side
MAX_ROTATION_DEG = 3.0
SCALE_RANGE = (0.5, 2.0)
MIN_OVERLAP = 0.4  # share of each photo the other one covers
BLOCK = 4  # signature pixels per block side
BLOCK_MAD = 30.0  # mean grey difference that makes a block disagree
MIN_BLOCKS = 12
# Chroma of the two photos over their overlap: measured on the generated set, copies under every
# edit family correlate at 0.90 or more, the same silhouette in other colours at 0.75 or less.
MIN_COLOUR = 0.8
COLOUR_SPREAD = 4.0  # chroma spread (Lab units) below which a photo is grey: no colour evidence
# Two bars, set on the generated set in bench/: with many keypoints in one geometry a caption or a
# logo may cover part of the overlap; with few, the signatures must agree closely everywhere.
STRONG_INLIERS = 20
STRONG = {"bad": 0.12, "edges": 0.55, "levels": 0.0}
WEAK = {"bad": 0.05, "edges": 0.88, "levels": 0.93}

_MATCHER = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)


# The explanation is an English msgid with parameters (triage.reason_text), so that the web UI
# writes it in the analyst's language; `reason` is its English rendering.
VIEW_WORDS = {"whole": N_("whole"), "centre": N_("centre")}
SAME_FILE = N_("identical files (same SHA-256)")
PDQ_WHOLE = N_("PDQ distance {distance}/256 (whole photos)")
PDQ_WHOLE_MIRRORED = N_("PDQ distance {distance}/256 (whole photos) after mirroring")
PDQ_VIEWS = N_("PDQ distance {distance}/256 ({view_a} of one, {view_b} of the other)")
PDQ_VIEWS_MIRRORED = N_("PDQ distance {distance}/256 ({view_a} of one, {view_b} of the other) after mirroring")
FLAT = N_("{pdq}; a flat picture, its outline agrees on {agree}")
KEYPOINTS = N_("{inliers} keypoints agree on one geometry (scale {scale}); the photos overlap by "
               "{overlap_a}/{overlap_b} and agree on {agree} of it")
KEYPOINTS_MIRRORED = N_("{inliers} keypoints agree on one geometry (scale {scale}, mirrored); the photos "
                        "overlap by {overlap_a}/{overlap_b} and agree on {agree} of it")


@dataclass(frozen=True)
class PhotoMatch:
    distance: float  # 0 (identical) .. 1; for PDQ the share of differing bits
    method: str  # "sha256", "pdq" or "keypoints"
    reason: str
    template: str = ""
    params: dict[str, object] = field(default_factory=dict)

    @classmethod
    def said(cls, distance: float, method: str, template: str, params: dict[str, object]) -> PhotoMatch:
        return cls(distance, method, render(template, params), template, params)


@dataclass(frozen=True)
class Agreement:
    overlap_a: float
    overlap_b: float
    blocks: int = 0
    bad: float = 1.0  # share of compared blocks that disagree
    levels: float = 0.0  # correlation of grey levels over the overlap
    edges: float = 0.0  # correlation of edge strength over the overlap
    colour: float = 1.0  # correlation of chroma over the overlap; 1 when either photo is grey


def _hamming(a: bytes, b: bytes) -> int:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def pdq_distance(a: PhotoHashes, b: PhotoHashes) -> tuple[int, int, int, bool]:
    """The closest pair of views: (bits, view of a, view of b, mirrored)."""
    n = min(len(a.pdq), len(b.pdq)) // HASH_BYTES
    best = (HASH_BYTES * 8 + 1, 0, 0, False)
    for mirror in (False, True):
        for i in range(n):
            for j in range(n):
                d = _hamming(a.view(i), b.view(j, mirror))
                if d < best[0]:
                    best = (d, i, j, mirror)
    return best


def _frame(h: PhotoHashes) -> np.ndarray:
    """Size of the trimmed photo with its longer side 1."""
    return np.array([1.0, 1.0 / h.aspect] if h.aspect >= 1 else [h.aspect, 1.0], dtype=np.float64)


def _to_fraction_map(m: np.ndarray, a: PhotoHashes, b: PhotoHashes) -> np.ndarray:
    """Turn a map between longer-side-1 coordinates into one between fractions of each photo."""
    fa, fb = _frame(a), _frame(b)
    full = np.vstack([m, [0.0, 0.0, 1.0]])
    return (np.diag([1 / fb[0], 1 / fb[1], 1.0]) @ full @ np.diag([fa[0], fa[1], 1.0]))[:2]


def _view_map(va: int, vb: int) -> np.ndarray:
    """Fraction map from view `va` of one photo onto view `vb` of the other."""
    la, ta, ra, ba = VIEWS[va][1]
    lb, tb, rb, bb = VIEWS[vb][1]
    sx, sy = (rb - lb) / (ra - la), (bb - tb) / (ba - ta)
    return np.array([[sx, 0.0, lb - la * sx], [0.0, sy, tb - ta * sy]])


def align(a: PhotoHashes, b: PhotoHashes) -> tuple[np.ndarray, int, bool] | None:
    """The geometry most keypoints agree on: (fraction map a -> b, inliers, mirrored)."""
    best: tuple[np.ndarray, int, bool] | None = None
    pa_all = a.point_array().astype(np.float64) * _frame(a)
    for mirror in (False, True):
        da, db = a.descriptor_array(), b.descriptor_array(mirror)
        if len(da) < MIN_INLIERS or len(db) < MIN_INLIERS:
            continue
        matches = [m for m in _MATCHER.match(da, db) if m.distance <= MAX_DESC_BITS]
        if len(matches) < MIN_INLIERS:
            continue
        pb_frac = b.point_array().astype(np.float64)
        if mirror:
            pb_frac[:, 0] = 1.0 - pb_frac[:, 0]
        pb_all = pb_frac * _frame(b)
        src = pa_all[[m.queryIdx for m in matches]].astype(np.float32)
        dst = pb_all[[m.trainIdx for m in matches]].astype(np.float32)
        m, mask = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC,
                                              ransacReprojThreshold=RANSAC_TOLERANCE,
                                              maxIters=500, confidence=0.995)
        if m is None or mask is None:
            continue
        inliers = int(mask.sum())
        scale = math.sqrt(abs(float(np.linalg.det(m[:, :2]))))
        angle = abs(math.degrees(math.atan2(m[1, 0], m[0, 0])))
        if (inliers < MIN_INLIERS or angle > MAX_ROTATION_DEG
                or not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]):
            continue
        if best is None or inliers > best[1]:
            best = (_to_fraction_map(m, a, b), inliers, mirror)
    return best


def _reverse(fmap: np.ndarray, mirror: bool) -> np.ndarray:
    """The fraction map b -> a (b's mirror image -> a's when mirrored) from the map a -> b."""
    inv = np.vstack([cv2.invertAffineTransform(fmap), [0.0, 0.0, 1.0]])
    if mirror:
        flip = np.array([[-1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        inv = flip @ inv @ flip
    return inv[:2]


def _grid() -> tuple[np.ndarray, np.ndarray]:
    centres = (np.arange(SIG_PX, dtype=np.float64) + 0.5) / SIG_PX
    return np.meshgrid(centres, centres)


def _inside(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    lo, hi = -0.5 / SIG_PX, 1 + 0.5 / SIG_PX
    return (u >= lo) & (u <= hi) & (v >= lo) & (v <= hi)


def compare_aligned(a: PhotoHashes, b: PhotoHashes, fmap: np.ndarray, mirror: bool) -> Agreement:
    """How well the signatures agree once b is mapped onto a by `fmap` (fractions a -> b)."""
    sa = a.signature_array().astype(np.float32)
    sb = b.signature_array().astype(np.float32)
    if mirror:
        sb = np.ascontiguousarray(sb[:, ::-1])
    u, v = _grid()
    ub = fmap[0, 0] * u + fmap[0, 1] * v + fmap[0, 2]
    vb = fmap[1, 0] * u + fmap[1, 1] * v + fmap[1, 2]
    valid = _inside(ub, vb)
    inv = cv2.invertAffineTransform(fmap)
    ua = inv[0, 0] * u + inv[0, 1] * v + inv[0, 2]
    va = inv[1, 0] * u + inv[1, 1] * v + inv[1, 2]
    overlap_b = float(_inside(ua, va).mean())
    wb = cv2.remap(sb, (ub * SIG_PX - 0.5).astype(np.float32), (vb * SIG_PX - 0.5).astype(np.float32),
                   cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Clipped highlights and shadows carry no detail to compare (a brightened copy clips).
    usable = valid & (sa > 4) & (sa < 251) & (wb > 4) & (wb < 251)
    if usable.sum() < MIN_BLOCKS * BLOCK * BLOCK:
        return Agreement(float(valid.mean()), overlap_b)
    # Match b's grey levels to a's by rank over the shared area: brightness, contrast and gamma
    # edits change levels, not their order.
    matched = wb.copy()
    ranks = np.argsort(wb[usable], kind="stable")
    levels = np.empty_like(ranks, dtype=np.float32)
    levels[ranks] = np.sort(sa[usable])
    matched[usable] = levels
    n = SIG_PX // BLOCK
    diff = np.where(usable, np.abs(sa - matched), 0.0).reshape(n, BLOCK, n, BLOCK).sum(axis=(1, 3))
    count = usable.reshape(n, BLOCK, n, BLOCK).sum(axis=(1, 3))
    compared = count >= BLOCK * BLOCK * 3 // 4
    if compared.sum() < MIN_BLOCKS:
        return Agreement(float(valid.mean()), overlap_b, int(compared.sum()))
    mad = diff[compared] / count[compared]
    return Agreement(float(valid.mean()), overlap_b, int(compared.sum()),
                     bad=float((mad > BLOCK_MAD).mean()),
                     levels=_corr(sa[usable], wb[usable]),
                     edges=_corr(_edges(sa)[usable], _edges(wb)[usable]),
                     colour=_colour_agreement(a, b, fmap, mirror))


def _colour_agreement(a: PhotoHashes, b: PhotoHashes, fmap: np.ndarray, mirror: bool) -> float:
    """Correlation of the chroma signatures where the photos overlap, b mapped onto a. Scale-free,
    so contrast and saturation edits keep it; 1.0 when either photo is grey or has none."""
    size = COLOUR_PX * COLOUR_PX * 2
    if len(a.colour) != size or len(b.colour) != size:
        return 1.0
    ca = a.colour_array().astype(np.float32)
    cb = b.colour_array().astype(np.float32)
    if mirror:
        cb = np.ascontiguousarray(cb[:, ::-1])
    centres = (np.arange(COLOUR_PX, dtype=np.float64) + 0.5) / COLOUR_PX
    u, v = np.meshgrid(centres, centres)
    ub = fmap[0, 0] * u + fmap[0, 1] * v + fmap[0, 2]
    vb = fmap[1, 0] * u + fmap[1, 1] * v + fmap[1, 2]
    inside = (ub >= 0) & (ub <= 1) & (vb >= 0) & (vb <= 1)
    wb = cv2.remap(cb, (ub * COLOUR_PX - 0.5).astype(np.float32), (vb * COLOUR_PX - 0.5).astype(np.float32),
                   cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    x, y = ca[inside].ravel(), wb[inside].ravel()
    if len(x) < 2 * MIN_BLOCKS or x.std() < COLOUR_SPREAD or y.std() < COLOUR_SPREAD:
        return 1.0
    return _corr(x, y)


def _edges(img: np.ndarray) -> np.ndarray:
    return np.hypot(cv2.Sobel(img, cv2.CV_32F, 1, 0), cv2.Sobel(img, cv2.CV_32F, 0, 1))


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    y = y - y.mean()
    denom = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denom) if denom > 1e-6 else 0.0


def _agrees(g: Agreement, inliers: int) -> bool:
    if g.blocks < MIN_BLOCKS or min(g.overlap_a, g.overlap_b) < MIN_OVERLAP:
        return False
    bar = STRONG if inliers >= STRONG_INLIERS else WEAK
    return (g.bad <= bar["bad"] and g.edges >= bar["edges"] and g.levels >= bar["levels"]
            and g.colour >= MIN_COLOUR)


def _word(view: int) -> dict[str, object]:
    name = VIEW_NAMES[view]
    return each(VIEW_WORDS.get(name, name), [{}], "")


def _pdq_reason(d: int, va: int, vb: int, mirror: bool) -> tuple[str, dict[str, object]]:
    if VIEW_NAMES[va] == VIEW_NAMES[vb] == "whole":
        return (PDQ_WHOLE_MIRRORED if mirror else PDQ_WHOLE), {"distance": d}
    return ((PDQ_VIEWS_MIRRORED if mirror else PDQ_VIEWS),
            {"distance": d, "view_a": _word(va), "view_b": _word(vb)})


def same_photo(a: PhotoHashes, b: PhotoHashes) -> PhotoMatch | None:
    """Whether two fingerprints show the same picture, and why; None when they do not."""
    if a.sha256 == b.sha256:
        return PhotoMatch.said(0.0, "sha256", SAME_FILE, {})
    d, va, vb, mirror = pdq_distance(a, b)
    if d <= MATCH_BITS:
        if min(a.quality, b.quality) >= MIN_QUALITY:
            return PhotoMatch.said(d / 256, "pdq", *_pdq_reason(d, va, vb, mirror))
        # A flat picture's PDQ is unreliable: the signatures must agree as well.
        g = compare_aligned(a, b, _view_map(va, vb), mirror)
        if _agrees(g, 0):
            template, params = _pdq_reason(d, va, vb, mirror)
            return PhotoMatch.said(d / 256, "pdq", FLAT,
                                   {"pdq": each(template, [params], ""), "agree": percent(1 - g.bad)})
    found = align(a, b)
    if found is None:
        return None
    fmap, inliers, mirror = found
    g = compare_aligned(a, b, fmap, mirror)
    if not _agrees(g, inliers):
        # The comparison runs over one photo's frame, and a caption or logo weighs more in a
        # cropped copy's smaller frame than in the original's: look from the other side too.
        back = compare_aligned(b, a, _reverse(fmap, mirror), mirror)
        if not _agrees(back, inliers):
            return None
        g = Agreement(back.overlap_b, back.overlap_a, back.blocks, back.bad, back.levels, back.edges,
                      back.colour)
    scale = math.sqrt(abs(float(np.linalg.det(
        np.diag(_frame(b)) @ fmap[:, :2] @ np.diag(1 / _frame(a))))))
    return PhotoMatch.said(round(g.bad, 4), "keypoints", KEYPOINTS_MIRRORED if mirror else KEYPOINTS,
                           {"inliers": int(inliers), "scale": decimal(scale, 2), "overlap_a": percent(g.overlap_a),
                            "overlap_b": percent(g.overlap_b), "agree": percent(1 - g.bad)})
