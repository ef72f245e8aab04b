"""Triage scale benchmark: full and incremental re-score of 100k and 1M generated ads.

    python bench/triage_bench.py prepare --ads 1000000 --db sqlite:////tmp/videre-1m.db
    python bench/triage_bench.py run --db sqlite:////tmp/videre-1m.db
    # the same world on PostgreSQL (an empty database of that name must exist):
    python bench/triage_bench.py to-postgres --db sqlite:////tmp/videre-1m.db \
        --pg postgresql+psycopg://postgres@127.0.0.1:5432/videre_1m
    python bench/triage_bench.py run --db postgresql+psycopg://postgres@127.0.0.1:5432/videre_1m

`prepare` generates a world without photos (videre.demo) and stores all but the last 1 % of its
ads with the bulk loader (the rows `videre import` makes); the held-back 1 % is written next to the
database as JSON Lines. `run` then times, each in a fresh process so that peak memory is its own:

1. a full re-score of the stored ads (the first one: every signal computed, every row new);
2. a second full re-score (every signal recomputed; nothing to write);
3. the held-back 1 % loaded, then an incremental re-score.

and prints ads per second and peak resident memory (ru_maxrss) for each. `to-postgres` copies a
prepared SQLite database (and its held-back ads) into PostgreSQL, so both are timed on one world.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ADS_PER_SCALE = 300  # videre.demo.generate: scale 1.0 is about this many ads
BASES = {"nattfjaril": "http://127.0.0.1:8701", "kvallsros": "http://127.0.0.1:8702",
         "vastkontakt": "http://127.0.0.1:8703"}


def _settings(db_url: str):  # type: ignore[no-untyped-def]
    from videre.core.config import parse_settings

    return parse_settings({"database": {"url": db_url}, "data_dir": "/tmp/videre-bench-var"}, env={})


def _held_path(db_url: str) -> Path:
    return Path("/tmp") / (db_url.rsplit("/", 1)[-1].replace(".db", "") + "-held.jsonl")


def prepare(ads: int, db_url: str, seed: int) -> None:
    from triage_load import bulk_load

    from videre.demo.generate import generate_world
    from videre.store.db import Database

    settings = _settings(db_url)
    db = Database.from_settings(settings)
    world = generate_world(seed, ads / ADS_PER_SCALE, with_photos=False)
    held = _held_path(db_url)
    t0 = time.perf_counter()
    records = world.iter_records(BASES)
    # Every 100th record is held back for the incremental step (spread over groups and time).
    with held.open("w", encoding="utf-8") as out:
        def kept():  # type: ignore[no-untyped-def]
            for i, r in enumerate(records):
                if i % 100 == 99:
                    out.write(json.dumps(r, ensure_ascii=False) + "\n")
                else:
                    yield r
        n = bulk_load(kept(), settings, db,
                      on_chunk=lambda k: print(f"\r{k} ads", end="", file=sys.stderr, flush=True))
    print(f"\nstored {n} ads in {time.perf_counter() - t0:.0f}s; held back {held}")


def to_postgres(db_url: str, pg_url: str) -> None:
    import shutil

    from triage_load import copy_sqlite_to_postgres

    t0 = time.perf_counter()
    copy_sqlite_to_postgres(db_url.removeprefix("sqlite:///"), pg_url)
    shutil.copy(_held_path(db_url), _held_path(pg_url))
    print(f"copied into {pg_url} in {time.perf_counter() - t0:.0f}s; held back {_held_path(pg_url)}")


def step(db_url: str, full: bool, load_held: bool) -> None:
    """One measured step, run in its own process; prints one JSON line."""
    from triage.rescore import rescore
    from videre.store.db import Database

    settings = _settings(db_url)
    db = Database.from_settings(settings)
    added = 0
    if load_held:
        from triage_load import bulk_load, read_jsonl

        added = bulk_load(read_jsonl(str(_held_path(db_url))), settings, db)
    t0 = time.perf_counter()
    result = rescore(settings, db, full=full)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": result.mode, "ads": result.ads, "added": added,
                      "signals": result.signals, "clusters": result.clusters,
                      "flagged": result.flagged, "hubs": result.hubs, "templates": result.templates,
                      "written": result.written, "seconds": round(seconds, 1),
                      "ads_per_second": round(result.ads / seconds), "peak_mb": round(peak_mb),
                      "stages": result.stages, "cpu": result.cpu,
                      "cpu_seconds": round(sum(result.cpu.values()), 1)}))


def run(db_url: str) -> None:
    me = [sys.executable, __file__, "step", "--db", db_url]
    for label, extra in (("full (first)", ["--full"]), ("full (again)", ["--full"]),
                         ("incremental (+1 %)", ["--load-held"])):
        out = subprocess.run(me + extra, capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{label:20} {row['ads']:>9} ads  {row['seconds']:>6.1f} s  "
              f"{row['ads_per_second']:>8} ads/s  peak {row['peak_mb']:>5} MB  "
              f"({row['signals']} signals, {row['clusters']} clusters, {row['flagged']} flagged, "
              f"{row['written']} rows written)")
        print(" " * 22 + ", ".join(f"{k} {v:.1f}s (cpu {row['cpu'][k]:.1f}s)"
                                   for k, v in row["stages"].items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--ads", type=int, required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--seed", type=int, default=11)
    c = sub.add_parser("to-postgres")
    c.add_argument("--db", required=True, help="a prepared SQLite database")
    c.add_argument("--pg", required=True, help="an empty PostgreSQL database")
    r = sub.add_parser("run")
    r.add_argument("--db", required=True)
    s = sub.add_parser("step")
    s.add_argument("--db", required=True)
    s.add_argument("--full", action="store_true")
    s.add_argument("--load-held", action="store_true")
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.ads, args.db, args.seed)
    elif args.cmd == "to-postgres":
        to_postgres(args.db, args.pg)
    elif args.cmd == "run":
        run(args.db)
    else:
        step(args.db, args.full, args.load_held)


if __name__ == "__main__":
    main()
