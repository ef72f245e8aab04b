"""The crawl process's photo workers: processes that hash photos, and extract ads, beside the crawl.

Started as soon as the crawl process may act (a one-shot crawl once it holds the ops lock, a
crawl child on its parent's go, `GoLine`), while it still loads Scrapy and the ORM: a worker's
own start and its imports (NumPy, OpenCV, Pillow, PDQ, the normalisers; about 0.3 s CPU) then run
on the other core, and the first photo finds it ready (bench/README.md, crawl). Not before the
go: a parent that gives up first kills a crawl process that has started no worker (one killed
while being spawned prints a traceback). Light on purpose: the crawl process imports this before
anything else."""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import multiprocessing.popen_spawn_posix  # noqa: F401 (loaded here, not by the GoLine thread)
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import IO

from videre.core.fast_exit import exit_now
from videre.store.process_pool import one_blas_thread, worker_count

_POOL: list[ProcessPoolExecutor] = []
_STARTED: list[bool] = []


def photo_pool(start: bool = True) -> ProcessPoolExecutor | None:
    """The workers' pool, made on first use: one core is left to the crawl process itself; None on
    one core (then a thread of the crawl process hashes the photos). spawn: the crawl process has
    threads, which fork must not copy; the workers are its own children, so they end with it and
    their CPU time counts as its children's. `start`: start the workers now and load the imaging
    code in them (the pool would start them on the first photo); if that fails, each photo says
    why. Made without starting them, the pool spawns no worker, only multiprocessing's resource
    tracker."""
    workers = worker_count() - 1
    if workers < 1:
        return None
    if not _POOL:
        _POOL.append(ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_worker_start))
    if start and not _STARTED:
        _STARTED.append(True)
        for _ in range(workers):
            _POOL[0].submit(_warm_up)
    return _POOL[0]


def _worker_start() -> None:
    """Initializer of a photo worker. It ends as soon as the crawl process is gone, killed or not:
    it hears of it through the pipe multiprocessing keeps open to a spawned child (a killed crawl
    process's parent waits for its workers to let go of its output). And at its exit it skips
    the interpreter's teardown of NumPy, OpenCV and Pillow (about 0.1 s, which the crawl process
    waits for as it ends: bench/README.md, crawl): nothing is left to do by then, as the worker
    wrote each result to its pipe before it took the next task, and multiprocessing ran its own
    exit functions before the interpreter's."""
    one_blas_thread()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), name="videre-owner-watch",
                         daemon=True).start()
    atexit.register(exit_now, 0)


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _warm_up() -> None:
    """Load the imaging code and the normalisers in a photo worker before its first photo or ad
    arrives (crawler.pipelines)."""
    from videre.extract.normalise.images import process_photo  # noqa: F401
    from videre.extract.normalise.memo import shared_memo  # noqa: F401


class GoLine:
    """The parent's go, read by a thread while this process loads: on go, the photo workers start
    at once (module docstring); `wait` then says whether it came."""

    def __init__(self, stream: IO[str], go: str) -> None:
        self._stream = stream
        self._go = go
        self._told = False
        self._heard = threading.Event()
        photo_pool(start=False)  # made here: the thread only starts the workers
        threading.Thread(target=self._read, name="videre-go", daemon=True).start()

    def _read(self) -> None:
        try:
            self._told = self._stream.readline().strip() == self._go
            if self._told:
                photo_pool()
        finally:
            self._heard.set()

    def wait(self) -> bool:
        """Whether the parent said go; False when it gave up or ended before."""
        self._heard.wait()
        return self._told


def close_photo_pool() -> None:
    """Stop the photo workers and wait for them. A crawl process ends with os._exit
    (crawler/crawl_process.py), which runs no exit handlers: workers left behind would keep its stdout
    open, and its parent waits for EOF. They skip their interpreter's teardown (`_worker_start`)."""
    while _POOL:
        _POOL.pop().shutdown(wait=True, cancel_futures=True)
    _STARTED.clear()
