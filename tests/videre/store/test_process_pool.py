"""ordered_map and StartedMap: results in order, with or without workers, work begun before the
first result is asked for; garbage collection is frozen only while they run."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from videre.store.process_pool import StartedMap, ordered_map


def _square(n: int) -> int:
    return n * n


@pytest.mark.parametrize("workers", [0, 2])
def test_results_in_order_and_gc_unfrozen_after(workers: int) -> None:
    gc.unfreeze()
    seen_frozen = []
    out = []
    for result in ordered_map(_square, range(20), workers):
        seen_frozen.append(gc.get_freeze_count() > 0)
        out.append(result)
    assert out == [n * n for n in range(20)]
    assert all(seen_frozen)
    assert gc.get_freeze_count() == 0


def _touch(path: str) -> str:
    Path(path).write_text("done")
    return path


def test_started_map_begins_before_the_first_result_is_asked_for(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(3)]
    with StartedMap(_touch, marks, 2) as started:
        # No result taken yet: the workers must still have started on the tasks.
        deadline = time.monotonic() + 60
        while not all(Path(m).exists() for m in marks):
            assert time.monotonic() < deadline, "the workers did not start before iteration"
            time.sleep(0.02)
        assert list(started) == marks
    assert gc.get_freeze_count() == 0


def test_started_map_closed_early_sends_no_more_tasks(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(50)]
    with StartedMap(_touch, marks, 1) as started:
        assert next(started) == marks[0]
    # At most the window of two tasks a worker was ever sent.
    assert sum(Path(m).exists() for m in marks) <= 3
    assert gc.get_freeze_count() == 0
