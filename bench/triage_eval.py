"""Triage accuracy on a generated world with planted groups: precision@k, recall, false items.

    python bench/triage_eval.py --scale 10 --seed 7            # no photos: fast
    python bench/triage_eval.py --scale 3 --photos             # through `videre import`, photos hashed

Without --photos the world is loaded with the benchmark's bulk loader (same rows as `videre
import`); with --photos it goes through `videre import` itself so that photos are hashed and
grouped. Prints the metrics of triage.evaluate and, with --json, writes them to a file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_load import bulk_load  # noqa: E402

from triage.evaluate import evaluate  # noqa: E402
from triage.rescore import rescore  # noqa: E402
from videre.core.config import parse_settings  # noqa: E402
from videre.store.db import Database  # noqa: E402
from videre.demo.generate import generate_world  # noqa: E402
from videre.demo.world import SITES  # noqa: E402
from videre.store.jsonl_import import import_files  # noqa: E402

BASES = {slug: f"http://127.0.0.1:{8701 + i}" for i, slug in enumerate(SITES)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--photos", action="store_true")
    ap.add_argument("--weights", type=str, default="{}", help="JSON: reason code -> weight")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--dir", type=Path, default=None, help="keep the database here")
    args = ap.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="videre-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    triage: dict[str, object] = {"weights": json.loads(args.weights)}
    if args.threshold is not None:
        triage["threshold"] = args.threshold
    settings = parse_settings({"data_dir": str(work / "var"),
                               "database": {"url": f"sqlite:///{work / 'eval.db'}"},
                               "triage": triage}, source=work / "config.yaml", env={})
    db = Database.from_settings(settings)
    world = generate_world(args.seed, args.scale, with_photos=args.photos)
    t0 = time.perf_counter()
    if args.photos:
        out = world.write(work / "world", BASES)
        report = import_files([out / "ads.jsonl"], settings, db)
        print(f"imported {report.lines} lines, {report.photos} photos in {time.perf_counter() - t0:.1f}s")
    else:
        n = bulk_load(world.iter_records(BASES), settings, db)
        print(f"loaded {n} ads in {time.perf_counter() - t0:.1f}s")
    result = rescore(settings, db, full=True)
    print(f"rescore: {result}")
    with db.session() as s:
        metrics = evaluate(s, world.truth(), BASES)
    print(metrics.report())
    if args.json:
        args.json.write_text(json.dumps({"scale": args.scale, "seed": args.seed,
                                         "photos": args.photos, **metrics.to_json()}, indent=2))


if __name__ == "__main__":
    main()
