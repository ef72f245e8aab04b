"""`videre import` against `videre extract` on the same JSON Lines file, both as users run them
(one-shot CLI, start-up included); see bench/README.md.

    python bench/import_bench.py                      # 10,000 demo ads, SQLite, 3 rounds
    python bench/import_bench.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_run import VIDERE, load, ratio_summary, run  # noqa: E402

ADS_PER_SCALE = 300  # videre.demo.generate: scale 1.0 is about this many ads
BASES = {"nattfjaril": "http://127.0.0.1:8701", "kvallsros": "http://127.0.0.1:8702",
         "stadsnytt": "http://127.0.0.1:8703", "jsonsajt": "http://127.0.0.1:8704"}


def write_ads(path: Path, count: int, seed: int) -> int:
    """`count` ads of a generated demo world, without photos."""
    from videre.demo.generate import generate_world

    world = generate_world(seed, count / ADS_PER_SCALE * 2, with_photos=False)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in world.iter_records(BASES):
            record["images"] = []
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
            if n == count:
                break
    return n


def pg_database(admin_url: str) -> tuple[str, callable]:  # type: ignore[valid-type]
    name = f"videre_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server: import into a new database there")
    args = parser.parse_args()
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "ads.jsonl"
        n = write_ads(data, args.ads, args.seed)
        print(f"{n} ads ({data.stat().st_size / 1e6:.1f} MB), seed {args.seed}; {load()}")
        for r in range(args.rounds):
            with data.open("rb") as stdin:
                ex = run([VIDERE, "extract"], stdin=stdin)
            drop = None
            if args.pg:
                url, drop = pg_database(args.pg)
            else:
                url = f"sqlite:///{folder / f'round{r}.db'}"
            config = folder / "config.yaml"
            config.write_text(f"data_dir: {folder / 'var'}\ndatabase:\n  url: {url}\n")
            try:
                im = run([VIDERE, "--config", str(config), "import", str(data)])
                again = run([VIDERE, "--config", str(config), "import", str(data)])
            finally:
                if drop:
                    drop()
            print(f"round {r + 1}: extract {ex} | import {im} ({n / im.wall:,.0f} ads/s) | "
                  f"ratio wall {im.wall / ex.wall:.2f}x, CPU {im.cpu / ex.cpu:.2f}x | "
                  f"re-import (all unchanged) {again} | {load()}")
            ratios.append(im.wall / ex.wall)
    print(ratio_summary("videre import / videre extract, wall", ratios, 2.0))


if __name__ == "__main__":
    main()
