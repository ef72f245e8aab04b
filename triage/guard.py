"""Hub guard: identifiers that sit in too many unrelated contexts are not evidence of one hand.

A support line printed in every footer, a placeholder photo or an agency switchboard would
otherwise join thousands of unrelated ads into one giant cluster.
"""

from __future__ import annotations

import numpy as np

from triage.frame import Frame, Keys
from videre.config import HubSettings


def _distinct_per_key(key_pos: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    if len(key_pos) == 0:
        return np.zeros(n_keys, dtype=np.int64)
    pairs = np.unique(np.stack([key_pos, values], axis=1), axis=0)
    return np.bincount(pairs[:, 0], minlength=n_keys)


def mark_hubs(frame: Frame, keys: Keys, settings: HubSettings) -> None:
    """Set keys.hub and keys.hub_reason from the data, then apply analysts' overrides."""
    n = len(keys.ids)
    if n == 0:
        return
    name_codes = np.unique(np.array(frame.names, dtype=object), return_inverse=True)[1].astype(np.int64)
    names = name_codes[keys.ad_pos]
    # Unknown names ("" after folding) say nothing about how many women share a key.
    known = np.array([frame.names[p] != "" for p in keys.ad_pos], dtype=bool) if len(keys.ad_pos) else np.zeros(0, bool)
    distinct_names = _distinct_per_key(keys.key_pos[known], names[known], n)

    site_of = frame.site[keys.ad_pos]
    site_totals = dict(zip(*np.unique(frame.site, return_counts=True)))
    reasons: list[str] = [""] * n
    for k in np.nonzero(distinct_names > settings.max_names)[0]:
        reasons[k] = f"used under {distinct_names[k]} different names"
    if len(keys.key_pos):
        pairs, counts = np.unique(np.stack([keys.key_pos, site_of], axis=1), axis=0, return_counts=True)
        for (k, site), count in zip(pairs, counts):
            total = site_totals.get(site, 0)
            if total >= settings.min_site_ads and count / total > settings.max_site_share:
                reasons[k] = reasons[k] or f"on {count} of {total} ads of one site ({count / total:.0%})"
    for k in range(n):
        forced = keys.override[k]
        if forced is True:
            reasons[k] = "marked as a hub by an analyst"
        elif forced is False:
            reasons[k] = ""
    keys.hub = np.array([bool(r) for r in reasons], dtype=bool)
    keys.hub_reason = reasons
