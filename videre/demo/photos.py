"""Synthetic ad photos: generated scenes with a stylised silhouette, never real people.

A picture is a PhotoSpec: a base scene (an int seed) and the edits an organiser makes when reusing
it under another name (crop, border, mirror, corner watermark, resize, recompress). Rendering is
deterministic and cached, so the demo sites render each picture once, on first request.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from videre.demo.world import PhotoOps, PhotoSpec

WIDTH, HEIGHT = 600, 800
MAX_CROP = 0.15


def _colour(rng: random.Random, lo: int = 20, hi: int = 235) -> tuple[int, int, int]:
    return (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


@lru_cache(maxsize=16)
def base_scene(base: int) -> Image.Image:
    """The unedited picture for one base seed (treat as read-only)."""
    rng = random.Random(base)
    # A smooth random background: a tiny colour grid blown up.
    grid = Image.new("RGB", (4, 5))
    grid.putdata([_colour(rng) for _ in range(20)])
    img = grid.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(4, 9)):  # furniture, lamps, frames
        x0, y0 = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        box = (x0, y0, x0 + rng.randint(40, 260), y0 + rng.randint(40, 320))
        if rng.random() < 0.5:
            draw.rectangle(box, fill=_colour(rng))
        else:
            draw.ellipse(box, fill=_colour(rng))
    _silhouette(draw, rng)
    noise = np.random.default_rng(base & 0xFFFFFFFF).integers(-14, 15, (HEIGHT, WIDTH, 1), np.int16)
    pixels = np.clip(np.asarray(img, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def _silhouette(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """A faceless figure: head, neck, hourglass torso and arms, in one flat colour."""
    cx = rng.randint(180, 420)
    top = rng.randint(90, 220)
    s = rng.uniform(0.8, 1.2)
    colour = _colour(rng, 10, 120)
    head = 55 * s
    draw.ellipse((cx - head, top, cx + head, top + 2.4 * head), fill=colour)
    neck_y = top + 2.3 * head
    draw.rectangle((cx - 18 * s, neck_y, cx + 18 * s, neck_y + 35 * s), fill=colour)
    sh = neck_y + 30 * s
    torso = [
        (cx - 110 * s, sh), (cx + 110 * s, sh), (cx + 60 * s, sh + 200 * s),
        (cx + 120 * s, sh + 380 * s), (cx - 120 * s, sh + 380 * s), (cx - 60 * s, sh + 200 * s),
    ]
    draw.polygon(torso, fill=colour)
    for side in (-1, 1):
        arm = [(cx + side * 105 * s, sh + 10), (cx + side * 150 * s, sh + 260 * s)]
        draw.line(arm, fill=colour, width=int(34 * s))


def _apply(img: Image.Image, op: tuple[Any, ...]) -> Image.Image:
    kind = op[0]
    if kind == "crop":
        frac, ax, ay = min(float(op[1]), MAX_CROP), float(op[2]), float(op[3])
        dx, dy = int(img.width * frac), int(img.height * frac)
        left, upper = int(dx * ax), int(dy * ay)
        return img.crop((left, upper, left + img.width - dx, upper + img.height - dy))
    if kind == "border":
        return ImageOps.expand(img, border=int(op[1]), fill=tuple(op[2]))
    if kind == "mirror":
        return ImageOps.mirror(img)
    if kind == "resize":
        f = float(op[1])
        return img.resize((max(16, int(img.width * f)), max(16, int(img.height * f))))
    if kind == "watermark":
        img = img.copy()
        draw = ImageDraw.Draw(img)
        text = str(op[2])
        font = ImageFont.load_default(size=22)
        w = draw.textlength(text, font=font)
        x = 12 if op[1] in ("tl", "bl") else img.width - w - 12
        y = 12 if op[1] in ("tl", "tr") else img.height - 36
        draw.rectangle((x - 6, y - 4, x + w + 6, y + 28), fill=(0, 0, 0))
        draw.text((x, y), text, fill=(255, 255, 255), font=font)
        return img
    if kind == "jpeg":
        return img  # quality is applied when encoding
    raise ValueError(f"unknown photo edit {kind!r}")


def _placeholder(title: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), (218, 214, 222))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=(150, 140, 160), width=6)
    big, small = ImageFont.load_default(size=56), ImageFont.load_default(size=28)
    middle = (WIDTH // 2, HEIGHT // 2 - 30)
    draw.text(middle, "ingen bild", fill=(90, 80, 100), font=big, anchor="mm")
    draw.text((WIDTH // 2, HEIGHT // 2 + 40), title, fill=(120, 110, 130), font=small, anchor="mm")
    return img


@lru_cache(maxsize=512)
def render(spec: PhotoSpec) -> bytes:
    """JPEG bytes of a picture."""
    if spec.placeholder:
        img = _placeholder(spec.placeholder)
    else:
        img = base_scene(spec.base)
        for op in spec.ops:
            img = _apply(img, op)
    quality = next((int(op[1]) for op in spec.ops if op[0] == "jpeg"), 86)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def random_edits(rng: random.Random, watermark: str) -> PhotoOps:
    """One to three edits, as an organiser makes them when reposting a picture."""
    choices: list[tuple[Any, ...]] = [
        ("crop", round(rng.uniform(0.04, MAX_CROP), 3), round(rng.random(), 2),
         round(rng.random(), 2)),
        ("border", rng.randint(8, 40), _colour(rng)),
        ("mirror",),
        ("watermark", rng.choice(("tl", "tr", "bl", "br")), watermark),
        ("resize", round(rng.uniform(0.55, 0.9), 2)),
        ("jpeg", rng.randint(55, 80)),
    ]
    return tuple(rng.sample(choices, rng.randint(1, 3)))
