"""Triage accuracy at scale: generate a world, bulk load it, full re-score, compare the queue with truth.

    python bench/triage_eval.py --ads 2000 --seed 1001                  # held-out evaluation world
    python bench/triage_eval.py --ads 100000 --seed 1001 --demo         # ... and the demo world too
    python bench/triage_eval.py --ads 1000000 --seed 1001 --db sqlite:////tmp/ew-1m.db
    python bench/triage_eval.py --ads 1000000 --seed 1001 --db sqlite:////tmp/ew-1m.db --reuse  # re-score only
    python bench/triage_eval.py --ads 1000000 --seed 1001 --db sqlite:////tmp/ew-1m.db --reuse --first
    python bench/triage_eval.py --world demo --ads 3000 --seed 7        # the demo world alone
    python bench/triage_eval.py --world demo --ads 900 --photos         # demo through `videre import`

The evaluation world (bench/evalworld) is written independently of the demo; its seeds 1-99 are
for tuning, 1001+ are held out (bench/README.md). The re-score is `rescore(full=True)`, what
`videre rescore --full` runs, in a fresh process so that its wall time, CPU time (incl. workers)
and peak RSS are its own. Prints a table (one row per world) and one JSON line per world;
--json appends those lines to a file. `--reuse --first` puts a stored world back as a bulk load
leaves it before re-scoring, so that the re-score timed is a first one (bench/README.md, "The
first full re-score, timed quiet").
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.evalworld import HELD_OUT_SEEDS, TUNING_SEEDS, generate  # noqa: E402
from bench.evalworld.load import load_photos  # noqa: E402
from bench.triage_load import bulk_load  # noqa: E402
from models.ads import Ad  # noqa: E402
from triage.evaluate import demo_truth, evaluate_queue  # noqa: E402
from videre.core.config import Settings, parse_settings  # noqa: E402
from videre.store.db import Database  # noqa: E402

ADS_PER_SCALE = 300  # videre.demo.generate: scale 1.0 is about this many ads
COLUMNS = (("world", 10), ("seed", 5), ("ads", 8), ("k", 5), ("flagged", 7), ("P@k", 6), ("recall", 6),
           ("false", 11), ("mixed", 5), ("largest (orgs)", 15), ("scam lab.", 9), ("rescore s", 9),
           ("cpu s", 6), ("peak MB", 7))


def _settings(db_url: str, triage: dict[str, Any], data_dir: str) -> Settings:
    return parse_settings({"database": {"url": db_url}, "data_dir": data_dir, "triage": triage}, env={})


def seed_kind(world: str, seed: int) -> str:
    if world != "evalworld":
        return "demo (tuned on)"
    return "held-out" if seed in HELD_OUT_SEEDS else "tuning" if seed in TUNING_SEEDS else "other"


def rescore_step(db_url: str, triage: dict[str, Any], data_dir: str) -> None:
    """One full re-score in this process; prints one JSON line with its cost."""
    from triage.rescore import rescore

    settings = _settings(db_url, triage, data_dir)
    db = Database.from_settings(settings)
    t0, c0 = time.perf_counter(), _cpu()
    result = rescore(settings, db, full=True)
    print(json.dumps({"wall": round(time.perf_counter() - t0, 2), "cpu": round(_cpu() - c0, 2),
                      "peak_mb": _peak_mb(),
                      "clusters": result.clusters, "flagged": result.flagged, "hubs": result.hubs,
                      "templates": result.templates, "stages": result.stages, "stage_cpu": result.cpu}))


def _peak_mb() -> int:
    """This process's own peak RSS. Linux carries ru_maxrss over exec, so a re-score started by
    the process that generated a 1M world would report the generator's peak; VmHWM is the new
    process's own."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_rescore(db_url: str, triage: dict[str, Any], data_dir: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--rescore-only", db_url, "--triage", json.dumps(triage),
                          "--data-dir", data_dir], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"re-score failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_evalworld(n_ads: int, seed: int, db: Database, settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    t0 = time.perf_counter()
    records, truth = generate(n_ads, seed)
    gen = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    ads = bulk_load(records, settings, db)
    photos, links = load_photos(db, records)
    return truth, {"generate_s": round(gen, 1), "load_s": round(time.perf_counter() - t0, 1),
                   "load_cpu_s": round(_cpu() - c0, 1), "stored_ads": ads, "photos": photos,
                   "ad_photos": links}


def _demo_world(n_ads: int, seed: int, photos: bool) -> tuple[Any, dict[str, str]]:
    from videre.demo.generate import generate_world
    from videre.demo.world import SITES

    bases = {slug: f"http://127.0.0.1:{8701 + i}" for i, slug in enumerate(SITES)}
    return generate_world(seed, n_ads / ADS_PER_SCALE, with_photos=photos), bases


