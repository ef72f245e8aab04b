"""Geometry for the item page's pictures, drawn server-side as inline SVG from local data only.

- the timeline: one row per city, one dot per city and day (sized by its ads), over time, with the
  numbered moves of the route map (videre.web.route_map) marked where they happen;
- the graph: ads in the middle, their phones on the left, photos and templates on the right.

Functions here return plain coordinates; the templates write the SVG (and escape every label).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

TL_W, TL_ROW, TL_LEFT, TL_TOP = 640, 26, 120, 18
GRAPH_W, GRAPH_ROW, GRAPH_TOP = 640, 22, 20
MAX_GRAPH = {"ad": 40, "phone": 20, "photo": 30, "template": 10}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str = ""
    note: str = ""
    link: str = ""        # shared with the route map: hovering one lights the other
    r: float = 4.0


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[Dot]                       # row labels at the left (x, y, city)
    dots: list[Dot]
    ticks: list[Dot]                      # date labels along the bottom
    moves: list[Dot] = field(default_factory=list)    # numbered marks along the top


def timeline(events: Sequence[tuple[datetime, str, str, int]], links: dict[str, str] | None = None,
             moves: Sequence[tuple[int, datetime, str]] = ()) -> Timeline | None:
    """events: (when, city, note, ads) per city and day; ads without a city go on a row of their
    own. links: city -> link id of the route map; moves: (number, when, link id)."""
    if not events:
        return None
    links = links or {}
    cities: list[str] = []
    for e in sorted(events):
        if e[1] not in cities:
            cities.append(e[1])
    t0 = min(e[0] for e in events)
    t1 = max(e[0] for e in events)
    span = max((t1 - t0).total_seconds(), 3600.0)
    plot_w = TL_W - TL_LEFT - 20
    top = TL_TOP + (14 if moves else 0)

    def x(t: datetime) -> float:
        return round(TL_LEFT + min(max((t - t0).total_seconds(), 0.0), span) / span * plot_w, 1)

    def y(city: str) -> float:
        return top + cities.index(city) * TL_ROW

    height = top + len(cities) * TL_ROW + 24
    times = sorted({t0, t0 + (t1 - t0) / 2, t1})
    # note = text anchor, so that the first and last dates stay inside the picture
    ticks = [Dot(x(t), height - 6, label=t.strftime("%Y-%m-%d"),
                 note="start" if i == 0 else "end" if i == len(times) - 1 else "middle")
             for i, t in enumerate(times)]
    return Timeline(TL_W, height, [Dot(TL_LEFT - 8, y(c), label=c, link=links.get(c, "")) for c in cities],
                    [Dot(x(t), y(city), note=note, link=links.get(city, ""), r=min(3.0 + math.sqrt(n), 9.0))
                     for t, city, note, n in events],
                    ticks, [Dot(x(t), TL_TOP, label=str(n), link=link) for n, t, link in moves])


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[Dot] = field(default_factory=list)     # note = kind
    edges: list[tuple[Dot, Dot]] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)


def graph(ads: Sequence[tuple[int, str]], links: Sequence[tuple[int, str, str, str]],
          n_ads: int | None = None) -> Graph:
    """ads: (ad id, label); links: (ad id, kind, key, label) for kinds phone, photo, template;
    n_ads: the ads of the whole item, when `ads` are some of them."""
    columns = {"phone": 120, "ad": 310, "photo": 490, "template": 595}
    shown_ads = list(ads)[:MAX_GRAPH["ad"]]
    keys: dict[str, list[tuple[str, str]]] = {"phone": [], "photo": [], "template": []}
    for _, kind, key, label in links:
        if (key, label) not in keys[kind]:
            keys[kind].append((key, label))
    hidden = {k: max(0, len(v) - MAX_GRAPH[k]) for k, v in keys.items() if len(v) > MAX_GRAPH[k]}
    n_ads = max(n_ads or 0, len(ads))
    if n_ads > len(shown_ads):
        hidden["ad"] = n_ads - len(shown_ads)
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
