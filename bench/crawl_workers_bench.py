"""Distributed crawl throughput: the three demo sites crawled by 1, 2 and 3 `videre worker`s.

    python bench/crawl_workers_bench.py --workers 1 2 3 --scale 1

For each worker count: a fresh PostgreSQL database, a fresh Redis key prefix, the demo sites
served from this process on free ports, N workers started and waited for (their start-up is timed
apart), then `videre crawl --distributed` as a user runs it, timed from its start to its summary.
Politeness is relaxed (no delay, no autothrottle, 4 requests at a time per site), as in the tests.
Prints wall time, ads per second, the CPU time of the workers and their crawls (from the kernel's
accounting of finished children) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
import sqlalchemy as sa
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
REDIS_URL = "redis://127.0.0.1:6379/0"


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def write_config(folder: Path, bases: dict[str, str], db_url: str, prefix: str) -> Path:
    from urllib.parse import urlsplit

    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for site in data["sites"]:
        parts = urlsplit(site["start_urls"][0])
        site["start_urls"] = [f"{bases[site['slug']]}{parts.path}?{parts.query}"]
    data["data_dir"] = str(folder / "var")
    data["database"] = {"url": db_url, "pool_size": 2, "max_overflow": 2}
    data["redis"] = {"url": REDIS_URL, "key_prefix": prefix, "heartbeat_timeout_s": 10}
    data["crawl"] = {**data.get("crawl", {}), "download_delay": 0, "autothrottle": False,
                     "concurrency_per_site": 4, "run_timeout_s": 1800}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def one_round(n: int, bases: dict[str, str], ads_truth: int) -> dict[str, object]:
    name = f"videre_bench_w{n}_{uuid.uuid4().hex[:8]}"
    prefix = f"videre-bench-{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG + "test", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    folder = Path(tempfile.mkdtemp(prefix="videre-wbench-"))
    cfg = write_config(folder, bases, PG + name, prefix)
    videre = [sys.executable, "-m", "videre", "--config", str(cfg)]
    client = redis.Redis.from_url(REDIS_URL)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run(videre + ["runs"], check=True, capture_output=True)  # migrate once, untimed
        cpu0, t0 = children_cpu(), time.monotonic()
        for i in range(n):
            procs.append(subprocess.Popen(videre + ["worker"], stdout=subprocess.DEVNULL,
                                          stderr=open(folder / f"worker-{i}.log", "wb")))  # noqa: SIM115
        while len(list(client.scan_iter(match=f"{prefix}:worker:*"))) < n:
            time.sleep(0.1)
        ready = time.monotonic() - t0
        load_before = os.getloadavg()[0]
        t1 = time.monotonic()
        done = subprocess.run(videre + ["crawl", "--distributed"], capture_output=True, text=True)
        wall = time.monotonic() - t1
        load_after = os.getloadavg()[0]
        if done.returncode != 0:
            raise SystemExit(f"crawl failed:\n{done.stdout}\n{done.stderr}")
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=120)
        cpu = children_cpu() - cpu0
        eng = sa.create_engine(PG + name)
        with eng.connect() as c:
            ads = c.execute(sa.text("SELECT count(*) FROM ads")).scalar_one()
        eng.dispose()
        workers = sorted({line.split("crawled by worker ")[1] for line in done.stderr.splitlines()
                          if "crawled by worker " in line})
        return {"workers": n, "ads": ads, "truth": ads_truth, "ready_s": round(ready, 1),
                "crawl_s": round(wall, 1), "ads_per_s": round(ads / wall, 2), "cpu_s": round(cpu, 1),
                "load": [round(load_before, 1), round(load_after, 1)], "used_workers": len(workers)}
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        with admin.connect() as c:
            c.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                      {"n": name})
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--scale", type=float, default=1.0, help="demo world size (1.0: about 300 ads)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from videre.demo import generate_world, serve_demo

    world = generate_world(args.seed, args.scale)
    truth = sum(s["ads"] for s in world.truth()["sites"].values())
    with serve_demo(world) as demo:
        for n in args.workers:
            row = one_round(n, demo.base_urls, truth)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
