"""The route on a map: Sweden and its neighbours as outlines, the cities where the ads were posted,
and every move between them as a numbered arrow in time order; city names placed so that they
never overlap (videre.web.label_layout).

The outline is Natural Earth's 1:110m countries (public domain), simplified once by
scripts/build_outline.py and shipped as videre/web/data/nordic_outline.json: no tiles, nothing
fetched. Cities are placed by the gazetteer's coordinates stored with each place. The frame
follows the route (with a margin and a minimum span, so that the coast around it shows).

Every city and move carries a link id (c1, m1...) that the timeline uses too: static/videre.js
lights both pictures together (docs/analyst.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from videre.web.label_layout import Box, Placed, place_labels

MAP_W, MAP_H = 620, 460
MIN_SPAN_LAT = 2.4     # degrees: at least Göteborg to Jönköping, so that the coast shows
MARGIN = 0.35          # of the route's own span, on each side
MAX_MOVES = 60
BADGE_R = 7.0
BEND, BEND_STEP = 20.0, 26.0   # px: how far a move's curve bows out, and more for each repeat


@dataclass
class City:
    name: str
    link: str
    x: float
    y: float
    r: float
    visits: int
    moves: list[str] = field(default_factory=list)
    label: Placed | None = None


@dataclass
class Move:
    n: int
    link: str
    path: str
    badge: tuple[float, float]
    day: str
    cities: tuple[str, str]      # link ids of where from and where to
    names: tuple[str, str]


@dataclass
class RouteMap:
    width: int
    height: int
    land: list[tuple[str, str]]          # (ISO code, SVG path)
    cities: list[City]
    moves: list[Move]
    unplaced: list[str]                  # cities on the route without coordinates
    crowded: list[str]                   # names that found no room on the map (listed below it)
    more_moves: int = 0
    source: str = ""

    def city(self, link: str) -> City | None:
        return next((c for c in self.cities if c.link == link), None)


@lru_cache(maxsize=1)
def outline() -> dict[str, Any]:
    data = resources.files("videre.web").joinpath("data/nordic_outline.json").read_text(encoding="utf-8")
    return json.loads(data)


class _Frame:
    """Equirectangular, longitudes shrunk by the cosine of the middle latitude."""

    def __init__(self, coords: Sequence[tuple[float, float]]) -> None:
        lats = [c[0] for c in coords]
        lons = [c[1] for c in coords]
        mid_lat = (min(lats) + max(lats)) / 2
        self.k = math.cos(math.radians(mid_lat))
        span_y = max((max(lats) - min(lats)) * (1 + 2 * MARGIN), MIN_SPAN_LAT)
        span_x = max((max(lons) - min(lons)) * self.k * (1 + 2 * MARGIN), 0.0)
        if span_x / span_y < MAP_W / MAP_H:
            span_x = span_y * MAP_W / MAP_H
        else:
            span_y = span_x * MAP_H / MAP_W
        self.cx = (min(lons) + max(lons)) / 2 * self.k
        self.cy = mid_lat
        self.scale = MAP_W / span_x
        self.bounds = (self.cy - span_y / 2, self.cy + span_y / 2)

    def _key(self) -> tuple[float, float, float, float]:
        return (self.k, self.cx, self.cy, self.scale)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frame) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (round(MAP_W / 2 + (lon * self.k - self.cx) * self.scale, 1),
                round(MAP_H / 2 - (lat - self.cy) * self.scale, 1))


@lru_cache(maxsize=64)
def _land(frame: _Frame) -> list[tuple[str, str]]:
    """The outline drawn in a frame: the same for every item over the same towns, so kept."""
    out = []
    for country in outline()["countries"]:
        parts = []
        for ring in country["rings"]:
            pts = [frame.xy(lat, lon) for lon, lat in ring]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            if max(xs) < 0 or min(xs) > MAP_W or max(ys) < 0 or min(ys) > MAP_H:
                continue
            parts.append("M" + " L".join(f"{x},{y}" for x, y in pts) + " Z")
        if parts:
            out.append((country["iso"], " ".join(parts)))
    return out


def _curve(a: City, b: City, bend: float) -> tuple[str, tuple[float, float]]:
    """A quadratic curve from a to b bowing `bend` px to the left of the direction of travel (so a
    move back runs on the other side), stopped short of both dots; and its middle point."""
    dx, dy = b.x - a.x, b.y - a.y
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    x0, y0 = a.x + ux * (a.r + 2), a.y + uy * (a.r + 2)
    x1, y1 = b.x - ux * (b.r + 4), b.y - uy * (b.r + 4)
    cx, cy = (x0 + x1) / 2 + uy * bend, (y0 + y1) / 2 - ux * bend
    mid = (round(0.25 * x0 + 0.5 * cx + 0.25 * x1, 1), round(0.25 * y0 + 0.5 * cy + 0.25 * y1, 1))
    return f"M{x0:.1f},{y0:.1f} Q{cx:.1f},{cy:.1f} {x1:.1f},{y1:.1f}", mid


def route_map(route: Sequence[tuple[str, str]], coords: dict[str, tuple[float, float]]) -> RouteMap | None:
    """route: (city, first day there) in time order; coords: city -> (lat, lon)."""
    placed = [(city, day) for city, day in route if city in coords]
    if not placed:
        return None
    more = max(len(placed) - 1 - MAX_MOVES, 0)
    placed = placed[:MAX_MOVES + 1]
    frame = _Frame([coords[c] for c, _ in placed])
    visits: dict[str, int] = {}
    for c, _ in placed:
        visits[c] = visits.get(c, 0) + 1
    cities: dict[str, City] = {}
    for c, _ in placed:
        if c not in cities:
            x, y = frame.xy(*coords[c])
            cities[c] = City(c, f"c{len(cities) + 1}", x, y, min(4.0 + 1.5 * visits[c], 10.0), visits[c])
    moves: list[Move] = []
    repeats: dict[tuple[str, str], int] = {}
    for n, ((c0, _), (c1, day)) in enumerate(zip(placed, placed[1:]), 1):
        if c0 == c1:
            continue
        k = repeats.get((c0, c1), 0)
        repeats[(c0, c1)] = k + 1
        a, b = cities[c0], cities[c1]
        path, mid = _curve(a, b, BEND + BEND_STEP * k)
        link = f"m{n}"
        moves.append(Move(n, link, path, mid, day, (a.link, b.link), (c0, c1)))
        a.moves.append(link)
        b.moves.append(link)
    order = sorted(cities.values(), key=lambda c: (-c.visits, c.name))
    badges = [Box(m.badge[0] - BADGE_R, m.badge[1] - BADGE_R, m.badge[0] + BADGE_R, m.badge[1] + BADGE_R)
              for m in moves]
    spots, left = place_labels([(c.x, c.y, c.r, c.name) for c in order], MAP_W, MAP_H, badges)
    for c, spot in zip(order, spots):
        c.label = spot
    return RouteMap(MAP_W, MAP_H, _land(frame), list(cities.values()), moves,
                    unplaced=[c for c, _ in route if c not in coords], crowded=[order[i].name for i in left],
                    more_moves=more, source=str(outline().get("source", "")))
