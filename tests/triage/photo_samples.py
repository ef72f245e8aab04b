"""Generated ad-like photos and the edits re-posters make, for the photo tests and bench/.

Scenes are synthetic (never real people): a textured room with natural-image statistics (1/f
noise), furniture, and a faceless figure. `scene(room, figure)` keeps the room when only the figure
changes, which gives the hard negatives: different photos with the same background and colours.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

Edit = Callable[[Image.Image], Image.Image]


def _pink_noise(rng: np.random.Generator, h: int, w: int, slope: float = 1.6) -> np.ndarray:
    """Noise with a 1/f^slope spectrum, scaled to [0, 1]: looks like natural texture."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    spectrum = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f**slope
    spectrum[0, 0] = 0
    field = np.fft.irfft2(spectrum, s=(h, w))
    field -= field.min()
    return field / max(float(field.max()), 1e-9)


def _colour(rng: random.Random, lo: int = 25, hi: int = 230) -> tuple[int, int, int]:
    return (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def _room(seed: int, size: tuple[int, int], palette_seed: int | None) -> Image.Image:
    w, h = size
    rng = random.Random(seed)
    prng = random.Random(seed if palette_seed is None else palette_seed)
    palette = [_colour(prng) for _ in range(5)]
    texture = _pink_noise(np.random.default_rng(seed), h // 4, w // 4)
    a, b = np.array(palette[0], float), np.array(palette[1], float)
    base = a + (b - a) * texture[..., None]
    img = Image.fromarray(base.astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    floor = rng.randint(int(h * 0.55), int(h * 0.8))
    draw.rectangle((0, floor, w, h), fill=palette[2])
    for _ in range(rng.randint(3, 7)):  # furniture, frames, lamps
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = (x0, y0, x0 + rng.randint(w // 12, w // 2), y0 + rng.randint(h // 12, h // 3))
        fill = rng.choice(palette[2:]) if rng.random() < 0.5 else _colour(rng)
        if rng.random() < 0.6:
            draw.rectangle(box, fill=fill, outline=_colour(rng), width=rng.randint(0, 6))
        else:
            draw.ellipse(box, fill=fill)
    return img


def _figure(img: Image.Image, seed: int) -> None:
    """A faceless figure: head, torso, arms and legs, with a textured outfit."""
    w, h = img.size
    rng = random.Random(seed * 7919 + 1)
    s = rng.uniform(0.8, 1.25) * min(w, h) / 600
    cx, top = rng.uniform(0.3, 0.7) * w, rng.uniform(0.08, 0.3) * h
    skin, cloth = _colour(rng, 60, 230), _colour(rng, 10, 200)
    mask = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(mask)
    head = 50 * s
    d.ellipse((cx - head, top, cx + head, top + 2.3 * head), fill=255)
    sh = top + 2.4 * head
    lean = rng.uniform(-40, 40) * s
    torso = [(cx - 100 * s, sh), (cx + 100 * s, sh), (cx + 55 * s + lean, sh + 190 * s),
             (cx + 115 * s + lean, sh + 360 * s), (cx - 115 * s + lean, sh + 360 * s),
             (cx - 55 * s + lean, sh + 190 * s)]
    d.polygon(torso, fill=200)
    for side in (-1, 1):
        hand = (cx + side * rng.uniform(120, 230) * s, sh + rng.uniform(60, 300) * s)
        d.line([(cx + side * 95 * s, sh + 10), hand], fill=160, width=int(30 * s))
        foot = (cx + side * rng.uniform(30, 120) * s + lean, sh + rng.uniform(520, 640) * s)
        d.line([(cx + side * 60 * s + lean, sh + 350 * s), foot], fill=160, width=int(38 * s))
    m = np.asarray(mask)
    pattern = _pink_noise(np.random.default_rng(seed + 10_000), h // 4, w // 4, slope=1.2)
    pattern = np.asarray(Image.fromarray((pattern * 255).astype(np.uint8)).resize(img.size)) / 255.0
    px = np.asarray(img, dtype=np.float32)
    cloth_px = np.array(cloth, np.float32) * (0.6 + 0.8 * pattern[..., None])
    skin_px = np.broadcast_to(np.array(skin, np.float32), px.shape)
    px = np.where((m == 255)[..., None], skin_px, px)
    px = np.where((m == 200)[..., None], cloth_px, px)
    px = np.where((m == 160)[..., None], skin_px * 0.9, px)
    img.paste(Image.fromarray(np.clip(px, 0, 255).astype(np.uint8)))


def scene(room: int, figure: int | None = None, size: tuple[int, int] = (600, 800),
          palette: int | None = None) -> Image.Image:
    """One photo. Same `room` and a different `figure` gives a different photo in the same room."""
    img = _room(room, size, palette)
    _figure(img, room if figure is None else figure)
    grain = np.random.default_rng(room * 31 + (figure or 0)).normal(0, 4, (size[1], size[0], 1))
    return Image.fromarray(np.clip(np.asarray(img, np.float32) + grain, 0, 255).astype(np.uint8))


def jpeg(img: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def from_bytes(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


# Edits a re-poster makes. Each takes the picture and returns the edited picture.
def recompress(quality: int) -> Edit:
    return lambda img: from_bytes(jpeg(img, quality))


def resize(f: float) -> Edit:
    return lambda img: img.resize((max(16, round(img.width * f)), max(16, round(img.height * f))),
                                  Image.Resampling.LANCZOS)


def crop(left: float = 0, top: float = 0, right: float = 0, bottom: float = 0) -> Edit:
    def edit(img: Image.Image) -> Image.Image:
        w, h = img.size
        return img.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))
    return edit


def border(px: int, colour: tuple[int, int, int] = (255, 255, 255), sides: str = "ltrb") -> Edit:
    def edit(img: Image.Image) -> Image.Image:
        pad = tuple(px if s in sides else 0 for s in "ltrb")
        return ImageOps.expand(img, border=pad, fill=colour)  # type: ignore[arg-type]
    return edit


def caption(corner: str = "br", text: str = "NYA TJEJER 070-1740605", size: int = 0) -> Edit:
    """A site's text watermark on a dark band in one corner."""
    def edit(img: Image.Image) -> Image.Image:
        img = img.copy()
        d = ImageDraw.Draw(img)
        font = ImageFont.load_default(size=size or max(12, img.height // 32))
        w = d.textlength(text, font=font)
        fh = font.size
        x = 10 if corner[1] == "l" else img.width - w - 10
        y = 10 if corner[0] == "t" else img.height - fh - 16
        d.rectangle((x - 6, y - 4, x + w + 6, y + fh + 6), fill=(10, 10, 10))
        d.text((x, y), text, fill=(255, 255, 255), font=font)
        return img
    return edit


def logo(corner: str = "tr", share: float = 0.16, opacity: float = 0.7) -> Edit:
    """A semi-transparent round logo in one corner."""
    def edit(img: Image.Image) -> Image.Image:
        img = img.copy()
        r = int(min(img.size) * share / 2)
        cx = r + 12 if corner[1] == "l" else img.width - r - 12
        cy = r + 12 if corner[0] == "t" else img.height - r - 12
        over = Image.new("RGBA", img.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(over)
        alpha = int(255 * opacity)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(230, 30, 120, alpha))
        d.text((cx, cy), "VIP", fill=(255, 255, 255, alpha), anchor="mm",
               font=ImageFont.load_default(size=max(10, r // 2)))
        return Image.alpha_composite(img.convert("RGBA"), over).convert("RGB")
    return edit


def brightness(f: float) -> Edit:
    return lambda img: ImageEnhance.Brightness(img).enhance(f)


def contrast(f: float) -> Edit:
    return lambda img: ImageEnhance.Contrast(img).enhance(f)


def mirror() -> Edit:
    return ImageOps.mirror


def chain(*edits: Edit) -> Edit:
    def edit(img: Image.Image) -> Image.Image:
        for e in edits:
            img = e(img)
        return img
    return edit


# The transformation families the matcher must survive, each with a few strengths.
FAMILIES: dict[str, list[Edit]] = {
    "recompress": [recompress(q) for q in (40, 60, 75)],
    "resize": [resize(f) for f in (0.35, 0.6, 1.4)],
    "crop": [crop(left=0.15), crop(top=0.15), crop(right=0.12, bottom=0.08),
             crop(0.08, 0.08, 0.08, 0.08), crop(left=0.1, top=0.05), crop(bottom=0.15)],
    "border": [border(30), border(18, (200, 20, 60)), border(60, (0, 0, 0), "tb"),
               border(24, (255, 220, 0), "lr")],
    "overlay": [caption("br"), caption("tl"), logo("tr"), logo("bl", 0.2, 0.9)],
    "light": [brightness(1.35), brightness(0.7), contrast(1.4), contrast(0.65)],
    "mirror": [mirror(), chain(mirror(), recompress(60))],
    "combined": [chain(crop(left=0.1), border(20, (30, 30, 30)), caption("br"), recompress(70)),
                 chain(mirror(), crop(top=0.08, right=0.06), resize(0.7)),
                 chain(contrast(1.3), logo("tl"), crop(bottom=0.12), resize(0.5))],
}
