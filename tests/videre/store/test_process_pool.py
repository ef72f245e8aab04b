"""ordered_map: results in order, with or without workers; garbage collection is frozen only while it runs."""

from __future__ import annotations

import gc

import pytest

from videre.store.process_pool import ordered_map


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
