"""CPU work of bulk commands (import, archive replay) spread over worker processes, in order."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A worker holds each task's results until they are sent back, and its tasks make no reference
# cycles (tests/videre/store/test_process_pool.py), so the cyclic collector would only walk those
# results again and again: about 8 % of an import worker's CPU, and as much of the writing
# parent's, whose batches leave a few dozen cyclic objects each (bench/README.md, "Import"). In
# the workers, and in the parent while a map runs, it is off, and a full collection runs every
# this many tasks or results instead, so that cycles cannot pile up.
COLLECT_EVERY = 32
_tasks_run = 0
# Tasks in flight a worker: two keep it busy while the caller takes results, and bound memory.
IN_FLIGHT = 2
# Before the caller takes its first result (an import loads the database layer and takes its
# lock first, about 0.4 s) a worker gets up to this many: with two it finished them and waited
# about 0.2 s for the caller (bench/README.md, "Import").
HEAD_START = 4


def one_blas_thread() -> None:
    """Call first in a worker process, before it loads NumPy: a worker does one task at a time
    and no linear algebra, and NumPy's OpenBLAS would start a thread per core that only spins
    (a photo worker's start took 0.46-0.47 s CPU with them, 0.23-0.26 s without: bench/README.md,
    crawl). Whoever set the variable keeps their value."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    one_blas_thread()
    gc.disable()
    if initializer:
        initializer(*initargs)


def _run(fn: Callable[[T], R], task: T) -> R:
    global _tasks_run
    _tasks_run += 1
    if _tasks_run % COLLECT_EVERY == 0:
        gc.collect()
    return fn(task)


def worker_count() -> int:
    """Worker processes for CPU work: one per core; none (work in this process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores >= 2 else 0


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int,
                initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Iterator[R]:
    """fn(task) for each task, results in the tasks' order. At most `HEAD_START` tasks a worker
    are in flight, so memory stays bounded however many tasks there are. `fn` and `initializer` must
    be module-level functions. With no workers, everything runs here."""
    with StartedMap(fn, tasks, workers, initializer, initargs) as results:
        yield from results


class StartedMap(Generic[T, R]):
    """`ordered_map` begun at once: the workers start on the first tasks while the caller still
    loads what it needs to take the results (the database layer, a lock), and a command's
    start-up overlaps its work (bench/README.md, import). Iterate it once, inside `with`."""

    def __init__(self, fn: Callable[[T], R], tasks: Iterable[T], workers: int,
                 initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        self.fn = fn
        self.tasks = iter(tasks)
        self.window = IN_FLIGHT * workers
        self.pending: deque[Future[R]] = deque()
        self.pool: ProcessPoolExecutor | None = None
        self.began = False
        self.taken = 0
        self.collecting = gc.isenabled()
        # What is alive now (modules, SQLAlchemy, the extraction tables) is left out of garbage
        # collection for the run: collections otherwise walk it again and again while a bulk run
        # makes and drops objects (about a fifth of the CPU of an import), and the forked workers
        # leave those shared pages unwritten. Unfrozen at the end, so a long-lived process that
        # runs this many times can still collect what it made before.
        gc.freeze()
        gc.disable()
        try:
            if workers < 1:
                if initializer:
                    initializer(*initargs)
                return
            # fork: workers start with the extraction tables already loaded; they run only `fn`,
            # never the parent's database connections or threads.
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_start_worker, initargs=(initializer, initargs))
            self._fill(HEAD_START * workers)
        except BaseException:
            self.close()
            raise

    def _fill(self, window: int) -> None:
        assert self.pool is not None
        while len(self.pending) < window:
            task = next(self.tasks, _END)
            if task is _END:
                return
            self.pending.append(self.pool.submit(_run, self.fn, task))  # type: ignore[arg-type]

    def __iter__(self) -> "StartedMap[T, R]":
        return self

    def __next__(self) -> R:
        if not self.began:
            # The modules the caller loaded since the start join the frozen set too.
            gc.freeze()
            self.began = True
        self.taken += 1
        if self.taken % COLLECT_EVERY == 0:
            gc.collect()
        if self.pool is None:
            return self.fn(next(self.tasks))
        if not self.pending:
            raise StopIteration
        result = self.pending.popleft().result()
        self._fill(self.window)
        return result

    def close(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self.tasks = iter(())
        gc.unfreeze()
        if self.collecting:
            gc.enable()

    def __enter__(self) -> "StartedMap[T, R]":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


_END: Any = object()
