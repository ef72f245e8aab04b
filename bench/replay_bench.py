"""Archived ad pages re-read per second by `videre rescore --archive` (videre.store.archive_replay), on WARC files
written the way a crawl writes them (bench/README.md).

    python bench/replay_bench.py                    # 10,000 nattfjaril detail pages, SQLite
    python bench/replay_bench.py --pages 20000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_run import ROOT, load  # noqa: E402
from bench.import_bench import ADS_PER_SCALE, pg_database  # noqa: E402

SITE = "nattfjaril"
BASE = "http://127.0.0.1:8701"
PAGES_PER_FILE = 2_000


def write_archives(folder: Path, pages: int, seed: int) -> int:
    """Detail pages of the demo site, each with its ad record, as a crawl archives them."""
    from videre.demo.generate import generate_world
    from videre.demo.pages import nattfjaril_detail
    from videre.store.archive import PageCapture, WarcArchive

    world = generate_world(seed, pages / ADS_PER_SCALE * 6, with_photos=False)
    _BY_PATH.update({a.path: a for a in world.site_ads(SITE)})
    archive: WarcArchive | None = None
    n = 0
    for record in world.iter_records({SITE: BASE}):
        if n % PAGES_PER_FILE == 0:
            if archive:
                archive.close()
            archive = WarcArchive(folder / f"part{n // PAGES_PER_FILE:03d}.warc.gz", SITE)
        html = _detail(world, record, nattfjaril_detail)
        archive.write_ad(PageCapture(record["url"], 200, html.encode("utf-8"),
                                     headers=[("Content-Type", "text/html; charset=utf-8")]), record)
        n += 1
        if n == pages:
            break
    if archive:
        archive.close()
    return n


def _detail(world, record, render) -> str:  # type: ignore[no-untyped-def]
    return render(world, _BY_PATH[record["url"][len(BASE):]], 1)


_BY_PATH: dict[str, object] = {}


def settings_for(folder: Path, url: str):  # type: ignore[no-untyped-def]
    from videre.core.config import load_settings

    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["data_dir"] = str(folder / "var")
    data["database"] = {"url": url}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(path, env={})


def cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its ended children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server: use a new database there")
    args = parser.parse_args()
    from videre.store.archive_replay import replay_archives
    from videre.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "warc").mkdir()
        n = write_archives(folder / "warc", args.pages, args.seed)
        drop = None
        url = f"sqlite:///{folder / 'replay.db'}"
        if args.pg:
            url, drop = pg_database(args.pg)
        try:
            settings = settings_for(folder, url)
            db = Database.from_settings(settings)
            print(f"{n} archived pages of {SITE} in {len(list((folder / 'warc').iterdir()))} files; {load()}")
            for label in ("first replay (ads stored as new)", "second replay (same content: re-extracted)"):
                (own, kids), t = cpu(), time.perf_counter()
                report = replay_archives([folder / "warc"], settings, db, workers=args.workers)
                wall, (own2, kids2) = time.perf_counter() - t, cpu()
                used = (own2 - own) + (kids2 - kids)
                print(f"{label}: {report.pages} pages in {wall:.2f} s wall, {used:.2f} s CPU "
                      f"(this process {own2 - own:.2f} s, workers {kids2 - kids:.2f} s) = "
                      f"{report.pages / wall:,.0f} pages/s wall, {used / report.pages * 1000:.2f} ms CPU a page; "
                      f"{dict(report.statuses)}; {load()}")
            db.dispose()
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    main()
