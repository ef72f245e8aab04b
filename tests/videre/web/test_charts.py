"""Route, timeline and graph geometry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from videre.web.charts import MAX_GRAPH, graph, timeline


def test_timeline_rows_are_cities_in_order_of_first_visit() -> None:
    t0 = datetime(2024, 5, 1, tzinfo=timezone.utc)
    t = timeline([(t0 + timedelta(days=7), "Lund", "b", 1), (t0, "Malmö", "a", 2), (t0 + timedelta(days=14), "Malmö", "c", 1)],
                 {"Malmö": "c1", "Lund": "c2"}, [(1, t0 + timedelta(days=7), "m1")])
    assert t is not None and [r.label for r in t.rows] == ["Malmö", "Lund"]
    xs = sorted(d.x for d in t.dots)
    assert xs[0] < xs[1] < xs[2]
    assert [k.label for k in t.ticks] == ["2024-05-01", "2024-05-08", "2024-05-15"]
    # Linked to the map: rows and dots carry their city's link id, moves are marked where they happen.
    assert [r.link for r in t.rows] == ["c1", "c2"] and {d.link for d in t.dots} == {"c1", "c2"}
    assert [(m.label, m.link, m.x) for m in t.moves] == [("1", "m1", xs[1])]
    assert timeline([]) is None


def test_graph_links_ads_to_their_keys_and_caps_the_drawing() -> None:
    ads = [(i, f"#{i}") for i in range(MAX_GRAPH["ad"] + 5)]
    links = [(i, "phone", "+46701740605", "+46701740605") for i, _ in ads] + [(0, "photo", "1", "P1"), (1, "photo", "1", "P1")]
    g = graph(ads, links)
    assert g.hidden == {"ad": 5}
    assert sum(1 for n in g.nodes if n.note == "phone") == 1
    assert len(g.edges) == MAX_GRAPH["ad"] + 2
