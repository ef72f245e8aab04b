"""Group-by helpers over integer arrays: the numpy idioms the triage steps share.

np.unique on a large 1-D array without return_index/inverse/counts takes numpy 2's hash path,
which is two orders of magnitude slower here than sorting; `uniq` always sorts.
"""

from __future__ import annotations

import numpy as np


def uniq(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting, never numpy's hash-based unique)."""
    if not len(values):
        return values
    s = np.sort(values)
    return s[np.concatenate([[True], s[1:] != s[:-1]])]


def count_distinct(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Distinct non-negative values per group (groups 0..n-1); negative values are unknowns."""
    ok = values >= 0
    if not ok.any():
        return np.zeros(n, dtype=np.int64)
    pairs = uniq((group[ok].astype(np.int64) << 32) | values[ok].astype(np.int64))
    return np.bincount((pairs >> 32).astype(np.int64), minlength=n)
