"""Synthetic photos: deterministic, JPEG 600x800, and edited copies that are the same picture."""

from __future__ import annotations

import io
import random

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageOps

from videre.demo.photos import HEIGHT, MAX_CROP, WIDTH, random_edits, render
from videre.demo.world import PhotoSpec

BASE = 424242


def _img(spec: PhotoSpec) -> Image.Image:
    return Image.open(io.BytesIO(render(spec))).convert("RGB")


def _mean_abs(a: Image.Image, b: Image.Image) -> float:
    return float(np.abs(np.asarray(a, np.int16) - np.asarray(b, np.int16)).mean())


def test_render_is_a_deterministic_jpeg() -> None:
    spec = PhotoSpec(BASE)
    data = render(spec)
    assert data[:3] == b"\xff\xd8\xff"
    render.cache_clear()
    assert render(spec) == data
    assert Image.open(io.BytesIO(data)).size == (WIDTH, HEIGHT)


def test_different_bases_are_different_pictures() -> None:
    hashes = [imagehash.phash(_img(PhotoSpec(b))) for b in range(20)]
    distances = [a - b for i, a in enumerate(hashes) for b in hashes[i + 1 :]]
    assert min(distances) >= 14


@pytest.mark.parametrize("ops", [
    (("jpeg", 60),), (("resize", 0.6),), (("watermark", "br", "VIP GIRLS 12"),),
    (("jpeg", 70), ("resize", 0.8)),
])
def test_light_edits_keep_the_perceptual_hash_close(ops: tuple) -> None:  # type: ignore[type-arg]
    edited = render(PhotoSpec(BASE, ops))
    assert edited != render(PhotoSpec(BASE))
    assert imagehash.phash(_img(PhotoSpec(BASE))) - imagehash.phash(_img(PhotoSpec(BASE, ops))) <= 8


def test_mirror_is_the_picture_flipped() -> None:
    original, mirrored = _img(PhotoSpec(BASE)), _img(PhotoSpec(BASE, (("mirror",),)))
    assert _mean_abs(original, mirrored) > 20
    assert _mean_abs(original, ImageOps.mirror(mirrored)) < 4


def test_border_surrounds_the_unchanged_picture() -> None:
    bordered = _img(PhotoSpec(BASE, (("border", 30, (250, 250, 250)),)))
    assert bordered.size == (WIDTH + 60, HEIGHT + 60)
    original = _img(PhotoSpec(BASE))
    # JPEG re-encoding of the noise on a shifted block grid costs about 5 grey levels on average.
    assert _mean_abs(bordered.crop((30, 30, 30 + WIDTH, 30 + HEIGHT)), original) < 8
    assert _mean_abs(bordered.crop((10, 10, 10 + WIDTH, 10 + HEIGHT)), original) > 15


def test_crop_is_a_window_of_the_picture_and_bounded() -> None:
    cropped = _img(PhotoSpec(BASE, (("crop", 0.5, 1.0, 0.0),)))  # asks too much: capped at 15 %
    dx, dy = int(WIDTH * MAX_CROP), int(HEIGHT * MAX_CROP)
    assert cropped.size == (WIDTH - dx, HEIGHT - dy)
    original = _img(PhotoSpec(BASE))
    assert _mean_abs(cropped, original.crop((dx, 0, WIDTH, HEIGHT - dy))) < 8
    assert _mean_abs(cropped, original.crop((dx - 20, 0, WIDTH - 20, HEIGHT - dy))) > 15


def test_random_edits_give_new_bytes_of_the_same_picture() -> None:
    rng = random.Random(3)
    seen = {render(PhotoSpec(BASE))}
    for _ in range(12):
        ops = random_edits(rng, "NEW GIRLS 7")
        assert 1 <= len(ops) <= 3
        seen.add(render(PhotoSpec(BASE, ops)))
    assert len(seen) == 13


def test_placeholder_says_ingen_bild_and_differs_per_site() -> None:
    a, b = render(PhotoSpec(0, (), "nattfjaril.test")), render(PhotoSpec(0, (), "kvallsros.test"))
    assert a != b
    grey = np.asarray(_img(PhotoSpec(0, (), "nattfjaril.test")), np.int16)
    assert grey.std() < 40  # a flat card, nothing like a scene
