"""Write an evaluation world to disk: ads.jsonl (ad records) and truth.json.

    python -m bench.evalworld --ads 2000 --seed 5 --out /tmp/world-5     # from the repository root

The images are URLs that nothing serves: `videre import` of this file stores the ads and reports
each photo it cannot fetch. To store the photos' fingerprints too, use bench.evalworld.load.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.evalworld import HELD_OUT_SEEDS, generate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ads", type=int, default=2000)
    ap.add_argument("--seed", type=int, required=True, help=f"tuning 1-99, held-out {HELD_OUT_SEEDS.start}+")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    records, truth = generate(args.ads, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "ads.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (args.out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    print(f"{len(records)} ads, {len(truth['groups'])} groups -> {args.out}")


if __name__ == "__main__":
    main()
