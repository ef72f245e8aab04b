"""Build videre/web/data/nordic_outline.json, the outline of Sweden and its neighbours for the
route map, from Natural Earth's 1:110m countries (public domain).

Run once at development time; the output is committed package data, so the map never needs the
network. Natural Earth is not on PyPI by itself; geopandas 0.14 wheels carried a copy, and pyshp
reads it:

    pip download geopandas==0.14.4 pyshp --no-deps -d /tmp/ne
    cd /tmp/ne && unzip -o geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/naturalearth_lowres/*' \
        && unzip -o pyshp-*.whl -d pyshp
    PYTHONPATH=/tmp/ne/pyshp python scripts/build_outline.py \
        /tmp/ne/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

Rings are kept when they touch the frame below, coordinates rounded to 0.01° (about 1 km, finer
than the 1:110m source) and points closer than that to the last kept one dropped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapefile  # pyshp, a development-time tool only

OUT = Path(__file__).resolve().parents[1] / "videre" / "web" / "data" / "nordic_outline.json"
FRAME = (-2.0, 52.0, 34.0, 72.0)  # lon0, lat0, lon1, lat1: Scandinavia, Finland, the Baltic
PLACES = 2


def _touches(ring: list[tuple[float, float]]) -> bool:
    lon0, lat0, lon1, lat1 = FRAME
    return any(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in ring)


def _thin(ring: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, PLACES), round(y, PLACES)]
        if not out or p != out[-1]:
            out.append(p)
    return out


def main(path: str) -> None:
    reader = shapefile.Reader(path)
    fields = [f[0] for f in reader.fields[1:]]
    countries = []
    for rec, shape in zip(reader.records(), reader.shapes()):
        attrs = dict(zip(fields, rec))
        parts = list(shape.parts) + [len(shape.points)]
        rings = [_thin(shape.points[a:b]) for a, b in zip(parts, parts[1:])]
        rings = [r for r in rings if len(r) >= 4 and _touches([tuple(p) for p in r])]
        if rings:
            countries.append({"iso": attrs["iso_a3"], "name": attrs["name"], "rings": rings})
    countries.sort(key=lambda c: c["iso"])
    data = {"source": "Natural Earth 1:110m Admin 0 countries (public domain), naturalearthdata.com",
            "frame": FRAME, "countries": countries}
    OUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {sum(len(r) for c in countries for r in c['rings'])} points, "
          f"{OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
