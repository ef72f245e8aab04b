"""`videre crawl` of one demo site against a bare Scrapy spider with the same selectors, photos and
settings, both as one-shot commands with start-up (bench/README.md).

    python bench/crawl_bench.py                    # nattfjaril, concurrency 8, 3 rounds
    python bench/crawl_bench.py --rounds 5 --concurrency 16
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_run import ROOT, VIDERE, load, ratio_summary, run  # noqa: E402


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
    args = parser.parse_args()
    world = generate_world(args.seed)
    ratios: list[float] = []
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
                bare = run([sys.executable, str(ROOT / "bench" / "bare_spider.py"), "--start", start,
                            "--config", str(config), "--site", args.site,
                            "--concurrency", str(args.concurrency)], stdout=f)
            counts = json.loads(out.read_text().splitlines()[-1])
            crawl_out = folder / "crawl.out"
            with crawl_out.open("wb") as f:
                crawl = run([VIDERE, "--config", str(config), "crawl", args.site], stdout=f)
            summary = [line for line in crawl_out.read_text().splitlines() if args.site in line]
            print(f"round {r + 1}: bare scrapy {bare} ({counts['ads']} ads, {counts['photos']} photos) | "
                  f"videre crawl {crawl} | ratio wall {crawl.wall / bare.wall:.2f}x, "
                  f"CPU {crawl.cpu / bare.cpu:.2f}x | {load()}")
            print("   ", summary[-1].strip() if summary else "(no summary)")
            ratios.append(crawl.wall / bare.wall)
    print(ratio_summary("videre crawl / bare scrapy, wall", ratios, 1.25))


if __name__ == "__main__":
    main()
