"""CPU work of bulk commands (import, archive replay) spread over worker processes, in order."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def worker_count() -> int:
    """Worker processes for CPU work: one per core; none (work in this process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores >= 2 else 0


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int,
                initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Iterator[R]:
    """fn(task) for each task, results in the tasks' order. At most two tasks a worker are in
    flight, so memory stays bounded however many tasks there are. `fn` and `initializer` must
    be module-level functions. With no workers, everything runs here."""
    # What is alive now (modules, SQLAlchemy, the extraction tables) is left out of garbage
    # collection for the run: collections otherwise walk it again and again while a bulk run
    # makes and drops objects (about a fifth of the CPU of an import), and the forked workers
    # leave those shared pages unwritten. Unfrozen at the end, so a long-lived process that
    # runs this many times can still collect what it made before.
    gc.freeze()
    try:
        yield from _mapped(fn, tasks, workers, initializer, initargs)
    finally:
        gc.unfreeze()


def _mapped(fn: Callable[[T], R], tasks: Iterable[T], workers: int,
            initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> Iterator[R]:
    if workers < 1:
        if initializer:
            initializer(*initargs)
        yield from map(fn, tasks)
        return
    # fork: workers start with the extraction tables already loaded; they run only `fn`, never
    # the parent's database connections or threads.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)
    pending: deque[Future[R]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(fn, task))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
