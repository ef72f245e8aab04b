from __future__ import annotations

from videre.core.batches import MAX_BATCH_BYTES, batches


def test_batches_end_at_their_count() -> None:
    assert list(batches(range(7), 3, lambda _: 1)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_batches_end_once_their_bytes_reach_the_budget() -> None:
    sizes = [4, 4, 4, 9, 1, 1]
    got = list(batches(range(len(sizes)), 100, lambda i: sizes[i], max_bytes=8))
    # 4 + 4 reaches 8; the 9 alone is over the budget and still a batch of its own.
    assert got == [[0, 1], [2, 3], [4, 5]]


def test_nothing_in_gives_no_batch() -> None:
    assert list(batches([], 10, len)) == []


def test_the_default_budget_holds_many_ordinary_lines() -> None:
    line = b"x" * 600  # a typical ad record
    assert [len(b) for b in batches([line] * 2_000, 500, len)] == [500] * 4
    assert MAX_BATCH_BYTES >= 500 * 4_000  # a chunk of ordinary lines is never cut short
