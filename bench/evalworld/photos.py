"""Photos without image files: a fingerprint per stored file, derived from the picture it shows.

A record's image URL names a picture and a file of it (bench.evalworld.world.image_url). Every
file of one picture gets PDQ views within a few bits of the picture's own (a re-encoded copy);
the original file (copy 0) is byte-identical wherever it is posted, so it has one SHA-256.
Different pictures get independent random views (about 128 of 256 bits apart), so only copies
of one picture can match, as `triage.photos.group_photos` decides on real fingerprints. A site's
placeholder card is flat (low PDQ quality, no keypoints): triage's placeholder rule applies.
No window keys or keypoints are made: the photo matcher's accuracy on real pictures is measured
in bench/photos_bench.py; here only which ads show one picture matters.
"""

from __future__ import annotations

import hashlib

import numpy as np

from videre.extract.normalise.photo_hashing import HASH_BYTES, SIG_PX, VIEWS, PhotoHashes

COPY_BITS = 6   # bits flipped per view in a re-encoded copy (PDQ matches within 31)
_SIGNATURE = bytes(SIG_PX * SIG_PX)


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little"))


def fingerprint(picture: str, copy: int) -> PhotoHashes:
    """The fingerprint of file `copy` of `picture` (ids as in the world's image URLs)."""
    size = len(VIEWS) * HASH_BYTES
    views = _rng(picture).integers(0, 256, 2 * size, dtype=np.uint8)
    if copy:
        bits = np.unpackbits(views)
        flip = _rng(f"{picture}#{copy}").choice(len(bits), COPY_BITS * 2 * len(VIEWS), replace=False)
        bits[flip] ^= 1
        views = np.packbits(bits)
    flat = picture.startswith("x-")
    return PhotoHashes(sha256=hashlib.sha256(f"{picture}#{copy}".encode()).hexdigest(), width=600, height=800,
                       pdq=views[:size].tobytes(), pdq_mirror=views[size:].tobytes(),
                       quality=12 if flat else 90, signature=_SIGNATURE)
