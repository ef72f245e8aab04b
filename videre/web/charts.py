"""Geometry for the item page's pictures, drawn server-side as inline SVG from local data only.

- the route: the cities in the order they were advertised, placed by their stored coordinates,
  over the other known places as a faint backdrop (no map tiles, nothing fetched);
- the timeline: one row per city, one dot per ad, over time;
- the graph: ads in the middle, their phones on the left, photos and templates on the right.

Functions here return plain coordinates; the templates write the SVG (and escape every label).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

MAP_W, MAP_H, MAP_PAD = 340, 420, 24
TL_W, TL_ROW, TL_LEFT, TL_TOP = 640, 26, 120, 18
GRAPH_W, GRAPH_ROW, GRAPH_TOP = 640, 22, 20
MAX_GRAPH = {"ad": 40, "phone": 20, "photo": 30, "template": 10}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str = ""
    note: str = ""


@dataclass
class RouteMap:
    width: int
    height: int
    backdrop: list[Dot]
    stops: list[Dot]                      # in route order, label = "1 Malmö"
    unplaced: list[str]                   # cities on the route without coordinates


def route_map(route: Sequence[tuple[str, str]], coords: dict[str, tuple[float, float]],
              backdrop: Sequence[tuple[float, float]]) -> RouteMap | None:
    placed = [(city, day, coords[city]) for city, day in route if city in coords]
    if not placed:
        return None
    points = [c for _, _, c in placed] + list(backdrop)
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    # Equirectangular, with longitudes shrunk by the cosine of the middle latitude.
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * k, 0.5)
    span_y = max(lat1 - lat0, 0.5)
    scale = min((MAP_W - 2 * MAP_PAD) / span_x, (MAP_H - 2 * MAP_PAD) / span_y)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (round(MAP_PAD + (lon - lon0) * k * scale, 1), round(MAP_PAD + (lat1 - lat) * scale, 1))

    stops = [Dot(*xy(*c), label=f"{i} {city}", note=day) for i, (city, day, c) in enumerate(placed, 1)]
    return RouteMap(MAP_W, MAP_H, [Dot(*xy(*p)) for p in backdrop], stops,
                    [city for city, _ in route if city not in coords])


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[Dot]                       # row labels at the left (x, y, city)
    dots: list[Dot]
    ticks: list[Dot]                      # date labels along the bottom


def timeline(events: Sequence[tuple[datetime, str, str]]) -> Timeline | None:
    """events: (when, city, note) per ad; ads without a city go on a row of their own."""
    if not events:
        return None
    cities: list[str] = []
    for _, city, _ in sorted(events):
        if city not in cities:
            cities.append(city)
    t0 = min(e[0] for e in events)
    t1 = max(e[0] for e in events)
    span = max((t1 - t0).total_seconds(), 3600.0)
    plot_w = TL_W - TL_LEFT - 20

    def x(t: datetime) -> float:
        return round(TL_LEFT + (t - t0).total_seconds() / span * plot_w, 1)

    def y(city: str) -> float:
        return TL_TOP + cities.index(city) * TL_ROW

    height = TL_TOP + len(cities) * TL_ROW + 24
    times = sorted({t0, t0 + (t1 - t0) / 2, t1})
    # note = text anchor, so that the first and last dates stay inside the picture
    ticks = [Dot(x(t), height - 6, label=t.strftime("%Y-%m-%d"),
                 note="start" if i == 0 else "end" if i == len(times) - 1 else "middle")
             for i, t in enumerate(times)]
    return Timeline(TL_W, height, [Dot(TL_LEFT - 8, y(c), label=c) for c in cities],
                    [Dot(x(t), y(city), note=note) for t, city, note in events], ticks)


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[Dot] = field(default_factory=list)     # note = kind
    edges: list[tuple[Dot, Dot]] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)


def graph(ads: Sequence[tuple[int, str]], links: Sequence[tuple[int, str, str, str]]) -> Graph:
    """ads: (ad id, label); links: (ad id, kind, key, label) for kinds phone, photo, template."""
    columns = {"phone": 120, "ad": 310, "photo": 490, "template": 595}
    shown_ads = list(ads)[:MAX_GRAPH["ad"]]
    keys: dict[str, list[tuple[str, str]]] = {"phone": [], "photo": [], "template": []}
    for _, kind, key, label in links:
        if (key, label) not in keys[kind]:
            keys[kind].append((key, label))
    hidden = {k: max(0, len(v) - MAX_GRAPH[k]) for k, v in keys.items() if len(v) > MAX_GRAPH[k]}
    if len(ads) > MAX_GRAPH["ad"]:
        hidden["ad"] = len(ads) - MAX_GRAPH["ad"]
    rows = max(len(shown_ads), *(min(len(v), MAX_GRAPH[k]) for k, v in keys.items()), 1)
    height = GRAPH_TOP * 2 + rows * GRAPH_ROW

    def place(n: int, i: int) -> float:
        return round(GRAPH_TOP + (i + 0.5) * (rows * GRAPH_ROW) / n, 1)

    g = Graph(GRAPH_W, height, hidden=hidden)
    pos: dict[tuple[str, str], Dot] = {}
    for i, (ad_id, label) in enumerate(shown_ads):
        pos[("ad", str(ad_id))] = Dot(columns["ad"], place(len(shown_ads), i), label, "ad")
    for kind, entries in keys.items():
        entries = entries[:MAX_GRAPH[kind]]
        for i, (key, label) in enumerate(entries):
            pos[(kind, key)] = Dot(columns[kind], place(len(entries), i), label, kind)
    g.nodes = list(pos.values())
    for ad_id, kind, key, _ in links:
        a, b = pos.get(("ad", str(ad_id))), pos.get((kind, key))
        if a is not None and b is not None:
            g.edges.append((a, b))
    return g
