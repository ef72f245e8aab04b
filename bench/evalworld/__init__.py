"""A held-out evaluation world for triage, written independently of the demo world.

    from bench.evalworld import generate, load
    records, truth = generate(2000, seed=1001)
    load(records, truth, "sqlite:////tmp/eval.db")

`records` are ad records (docs: the ad record, JSON Lines); `truth` says, per ad URL, which
group (actor) posted it and which women it shows, and per group its kind and label
("organised": should be flagged, one item per group; "scam": an item of its own labelled scam;
"none": should not be flagged). See bench/README.md for the seeds: tune only on TUNING_SEEDS.
"""

from __future__ import annotations

import gc
from typing import Any

from bench.evalworld.independents import MUST, independent, sisters, victim
from bench.evalworld.organisations import organised, scam
from bench.evalworld.world import CONFOUNDERS, ORGANISED, SCAM, World

__all__ = ["generate", "load", "TUNING_SEEDS", "HELD_OUT_SEEDS", "ORGANISED", "SCAM", "CONFOUNDERS"]

TUNING_SEEDS = range(1, 100)
HELD_OUT_SEEDS = range(1001, 1100)
# Organised groups per ad: ~15 in 2k ads, ~750 in 100k, ~7 500 in 1M.
GROUPS_PER_AD = 0.0075


def generate(n_ads: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """About n_ads ad records over six months and 3-5 sites, and their truth."""
    if n_ads < 200:
        raise ValueError(f"n_ads={n_ads}: the world needs at least 200 ads to hold every kind")
    # Millions of small objects and no cycles: the cycle collector's full passes would cost a
    # third of the time at 100k ads and more at 1M.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        world = World(n_ads, seed)
        rng = world.rng
        organised(world, max(3, round(n_ads * GROUPS_PER_AD * rng.uniform(0.9, 1.1))))
        for i in range(max(1, n_ads // 450)):
            scam(world, f"scam-{i}", victim(world))
        sisters(world, max(1, n_ads // 350))
        for must in MUST:
            independent(world, must)
        while len(world.ads) < n_ads:
            independent(world)
        return world.finish()
    finally:
        if was_enabled:
            gc.enable()


def load(records: list[dict[str, Any]], truth: dict[str, Any], db_url: str, workers: int = 2) -> dict[str, int]:
    """Fill a fresh database with the world (ads, numbers, places, photos) in bulk. `truth` is
    only checked against the records (every ad must have its truth)."""
    from bench.evalworld.load import load_world

    missing = [r["url"] for r in records if r["url"] not in truth["ads"]]
    if missing:
        raise ValueError(f"{len(missing)} records have no truth (first: {missing[0]}): not one world")

    return load_world(records, db_url, workers)
