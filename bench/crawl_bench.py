"""`videre crawl` of one demo site against a bare Scrapy spider with the same selectors, photos and
settings, both as one-shot commands with start-up (bench/README.md).

    python bench/crawl_bench.py                    # nattfjaril, concurrency 8, 3 rounds
    python bench/crawl_bench.py --rounds 5 --concurrency 16
    python bench/crawl_bench.py --scale 4           # a site four times the size
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_run import ROOT, VIDERE, Timing, load, ratio_summary, run  # noqa: E402

if TYPE_CHECKING:
    from videre.demo import DemoSites


def timed_split(sites: DemoSites, cmd: list[str], stdout: IO[bytes]) -> tuple[Timing, float, float]:
    """Run `cmd`; its timing, and its wall time split at the first request the demo sites got:
    start-up (the command's start until then) and crawling (from then until the command ended)."""
    sites.reset_first_request()
    began = time.monotonic()
    timing = run(cmd, stdout=stdout)
    ended = time.monotonic()
    first = sites.first_request_at
    if first is None:
        raise SystemExit(f"{cmd[:3]} sent no request to the demo sites")
    return timing, first - began, ended - first


def write_config(folder: Path, base: str, slug: str, concurrency: int) -> tuple[Path, str]:
    """The shipped config.yaml with politeness relaxed, pointed at the served demo site."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    site = next(s for s in data["sites"] if s["slug"] == slug)
    start = f"{base}{urlsplit(site['start_urls'][0]).path}?{urlsplit(site['start_urls'][0]).query}"
    site["start_urls"] = [start]
    data["sites"] = [site]
    data["data_dir"] = str(folder / "var")
    data["database"] = {"url": f"sqlite:///{folder / 'crawl.db'}"}
    data["crawl"].update(download_delay=0, autothrottle=False, concurrency_per_site=concurrency,
                         run_timeout_s=600)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path, start


def main() -> None:
    from videre.demo import generate_world, serve_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="nattfjaril")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the demo world's size (1.0: about 125 ads on nattfjaril)")
    args = parser.parse_args()
    world = generate_world(args.seed, args.scale)
    ratios: list[float] = []
    start_ratios: list[float] = []
    crawl_ratios: list[float] = []
    with serve_demo(world) as sites, tempfile.TemporaryDirectory() as tmp:
        print(f"{args.site}: {len(sites.listing(args.site))} ads, {len(sites.photo_ids(args.site))} photos; "
              f"{load()}")
        for r in range(args.rounds):
            folder = Path(tmp) / f"round{r}"
            folder.mkdir()
            config, start = write_config(folder, sites.base_urls[args.site], args.site, args.concurrency)
            # The database exists already, as it does for every crawl but the first.
            run([VIDERE, "--config", str(config), "runs"])
            out = folder / "bare.out"
            with out.open("wb") as f:
                bare, bare_start, bare_crawl = timed_split(sites, [
                    sys.executable, str(ROOT / "bench" / "bare_spider.py"), "--start", start,
                    "--config", str(config), "--site", args.site, "--concurrency", str(args.concurrency)], f)
            counts = json.loads(out.read_text().splitlines()[-1])
            crawl_out = folder / "crawl.out"
            with crawl_out.open("wb") as f:
                crawl, crawl_start, crawl_crawl = timed_split(
                    sites, [VIDERE, "--config", str(config), "crawl", args.site], f)
            summary = [line for line in crawl_out.read_text().splitlines() if args.site in line]
            print(f"round {r + 1}: bare scrapy {bare} ({counts['ads']} ads, {counts['photos']} photos) | "
                  f"videre crawl {crawl} | ratio wall {crawl.wall / bare.wall:.2f}x, "
                  f"CPU {crawl.cpu / bare.cpu:.2f}x | {load()}")
            print(f"    start-up (until the first request) {bare_start:.2f} s bare, {crawl_start:.2f} s videre; "
                  f"crawling (from it to the end) {bare_crawl:.2f} s bare, {crawl_crawl:.2f} s videre")
            print("   ", summary[-1].strip() if summary else "(no summary)")
            ratios.append(crawl.wall / bare.wall)
            start_ratios.append(crawl_start / bare_start)
            crawl_ratios.append(crawl_crawl / bare_crawl)
    print(ratio_summary("videre crawl / bare scrapy, wall", ratios, 1.25))
    print(f"  of which start-up: median {statistics.median(start_ratios):.2f}x; "
          f"crawling: median {statistics.median(crawl_ratios):.2f}x")


if __name__ == "__main__":
    main()
