"""Shared by the import, replay and crawl benchmarks: run a command, report wall and CPU time."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
VIDERE = str(ROOT / ".venv" / "bin" / "videre")


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command and all its children (workers too)
    returncode: int

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s wall, {self.cpu:6.2f} s CPU"


def run(cmd: list[str], stdin: IO[bytes] | None = None, stdout: int | IO[bytes] = subprocess.DEVNULL,
        env: dict[str, str] | None = None, cwd: Path | None = None) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          env={**os.environ, **(env or {})}, cwd=cwd or ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return Timing(wall, cpu, done.returncode)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def ratio_summary(label: str, ratios: list[float], target: float) -> str:
    """The median of the rounds' ratios and how many met the target: this machine's speed moves
    from round to round (bench/README.md), so one round says little."""
    met = sum(r <= target for r in ratios)
    return (f"{label}: median {statistics.median(ratios):.2f}x over {len(ratios)} rounds "
            f"(target at most {target:g}x; {met} of {len(ratios)} rounds at or under it)")
