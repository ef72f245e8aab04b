"""The crawl process's photo workers: processes that hash photos beside the crawl.

Started as the crawl process starts, before it loads Scrapy and the ORM: a worker's own start and
its imaging imports (NumPy, OpenCV, Pillow, PDQ; about 0.4 s CPU) then run on the other core
while the crawl process loads, and the first photo finds it ready (bench/README.md, crawl).
Light on purpose: the crawl process imports this before anything else.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from videre.store.photo_rows import photo_worker_start, warm_up
from videre.store.process_pool import worker_count

_POOL: list[ProcessPoolExecutor] = []


def photo_pool() -> ProcessPoolExecutor | None:
    """The workers, started on first use: one core is left to the crawl process itself; None on one
    core (then a thread of the crawl process hashes the photos). spawn: the crawl process has
    threads, which fork must not copy; the workers are its own children, so they end with it and
    their CPU time counts as its children's."""
    workers = worker_count() - 1
    if workers < 1:
        return None
    if not _POOL:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=photo_worker_start, initargs=(os.getpid(),))
        # A task each starts the workers now (the pool would start them on the first photo) and
        # loads the imaging code in them; if that fails, each photo reports why.
        for _ in range(workers):
            pool.submit(warm_up)
        _POOL.append(pool)
    return _POOL[0]


def close_photo_pool() -> None:
    """Stop the photo workers and wait for them. A crawl process ends with os._exit
    (crawler/process.py), which runs no exit handlers: workers left behind would keep its stdout
    open, and its parent waits for EOF. They skip their interpreter's teardown (photo_rows)."""
    while _POOL:
        _POOL.pop().shutdown(wait=True, cancel_futures=True)
