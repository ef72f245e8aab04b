"""Feature family: the numbers, photos and templates a cluster's women share (docs/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.frame import Frame, Keys
from triage.groupby import count_distinct


@dataclass
class LinkFeatures:
    phones: np.ndarray
    foreign_phones: np.ndarray
    photo_reuse: np.ndarray          # photo groups used by several women
    template_reuse: np.ndarray       # templates used by several women
    template_share: np.ndarray       # share of ads on such templates
    outside_photos: np.ndarray       # photos also shown by another cluster under other names


def shared_keys(keys: Keys, ci: np.ndarray, persona: np.ndarray, n: int,
                min_women: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cluster: live keys of this kind used by at least `min_women` women of that cluster; ads
    on them; the per-key flag (for evidence)."""
    live = keys.live()
    ap, kp = keys.ad_pos[live], keys.key_pos[live]
    # Women per (key, cluster): a key two clusters show is not shared inside either of them.
    packed = (ci[ap].astype(np.int64) << 32) | kp
    cells, cell = np.unique(packed, return_inverse=True)
    women_cell = count_distinct(cell, persona[ap], len(cells))
    shared_row = women_cell[cell] >= min_women
    shared = np.zeros(len(keys), dtype=bool)
    shared[kp[shared_row]] = True
    on_shared = np.zeros(len(ci), dtype=bool)
    on_shared[ap[shared_row]] = True
    count = count_distinct(ci[ap[shared_row]], kp[shared_row], n)
    return count, np.bincount(ci, weights=on_shared, minlength=n), shared


def outside_keys(keys: Keys, ci: np.ndarray, persona_name: np.ndarray, n: int) -> np.ndarray:
    """Per cluster: keys it shares with another cluster where none of the names match.

    Photos a scammer took from a real escort's ads: the same picture, other names, another number.
    """
    live = keys.live()
    ap, kp = keys.ad_pos[live], keys.key_pos[live]
    clusters_per_key = count_distinct(kp, ci[ap], len(keys))
    multi = clusters_per_key[kp] >= 2
    if not multi.any():
        return np.zeros(n, dtype=np.int64)
    ap, kp = ap[multi], kp[multi]
    # Names per key across clusters; a key whose every cluster shows a name of its own.
    names_per_key = count_distinct(kp, persona_name[ap], len(keys))
    stolen = names_per_key[kp] >= 2
    return count_distinct(ci[ap[stolen]], kp[stolen], n)


def link_features(frame: Frame, ci: np.ndarray, n: int, persona: np.ndarray, home_prefix: str,
                  min_women: int) -> LinkFeatures:
    n_ads = np.bincount(ci, minlength=n)
    phones = frame.keys["phone"]
    live = phones.live()
    pa, pk = phones.ad_pos[live], phones.key_pos[live]
    foreign = np.array([not label.startswith(home_prefix) for label in phones.labels], dtype=bool)
    photo_reuse = template_reuse = outside = np.zeros(n, dtype=np.int64)
    template_share = np.zeros(n)
    name_key = frame.people()[0][:, 0]
    if "photo" in frame.keys:
        photo_reuse, _, _ = shared_keys(frame.keys["photo"], ci, persona, n, min_women)
        outside = outside_keys(frame.keys["photo"], ci, name_key, n)
    if "template" in frame.keys:
        template_reuse, on_template, _ = shared_keys(frame.keys["template"], ci, persona, n, min_women)
        template_share = on_template / np.maximum(n_ads, 1)
    return LinkFeatures(count_distinct(ci[pa], pk, n),
                        count_distinct(ci[pa], np.where(foreign[pk], pk, -1), n),
                        photo_reuse, template_reuse, template_share, outside)