def load_demo(n_ads: int, seed: int, db: Database, settings: Settings, work: Path,
              photos: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    t0 = time.perf_counter()
    world, bases = _demo_world(n_ads, seed, photos)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    if photos:
        from videre.store.jsonl_import import import_files

        out = world.write(work / "world", bases)
        ads = import_files([out / "ads.jsonl"], settings, db).lines
    else:
        ads = bulk_load(world.iter_records(bases), settings, db)
    return demo_truth(world.truth(), bases), {"generate_s": round(gen, 1),
                                              "load_s": round(time.perf_counter() - t0, 1), "stored_ads": ads}


def truth_again(world: str, n_ads: int, seed: int, photos: bool) -> dict[str, Any]:
    """The truth of a world an earlier run loaded (the generators are deterministic)."""
    if world == "evalworld":
        return generate(n_ads, seed)[1]
    demo, bases = _demo_world(n_ads, seed, photos)
    return demo_truth(demo.truth(), bases)


# What a re-score writes (a 2k world loaded, then re-scored, differs from the loaded one in
# exactly these tables and columns); children before the rows they point to.
RESCORE_TABLES = ("cluster_summaries", "queue_facets", "item_changes", "notes", "queue_items", "ad_templates",
                  "ad_signals", "template_words", "templates", "cluster_events", "clusters")


def reset_to_first(db: Database) -> None:
    """Put a re-scored world back as a bulk load leaves it: no triage results, no cluster ids,
    no hub marks, no re-score in the run history."""
    with db.engine.begin() as conn:
        for table in RESCORE_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("UPDATE ads SET cluster_id = NULL WHERE cluster_id IS NOT NULL")
        for table in ("phones", "photos"):
            conn.exec_driver_sql(f"UPDATE {table} SET is_hub = FALSE, hub_reason = '' "
                                 "WHERE is_hub OR hub_reason <> ''")
        conn.exec_driver_sql("DELETE FROM runs WHERE kind = 'rescore'")


def stored_ads(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Ad)).scalar() or 0)


def evaluate_world(world: str, n_ads: int, seed: int, db_url: str | None, triage: dict[str, Any],
                   photos: bool = False, reuse: bool = False, first: bool = False) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"videre-eval-{world}-"))
    db_url = db_url or f"sqlite:///{work / 'eval.db'}"
    data_dir = str(work / "var")
    settings = _settings(db_url, triage, data_dir)
    db = Database.from_settings(settings)
    if reuse and (kept := stored_ads(db)):
        # The world was loaded by an earlier run with the same --ads and --seed: the generator is
        # deterministic, so only its truth is made again.
        t0 = time.perf_counter()
        truth = truth_again(world, n_ads, seed, photos)
        if first:
            reset_to_first(db)
        load = {"generate_s": round(time.perf_counter() - t0, 1), "load_s": 0.0, "stored_ads": kept,
                "reused": True}
    elif world == "evalworld":
        truth, load = load_evalworld(n_ads, seed, db, settings)
    else:
        truth, load = load_demo(n_ads, seed, db, settings, work, photos)
    print(f"{world} seed {seed}: {load['stored_ads']} ads loaded in {load['load_s']} s "
          f"({load.get('load_cpu_s', '?')} s CPU) "
          f"(generated in {load['generate_s']} s); re-scoring...", file=sys.stderr, flush=True)
    cost = run_rescore(db_url, triage, data_dir)
    with db.session() as s:
        metrics = evaluate_queue(s, truth)
    db.dispose()
    return {"world": world, "seed": seed, "seed_kind": seed_kind(world, seed), "db": db_url,
            **metrics.to_json(), "rescore": cost, "load": load}


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["  ".join(f"{name:>{w}}" for name, w in COLUMNS)]
    for r in rows:
        c = r["rescore"]
        cells = (r["world"], r["seed"], r["ads"], r["targets"], r["flagged"], f"{r['precision_at_k']:.3f}",
                 f"{r['recall']:.3f}", f"{r['false_items']} ({r['false_share']:.0%})", r["mixed_items"],
                 f"{r['largest_cluster']} ({r['largest_orgs']})", f"{r['scam_labelled']}/{r['scams']}",
                 f"{c['wall']:.1f}", f"{c['cpu']:.1f}", c["peak_mb"])
        lines.append("  ".join(f"{str(v):>{w}}" for v, (_, w) in zip(cells, COLUMNS)))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--world", choices=("evalworld", "demo"), default="evalworld")
    ap.add_argument("--ads", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1001)
    ap.add_argument("--demo", action="store_true", help="also run the demo world at the same size (seed 7)")
    ap.add_argument("--photos", action="store_true", help="demo world only: through `videre import`, photos hashed")
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a new temp directory)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --db: if it already holds the world (same --ads, --seed), only re-score")
    ap.add_argument("--first", action="store_true",
                    help="with --reuse: reset the stored world to what a bulk load leaves, then re-score")
    ap.add_argument("--weights", default="{}", help="JSON: reason code -> weight")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", type=Path, default=None, help="append one JSON line per world here")
    ap.add_argument("--rescore-only", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--triage", default="{}", help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rescore_only:
        rescore_step(args.rescore_only, json.loads(args.triage), args.data_dir)
        return
    triage: dict[str, Any] = {"weights": json.loads(args.weights)}
    if args.threshold is not None:
        triage["threshold"] = args.threshold
    if args.world == "evalworld" and args.seed not in HELD_OUT_SEEDS:
        print(f"note: seed {args.seed} is not a held-out seed ({HELD_OUT_SEEDS.start}-"
              f"{HELD_OUT_SEEDS.stop - 1}): do not report its figures as held-out", file=sys.stderr)
    runs = [(args.world, args.seed, args.db)]
    if args.demo and args.world == "evalworld":
        runs.append(("demo", 7, None))
    rows = []
    for world, seed, db_url in runs:
        row = evaluate_world(world, args.ads, seed, db_url, triage, args.photos, args.reuse and db_url is not None,
                             args.first)
        rows.append(row)
        line = json.dumps(row, ensure_ascii=False)
        print(line)
        if args.json:
            with args.json.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
