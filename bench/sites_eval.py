"""The fourth demo site (Nattljus) crawled by config.yaml's entry alone, scored against its truth.

    .venv/bin/python bench/sites_eval.py --ads 80 --seed 23

Prints the run's counts, how many ads have each field right, how many dates are right within what
the site shows (a minute, or the hour of "för 2 timmar sedan") and how many to the minute, the
wall time and the crawl process's CPU time. The tests use seed 11 with 56 ads.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import Counter
from datetime import UTC
from pathlib import Path

import yaml
from sqlalchemy import select

from crawler.process import crawl_in_subprocess
from models.ads import Ad
from videre.core.config import load_settings
from videre.demo.gated import GatedSite
from videre.store.db import Database

REPO = Path(__file__).resolve().parents[1]
FIELDS = (("title", "title"), ("name", "name"), ("age", "age_raw"), ("location", "location_raw"),
          ("phone", "phone_raw"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=80)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    with GatedSite(ads=args.ads, seed=args.seed) as site, tempfile.TemporaryDirectory() as tmp:
        data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
        entry = next(s for s in data["sites"] if s["slug"] == "nattljus")
        entry["start_urls"] = [f"{site.base_url}/annonser?offset=0&limit=12"]
        data.update(sites=[entry], data_dir=tmp, database={"url": f"sqlite:///{tmp}/c.db"},
                    crawl={"download_delay": 0, "concurrency_per_site": 8, "autothrottle": False})
        Path(tmp, "c.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        settings = load_settings(Path(tmp, "c.yaml"), env={})
        begun = time.monotonic()
        result = crawl_in_subprocess(settings, ["nattljus"])
        wall = time.monotonic() - begun
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        db = Database.from_settings(settings)
        with db.session() as s:
            ads = {a.url: a for a in s.scalars(select(Ad))}
        db.dispose()
        right: Counter[str] = Counter()
        for url, want in site.truth().items():
            ad = ads.get(url)
            if ad is None:
                continue
            right["ads"] += 1
            for key, column in FIELDS:
                right[key] += getattr(ad, column) == want[key]
            posted = ad.posted_at
            if posted is not None and posted.tzinfo is None:
                posted = posted.replace(tzinfo=UTC)
            if posted is not None:
                right["date"] += abs((posted - want["posted_at"]).total_seconds()) <= want["precision_s"] + 120
                right["date to the minute"] += posted == want["posted_at"]
        run = result.runs[0]
        print(f"run {run['status']}: {run['pages']} pages, {run['photos']} photos, errors {run['errors']}")
        print(f"ads in truth {args.ads}; right: " + ", ".join(f"{k} {n}" for k, n in right.items()))
        print(f"date styles: {dict(Counter(a.date_style for a in site.ads))}")
        print(f"wall {wall:.1f} s, crawl process CPU {usage.ru_utime + usage.ru_stime:.1f} s")


if __name__ == "__main__":
    main()
