"""The route map: Natural Earth outline, cities placed by coordinates, numbered moves in time order,
labels that never overlap (videre.web.label_layout)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from videre.web.label_layout import Box, place_labels, text_width
from videre.web.route_map import outline, route_map

COORDS = {"Malmö": (55.605, 13.0038), "Stockholm": (59.3293, 18.0686), "Umeå": (63.8258, 20.263),
          "Skövde": (58.3903, 13.8461), "Borås": (57.721, 12.9401), "Göteborg": (57.7072, 11.9668),
          "Alingsås": (57.93, 12.5362), "Lerum": (57.7705, 12.2690), "Partille": (57.7395, 12.1064)}


def test_the_outline_is_natural_earth_and_small() -> None:
    data = outline()
    assert "Natural Earth" in data["source"]
    isos = {c["iso"] for c in data["countries"]}
    assert {"SWE", "NOR", "FIN", "DNK"} <= isos
    assert sum(len(r) for c in data["countries"] for r in c["rings"]) < 3000


def test_route_map_places_north_above_south_and_numbers_moves_in_order() -> None:
    m = route_map([("Malmö", "2024-05-01"), ("Stockholm", "2024-05-08"), ("Okänd", "2024-05-09"),
                   ("Umeå", "2024-05-15")], COORDS)
    assert m is not None
    malmo, sthlm, umea = m.cities
    assert [c.name for c in m.cities] == ["Malmö", "Stockholm", "Umeå"]
    assert umea.y < sthlm.y < malmo.y and malmo.x < sthlm.x
    assert all(0 <= c.x <= m.width and 0 <= c.y <= m.height for c in m.cities)
    assert [(mv.n, mv.names) for mv in m.moves] == [(1, ("Malmö", "Stockholm")), (2, ("Stockholm", "Umeå"))]
    assert m.unplaced == ["Okänd"]
    # Sweden is drawn, and the moves and cities know each other (for the linked timeline).
    assert "SWE" in {iso for iso, _ in m.land}
    assert m.moves[0].cities == (malmo.link, sthlm.link) and sthlm.moves == ["m1", "m2"]
    assert route_map([("Okänd", "2024-05-01")], COORDS) is None


def test_twenty_moves_between_three_close_towns_stay_apart_and_readable() -> None:
    cities = ["Skövde", "Borås", "Göteborg"]
    route = [(cities[i % 3] if i % 4 else cities[(i + 1) % 3], f"2024-06-{i + 1:02d}") for i in range(21)]
    route = [r for i, r in enumerate(route) if i == 0 or r[0] != route[i - 1][0]]
    m = route_map(route, COORDS)
    assert m is not None and len(m.moves) == len(route) - 1 >= 15
    badges = {mv.badge for mv in m.moves}
    assert len(badges) == len(m.moves)            # no two numbers on one spot
    labels = [c.label for c in m.cities]
    assert all(lb is not None for lb in labels) and not m.crowded
    boxes = [lb.box for lb in labels if lb]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


points = st.lists(st.tuples(st.floats(0, 600), st.floats(0, 440), st.floats(3, 10),
                            st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ ", min_size=1, max_size=18)),
                  min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(points)
def test_placed_labels_never_overlap_anything(pts: list[tuple[float, float, float, str]]) -> None:
    obstacles = [Box(300, 200, 320, 220)]
    placed, left = place_labels(pts, 620, 460, obstacles)
    boxes = [p.box for p in placed if p is not None]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    dots = [Box(x - r, y - r, x + r, y + r) for x, y, r, _ in pts] + obstacles
    assert not any(b.overlaps(d) for b in boxes for d in dots)
    assert all(b.inside(620, 460) for b in boxes)
    assert sorted(left) == [i for i, p in enumerate(placed) if p is None]
    for p, (_, _, _, text) in zip(placed, pts):
        if p is not None:
            assert p.box.x1 - p.box.x0 == pytest.approx(text_width(text))


def test_a_label_with_no_room_is_left_over_not_drawn_on_top() -> None:
    pts = [(50.0, 20.0, 4.0, "Göteborg")] * 30
    placed, left = place_labels(pts, 120, 40)
    assert left and all(placed[i] is None for i in left)
