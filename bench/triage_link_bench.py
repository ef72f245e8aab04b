"""Linking stage alone (triage.anchor.link: hub guard, anchors, IDF weights, bridges, Leiden) on a
synthetic frame of N ads, without a database: how its cost grows towards 1M ads.

    python bench/triage_link_bench.py --ads 1000000

The frame: women with one to three ads each on their own number (a third of them without a
number), rings and agencies of 4-12 women behind one line, photos per woman plus stock photos
shared across thousands, templates per group plus Zipf-distributed stock texts. Prints wall and
CPU seconds of the stage and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage.anchor import link  # noqa: E402
from triage.frame import Codes, Frame, Keys  # noqa: E402
from triage.hubs import mark_hubs  # noqa: E402
from videre.core.config import HubSettings  # noqa: E402


def _keys(kind: str, ad: np.ndarray, key: np.ndarray) -> Keys:
    n = int(key.max()) + 1 if len(key) else 0
    order = np.lexsort((key, ad))
    return Keys(kind, np.arange(1, n + 1), [f"{kind}{i}" for i in range(n)], ad[order], key[order], [None] * n)


def synthetic(n_ads: int, seed: int) -> Frame:
    rng = np.random.default_rng(seed)
    # One woman per ~2.5 ads; a group (ring or agency) behind every 40th woman's line.
    women = n_ads * 2 // 5
    woman = rng.integers(0, women, n_ads)
    group = np.where(rng.random(women) < 0.1, rng.integers(0, women // 40, women), -1)
    line = np.where(group >= 0, women + group, np.arange(women))
    has_phone = rng.random(n_ads) > 0.33
    ads = np.arange(n_ads)
    frame = Frame(ad_ids=ads + 1, site=rng.integers(1, 5, n_ads),
                  names=Codes.build([f"n{w % 50_000}" for w in woman.tolist()], n_ads),
                  cities=Codes.build([f"c{c}" for c in rng.integers(0, 60, n_ads).tolist()], n_ads),
                  ages=rng.integers(19, 45, n_ads).astype(np.int16),
                  seen=rng.integers(0, 182 * 86_400, n_ads), obfuscated=np.zeros(n_ads, bool),
                  old_cluster=np.zeros(n_ads, np.int64), version=np.ones(n_ads, np.int64))
    frame.keys["phone"] = _keys("phone", ads[has_phone], line[woman[has_phone]])
    own_photo = woman * 2 + rng.integers(0, 2, n_ads)
    stock = rng.random(n_ads) < 0.05
    photo_key = np.where(stock, 2 * women + rng.zipf(1.6, n_ads) % 500, own_photo)
    frame.keys["photo"] = _keys("photo", ads, photo_key)
    text = np.where(group[woman] >= 0, group[woman], women // 40 + rng.zipf(1.3, n_ads) % 20_000)
    frame.keys["template"] = _keys("template", ads, text)
    return frame


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    frame = synthetic(args.ads, args.seed)
    settings = HubSettings()
    t0, c0 = time.perf_counter(), time.process_time()
    spreads = {kind: mark_hubs(frame, keys, settings) for kind, keys in frame.keys.items()}
    result = link(frame, spreads, settings, 0.3)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    sizes = np.bincount(result.labels)
    print(f"{args.ads} ads: link {wall:.1f} s wall, {cpu:.1f} s CPU; {np.count_nonzero(sizes)} clusters, "
          f"largest {sizes.max()} ads; {result.attached} unanchored ads attached, {result.guarded} guarded; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
