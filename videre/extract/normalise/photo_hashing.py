"""Perceptual fingerprints of a decoded photo, and their compact stored form.

Re-posters crop, border, watermark, recompress and mirror. Measured (bench/): a 5 % crop already
moves PDQ by ~60/256 bits, about as far as some unrelated photos. So a fingerprint holds three kinds
of evidence, all computed after uniform borders are trimmed:

- PDQ hashes of the whole photo and of its centre, and of the mirror image: fast, exact-ish
  matching of recompressed, resized, bordered, re-lit or mirrored copies;
- local evidence (photo_features): ORB keypoints for a geometric check, and keypoint-anchored
  window keys that the index finds cropped copies by;
- a 32x32 grey signature: once the keypoints have aligned two photos, it shows whether the
  content agrees everywhere (same photo) or only in the background (same room, other photo);
- an 8x8 colour signature (Lab chroma): the same outline in other colours is another photo.
  No edit a re-poster makes (brightness, contrast, captions, borders) moves hues much.

Nothing in it can be turned back into a viewable picture beyond a 32x32 grey blur and an 8x8
colour one.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np
import pdqhash

from videre.extract.normalise.photo_features import keypoints, window_keys

# The images here are a few hundred pixels: OpenCV's thread pool costs more CPU than it saves
# (measured: 1.2 of 6 ms per photo), and crawlers run one process per core anyway.
cv2.setNumThreads(1)

HASH_BYTES = 32  # PDQ: 256 bits
DESC_BYTES = 32  # ORB: 256 bits
SIG_PX = 32
COLOUR_PX = 8
# Views hashed with PDQ, as (left, top, right, bottom) fractions of the trimmed photo.
VIEWS: tuple[tuple[str, tuple[float, float, float, float]], ...] = (
    ("whole", (0.0, 0.0, 1.0, 1.0)),
    ("centre", (0.1, 0.1, 0.9, 0.9)),
)
VIEW_NAMES = tuple(name for name, _ in VIEWS)
HASH_PX = 64  # PDQ works on 64x64 luma: each view is box-reduced to exactly that
FEATURE_PX = 320  # longest side of the image keypoints are found in
# v2: 32-bit window keys with four weak bits, PDQ from a 64 px view; v3: v2 + colour signature.
# v2 is still read (without colour evidence): photos stored before v3 keep matching.
FORMAT_VERSION = 3
_READS = {2: 0, 3: COLOUR_PX * COLOUR_PX * 2}  # version -> colour bytes
# magic, version, views, keypoints, windows, quality, width, height, trimmed aspect (w/h)
_HEADER = struct.Struct("<2sBBBBBIIf")


@dataclass(frozen=True)
class PhotoHashes:
    sha256: str
    width: int
    height: int
    # PDQ of each view in VIEWS, concatenated; `pdq_mirror` the same for the mirror image.
    pdq: bytes = b""
    pdq_mirror: bytes = b""
    # PDQ's quality score (0-100) of the whole view: low means flat, featureless, unreliable.
    quality: int = 0
    # Width / height of the photo once borders are trimmed.
    aspect: float = 1.0
    # Keypoints, strongest first: (x, y) as uint16 fractions of the trimmed photo, (n, 2).
    points: bytes = b""
    # ORB descriptors at those points (n * 32 bytes), and at the mirrored points of the mirror image.
    descriptors: bytes = b""
    descriptors_mirror: bytes = b""
    # Window keys (uint32 each) and their weak bit positions (uint32 each), see photo_features.
    keys: bytes = b""
    weak: bytes = b""
    # 32x32 uint8 grey image of the trimmed photo.
    signature: bytes = b""
    # 8x8 Lab chroma (a, b) of the trimmed photo, int8 around neutral grey.
    colour: bytes = b""

    @property
    def n_points(self) -> int:
        return len(self.points) // 4

    @property
    def n_keys(self) -> int:
        return len(self.keys) // 4

    def view(self, i: int, mirror: bool = False) -> bytes:
        src = self.pdq_mirror if mirror else self.pdq
        return src[i * HASH_BYTES:(i + 1) * HASH_BYTES]

    def point_array(self) -> np.ndarray:
        """(n, 2) float32 keypoint positions as fractions of the trimmed photo."""
        return np.frombuffer(self.points, dtype="<u2").reshape(-1, 2).astype(np.float32) / 65535.0

    def descriptor_array(self, mirror: bool = False) -> np.ndarray:
        return np.frombuffer(self.descriptors_mirror if mirror else self.descriptors,
                             dtype=np.uint8).reshape(-1, DESC_BYTES)

    def key_array(self) -> np.ndarray:
        return np.frombuffer(self.keys, dtype="<u4")

    def weak_array(self) -> np.ndarray:
        return np.frombuffer(self.weak, dtype="<u4")

    def signature_array(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype=np.uint8).reshape(SIG_PX, SIG_PX)

    def colour_array(self) -> np.ndarray:
        return np.frombuffer(self.colour, dtype=np.int8).reshape(COLOUR_PX, COLOUR_PX, 2)

    def pack(self) -> bytes:
        version = FORMAT_VERSION if self.colour else 2
        head = _HEADER.pack(b"VP", version, len(self.pdq) // HASH_BYTES, self.n_points,
                            self.n_keys, self.quality, self.width, self.height, self.aspect)
        return b"".join((head, bytes.fromhex(self.sha256), self.pdq, self.pdq_mirror,
                         self.signature, self.colour, self.points, self.descriptors,
                         self.descriptors_mirror,
                         self.keys, self.weak))

    @classmethod
    def unpack(cls, data: bytes) -> PhotoHashes:
        """Read a packed fingerprint; ValueError when it is not one or is damaged."""
        try:
            magic, version, views, n, nk, quality, width, height, aspect = _HEADER.unpack_from(data)
        except struct.error:
            raise ValueError("truncated photo fingerprint") from None
        if magic != b"VP":
            raise ValueError(f"not a photo fingerprint (starts {magic!r})")
        if version not in _READS:
            raise ValueError(f"photo fingerprint format v{version} is not supported (this version "
                             f"reads v{min(_READS)} to v{max(_READS)}): hash the photo again")
        sizes = (32, views * HASH_BYTES, views * HASH_BYTES, SIG_PX * SIG_PX, _READS[version],
                 n * 4, n * DESC_BYTES, n * DESC_BYTES, nk * 4, nk * 4)
        if len(data) != _HEADER.size + sum(sizes):
            raise ValueError("photo fingerprint has the wrong length")
        parts = []
        at = _HEADER.size
        for size in sizes:
            parts.append(bytes(data[at:at + size]))
            at += size
        sha, pdq, mirror, sig, colour, points, desc, desc_m, keys, weak = parts
        return cls(sha256=sha.hex(), width=width, height=height, pdq=pdq, pdq_mirror=mirror,
                   quality=quality, aspect=aspect, points=points, descriptors=desc,
                   descriptors_mirror=desc_m, keys=keys, weak=weak, signature=sig, colour=colour)


def trim_box(rgb: np.ndarray, tolerance: int = 12, share: float = 0.98,
             max_trim: float = 0.35) -> tuple[int, int, int, int]:
    """The box (left, top, right, bottom) inside any uniform border, of any colour.

    A line belongs to the border when nearly all its pixels are within `tolerance` of the colour
    at the photo's edge. Each side loses at most `max_trim` of the photo.
    """
    h, w = rgb.shape[:2]

    def depth(lines: np.ndarray) -> int:
        # lines: (n_lines, n_pixels, 3), outermost line first. Most photos have no border, so
        # look at a few lines first and only go deeper while the border lasts.
        colour = np.median(lines[0], axis=0).astype(np.int16)
        limit = int(len(lines) * max_trim)
        at, chunk = 0, 4
        while at < limit:
            block = lines[at:min(at + chunk, limit)].astype(np.int16)
            close = (np.abs(block - colour).max(axis=2) <= tolerance).mean(axis=1) >= share
            bad = np.flatnonzero(~close)
            if bad.size:
                return at + int(bad[0])
            at += len(block)
            chunk *= 2
        return limit

    left = depth(rgb.transpose(1, 0, 2))
    right = depth(rgb[:, ::-1].transpose(1, 0, 2))
    top = depth(rgb)
    bottom = depth(rgb[::-1])
    return left, top, w - right, h - bottom


# PDQ's DCT skips the constant term: coefficient column j is horizontal frequency j + 1, so a
# mirror image negates the even columns. compute_float's output is in reversed bit order.
_MIRROR_SIGN = np.where((255 - np.arange(256)) % 16 % 2 == 0, -1.0, 1.0).astype(np.float32)


def _pdq_bits(coefs: np.ndarray) -> bytes:
    return np.packbits(coefs > np.median(coefs)).tobytes()


def _pdq_views(grey: np.ndarray) -> tuple[bytes, bytes, int, np.ndarray]:
    """PDQ of each view and of its mirror image, from one DCT per view.

    Returns (hashes, mirror hashes, quality, the whole view at HASH_PX)."""
    out, mirror, images = [], [], []
    quality = 0
    h, w = grey.shape
    for i, (_, (left, t, r, b)) in enumerate(VIEWS):
        region = grey[round(t * h):round(b * h), round(left * w):round(r * w)]
        small = cv2.resize(region, (HASH_PX, HASH_PX), interpolation=cv2.INTER_AREA)
        # pdqhash takes RGB; equal channels give back the same luma.
        coefs, q = pdqhash.compute_float(np.repeat(small[:, :, None], 3, axis=2))
        out.append(_pdq_bits(coefs))
        mirror.append(_pdq_bits(coefs * _MIRROR_SIGN))
        images.append(small)
        if i == 0:
            quality = int(q)
    return b"".join(out), b"".join(mirror), quality, images[0]


def compute_hashes(rgb: np.ndarray, sha256: str, width: int, height: int) -> PhotoHashes:
    """Fingerprint an upright RGB photo (uint8, HxWx3), already reduced to a working size."""
    left, top, right, bottom = trim_box(rgb)
    if right - left < 16 or bottom - top < 16:  # a blank picture: nothing to trim to
        left, top, right, bottom = 0, 0, rgb.shape[1], rgb.shape[0]
    trimmed = np.ascontiguousarray(rgb[top:bottom, left:right])
    grey = cv2.cvtColor(trimmed, cv2.COLOR_RGB2GRAY)
    # Every 4th pixel is plenty for 8x8 averages, and a sixteenth of the work.
    small = cv2.resize(np.ascontiguousarray(trimmed[::4, ::4]), (COLOUR_PX, COLOUR_PX),
                       interpolation=cv2.INTER_AREA)
    colour = (cv2.cvtColor(small, cv2.COLOR_RGB2Lab)[:, :, 1:].astype(np.int16) - 128).astype(np.int8)
    th, tw = grey.shape
    scale = FEATURE_PX / max(th, tw)
    if scale < 1:
        grey = cv2.resize(grey, (max(16, round(tw * scale)), max(16, round(th * scale))),
                          interpolation=cv2.INTER_AREA)
    pdq, pdq_mirror, quality, whole = _pdq_views(grey)
    signature = cv2.resize(whole, (SIG_PX, SIG_PX), interpolation=cv2.INTER_AREA)
    # Equalising makes keypoints and window keys indifferent to brightness and contrast edits.
    equalised = cv2.equalizeHist(grey)
    pts, _, desc, desc_m = keypoints(equalised)
    keys, weak = window_keys(equalised, pts)
    gh, gw = equalised.shape
    frac = pts / np.array([max(gw - 1, 1), max(gh - 1, 1)], dtype=np.float32)
    points = np.clip(np.rint(frac * 65535.0), 0, 65535).astype("<u2")
    return PhotoHashes(sha256=sha256, width=width, height=height, pdq=pdq, pdq_mirror=pdq_mirror,
                       quality=quality, aspect=tw / th, points=points.tobytes(),
                       descriptors=desc.tobytes(), descriptors_mirror=desc_m.tobytes(),
                       keys=keys.astype("<u4").tobytes(), weak=weak.astype("<u4").tobytes(),
                       signature=signature.tobytes(), colour=colour.tobytes())
