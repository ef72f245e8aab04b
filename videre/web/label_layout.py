"""Place text labels beside points so that no two labels overlap and no label covers a point.

A greedy search, most important label first (the caller's order): each label tries positions
around its point (right, left, above, below, then the diagonals), then the same on rings further
out, where a leader line joins it to its point. The first position that stays inside the picture
and clear of every point, every other obstacle and every label already placed wins. A label that
finds no room is returned as left over, for the caller to list beside the picture: a label is
never drawn over another one.

Text width is estimated from the number of characters at a width per character that errs wide
for the UI font (tests/videre/web/test_browser.py measures the drawn labels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHAR_W = 7.2          # px per character at 12 px sans-serif, rounded up (wide letters: Ö, W, M)
LINE_H = 15.0
PAD = 2.0             # clear space kept around every label
RINGS = (0.0, 14.0, 28.0, 44.0, 62.0, 84.0)   # extra distance from the point, ring by ring
DIRECTIONS = 16       # positions per ring beyond the first


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, o: Box) -> bool:
        return self.x0 < o.x1 and o.x0 < self.x1 and self.y0 < o.y1 and o.y0 < self.y1

    def grown(self, d: float) -> Box:
        return Box(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)

    def inside(self, width: float, height: float) -> bool:
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


@dataclass(frozen=True)
class Placed:
    text: str
    x: float              # text anchor (start), baseline
    y: float
    box: Box
    leader: tuple[float, float, float, float] | None   # from the point to the label, when set apart


def text_width(text: str) -> float:
    return len(text) * CHAR_W


def _candidates(px: float, py: float, r: float, w: float) -> list[tuple[float, float]]:
    """Centres of label boxes around a point of radius r, nearest first."""
    h = LINE_H
    near = [(px + r + 3 + w / 2, py), (px - r - 3 - w / 2, py), (px, py - r - 2 - h / 2), (px, py + r + 2 + h / 2),
            (px + r + w / 2, py - r - h / 2), (px + r + w / 2, py + r + h / 2),
            (px - r - w / 2, py - r - h / 2), (px - r - w / 2, py + r + h / 2)]
    out = list(near)
    for extra in RINGS[1:]:
        for k in range(DIRECTIONS):
            a = 2 * math.pi * k / DIRECTIONS
            # The box's nearest edge sits `extra` beyond the point, in direction a.
            cx = px + math.cos(a) * (r + extra + w / 2)
            cy = py + math.sin(a) * (r + extra + h / 2)
            out.append((cx, cy))
    return out


def place_labels(points: Sequence[tuple[float, float, float, str]], width: float, height: float,
                 obstacles: Sequence[Box] = ()) -> tuple[list[Placed | None], list[int]]:
    """points: (x, y, radius, text), most important first. Returns, per point, where its label goes
    (None when it found no room), and the indexes of the labels left over."""
    blocked = [Box(x - r, y - r, x + r, y + r).grown(PAD) for x, y, r, _ in points] + [b.grown(PAD) for b in obstacles]
    # Every box a label must stay clear of, as columns x0, y0, x1, y1; each placed label joins
    # them (grown by PAD). All candidate positions of one label are tested at once.
    clear = np.array([(b.x0, b.y0, b.x1, b.y1) for b in blocked], dtype=np.float64).reshape(-1, 4)
    placed: list[Placed | None] = []
    left: list[int] = []
    for i, (px, py, r, text) in enumerate(points):
        w, h = text_width(text), LINE_H
        c = np.array(_candidates(px, py, r, w), dtype=np.float64)
        x0, y0, x1, y1 = c[:, 0] - w / 2, c[:, 1] - h / 2, c[:, 0] + w / 2, c[:, 1] + h / 2
        ok = (x0 >= 0) & (y0 >= 0) & (x1 <= width) & (y1 <= height)
        hit = ((x0[:, None] < clear[None, :, 2]) & (clear[None, :, 0] < x1[:, None])
               & (y0[:, None] < clear[None, :, 3]) & (clear[None, :, 1] < y1[:, None]))
        free = np.nonzero(ok & ~hit.any(axis=1))[0]
        if not len(free):
            left.append(i)
            placed.append(None)
            continue
        n = int(free[0])
        box = Box(float(x0[n]), float(y0[n]), float(x1[n]), float(y1[n]))
        leader = None
        if n >= 8:
            # Join the point to the nearest point of the box.
            lx, ly = min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1)
            leader = (round(px, 1), round(py, 1), round(lx, 1), round(ly, 1))
        placed.append(Placed(text, round(box.x0, 1), round(box.y1 - 4, 1), box, leader))
        g = box.grown(PAD)
        clear = np.vstack([clear, (g.x0, g.y0, g.x1, g.y1)])
    return placed, left
