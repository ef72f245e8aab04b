"""Work cut into batches for worker processes, bounded in count and in bytes.

A bulk command (`videre import`, `videre extract`, `rescore --archive`) hands its input to worker
processes a batch at a time, with a few batches in flight a worker (videre.store.process_pool).
Counting items alone would let a hostile file of lines or pages each at its size limit put
gigabytes in flight; a byte budget keeps what is held bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# Bytes of input a batch holds at most (one item bigger than this is a batch of its own).
MAX_BATCH_BYTES = 16_000_000


def batches(items: Iterable[T], max_items: int, size: Callable[[T], int],
            max_bytes: int = MAX_BATCH_BYTES) -> Iterator[list[T]]:
    """Consecutive batches of `items`, each ending at `max_items` items or once its items' `size`
    reaches `max_bytes`, in the items' order."""
    batch: list[T] = []
    held = 0
    for item in items:
        batch.append(item)
        held += size(item)
        if len(batch) >= max_items or held >= max_bytes:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch
