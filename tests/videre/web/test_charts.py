"""Route, timeline and graph geometry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from videre.web.charts import MAX_GRAPH, graph, route_map, timeline

COORDS = {"Malmö": (55.605, 13.0038), "Stockholm": (59.3293, 18.0686), "Umeå": (63.8258, 20.263)}


def test_route_places_north_above_south_and_keeps_order() -> None:
    m = route_map([("Malmö", "2024-05-01"), ("Stockholm", "2024-05-08"), ("Okänd", "2024-05-09"),
                   ("Umeå", "2024-05-15")], COORDS, list(COORDS.values()))
    assert m is not None
    assert [d.label for d in m.stops] == ["1 Malmö", "2 Stockholm", "3 Umeå"]
    malmo, sthlm, umea = m.stops
    assert umea.y < sthlm.y < malmo.y and malmo.x < sthlm.x
    assert all(0 <= d.x <= m.width and 0 <= d.y <= m.height for d in m.stops + m.backdrop)
    assert m.unplaced == ["Okänd"]
    assert route_map([("Okänd", "2024-05-01")], COORDS, []) is None


def test_timeline_rows_are_cities_in_order_of_first_visit() -> None:
    t0 = datetime(2024, 5, 1, tzinfo=timezone.utc)
    t = timeline([(t0 + timedelta(days=7), "Lund", "b"), (t0, "Malmö", "a"), (t0 + timedelta(days=14), "Malmö", "c")])
    assert t is not None and [r.label for r in t.rows] == ["Malmö", "Lund"]
    xs = sorted(d.x for d in t.dots)
    assert xs[0] < xs[1] < xs[2]
    assert [k.label for k in t.ticks] == ["2024-05-01", "2024-05-08", "2024-05-15"]
    assert timeline([]) is None


def test_graph_links_ads_to_their_keys_and_caps_the_drawing() -> None:
    ads = [(i, f"#{i}") for i in range(MAX_GRAPH["ad"] + 5)]
    links = [(i, "phone", "+46701740605", "+46701740605") for i, _ in ads] + [(0, "photo", "1", "P1"), (1, "photo", "1", "P1")]
    g = graph(ads, links)
    assert g.hidden == {"ad": 5}
    assert sum(1 for n in g.nodes if n.note == "phone") == 1
    assert len(g.edges) == MAX_GRAPH["ad"] + 2
