"""Hub guard: identifiers that sit in too many unrelated contexts are not evidence of one hand.

A support line printed in site footers, a placeholder photo, a stock text or a switchboard would
otherwise join thousands of unrelated ads into one giant cluster. Each key's spread is measured
from the data (names, other phone numbers, cities, sites; its share of a site's ads), hubs are
marked with a reason an analyst can read, analysts' overrides win, and a last check keeps any
component from growing into a giant through one key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.cluster import link_components
from triage.frame import Frame, Keys
from triage.groupby import count_distinct, uniq
from videre.core.config import HubSettings

# Phones per ad looked at for co-occurrence: an ad listing fifty numbers is hostile, not a hub.
MAX_PHONES_PER_AD = 10
GIANT_ROUNDS = 20


def ragged_take(starts: np.ndarray, counts: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For row i: flat[starts[i]:starts[i]+counts[i]], all concatenated, with the row of each."""
    total = int(counts.sum())
    row = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return flat[np.repeat(starts, counts) + offset], row


@dataclass
class Spread:
    """How widely each key is used."""

    ads: np.ndarray
    names: np.ndarray
    cities: np.ndarray
    sites: np.ndarray
    phones: np.ndarray          # other phone numbers on its ads
    alone: np.ndarray           # share of its ads with no other phone number (phones only)
    top_site: np.ndarray        # site id where it is most common
    top_count: np.ndarray       # its ads on that site


def spread(frame: Frame, keys: Keys, phones: Keys) -> Spread:
    n = len(keys)
    ad_pos, key_pos = keys.ad_pos, keys.key_pos
    ads = count_distinct(key_pos, ad_pos, n)
    names = count_distinct(key_pos, frame.names.of_ad[ad_pos], n)
    cities = count_distinct(key_pos, frame.cities.of_ad[ad_pos], n)
    site = frame.site[ad_pos]
    sites = count_distinct(key_pos, site, n)
    top_site = np.zeros(n, dtype=np.int64)
    top_count = np.zeros(n, dtype=np.int64)
    if len(ad_pos):
        key_ad = uniq((key_pos.astype(np.int64) << 32) | ad_pos)
        k, a = key_ad >> 32, key_ad & 0xFFFFFFFF
        packed, counts = np.unique((k << 32) | frame.site[a], return_counts=True)
        pairs = np.stack([packed >> 32, packed & 0xFFFFFFFF], axis=1)
        order = np.lexsort((-counts, pairs[:, 0]))  # per key, the busiest site first
        first = np.concatenate([[True], pairs[order][1:, 0] != pairs[order][:-1, 0]])
        top_site[pairs[order][first, 0]] = pairs[order][first, 1]
        top_count[pairs[order][first, 0]] = counts[order][first]
    # Phones of each ad: co-occurring numbers.
    by_ad = np.argsort(phones.ad_pos, kind="stable")
    p_ad = phones.ad_pos[by_ad]
    starts = np.searchsorted(p_ad, np.arange(len(frame)))
    per_ad = np.minimum(np.bincount(p_ad, minlength=len(frame)), MAX_PHONES_PER_AD)
    co, row = ragged_take(starts[ad_pos], per_ad[ad_pos], phones.key_pos[by_ad])
    co_key = key_pos[row]
    other = co != co_key if keys.kind == "phone" else np.ones(len(co), dtype=bool)
    n_phones = count_distinct(co_key[other], co[other], n)
    alone = np.zeros(n, dtype=np.float64)
    if keys.kind == "phone" and len(ad_pos):
        has_other = np.zeros(len(ad_pos), dtype=bool)
        np.logical_or.at(has_other, row[other], True)
        with np.errstate(invalid="ignore", divide="ignore"):
            alone = np.nan_to_num(np.bincount(key_pos, weights=~has_other, minlength=n)
                                  / np.bincount(key_pos, minlength=n))
    return Spread(ads, names, cities, sites, n_phones, alone, top_site, top_count)


def hub_reasons(frame: Frame, keys: Keys, s: Spread, settings: HubSettings) -> list[str]:
    """A reason per key that is a hub by the data ("" for the others); rules in order of strength."""
    site_totals = np.bincount(frame.site, minlength=int(frame.site.max(initial=0)) + 1)
    total = site_totals[s.top_site]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.nan_to_num(s.top_count / total)
    # A support line is printed for many women; one group dominating a small site is not one.
    site_wide = ((total >= settings.min_site_ads) & (share > settings.max_site_share)
                 & (s.names > settings.max_names // 2))
    many_phones = s.phones > settings.max_phones
    wide = s.names > settings.max_names
    # The only contact on most of its ads: a booking line (an agency), not a footer; it takes
    # far more names before it is a hub.
    booking = (keys.kind == "phone") & (s.alone >= 0.5)
    many_names = np.where(booking, s.names > settings.max_names_sole, wide)
    many_cities = (s.cities > settings.max_cities) & (s.names > settings.max_names // 2)
    reasons = [""] * len(keys)
    for k in np.nonzero(site_wide | many_phones | many_names | many_cities)[0].tolist():
        if site_wide[k]:
            slug = frame.site_slugs.get(int(s.top_site[k]), str(s.top_site[k]))
            reasons[k] = (f"on {s.top_count[k]} of the {total[k]} ads of {slug} ({share[k]:.0%}): "
                          "a site-wide line, not one person's")
        elif many_phones[k]:
            reasons[k] = (f"appears next to {s.phones[k]} different phone numbers "
                          f"({s.names[k]} names, {s.cities[k]} cities)")
        elif many_names[k] and booking[k]:
            reasons[k] = f"the only number on ads for {s.names[k]} different names"
        elif many_names[k]:
            reasons[k] = f"used under {s.names[k]} different names in {s.cities[k]} cities"
        else:
            reasons[k] = f"used in {s.cities[k]} cities under {s.names[k]} names"
    return reasons


def apply_overrides(keys: Keys, reasons: list[str]) -> None:
    for k, forced in enumerate(keys.override):
        if forced is True:
            reasons[k] = "marked as a hub by an analyst"
        elif forced is False:
            reasons[k] = ""
    keys.hub_reason = reasons
    keys.hub = np.array([bool(r) for r in reasons], dtype=bool)


def mark_hubs(frame: Frame, keys: Keys, settings: HubSettings) -> Spread:
    """Set keys.hub and keys.hub_reason from the data, then apply analysts' overrides."""
    s = spread(frame, keys, frame.keys["phone"])
    apply_overrides(keys, hub_reasons(frame, keys, s, settings))
    return s


def break_giants(frame: Frame, spreads: dict[str, Spread], settings: HubSettings) -> np.ndarray:
    """Mark as hubs the keys that make components with too many names; return final components.

    Each round takes, in every giant component, the key used under the most names (never one an
    analyst has vouched for) and marks it.
    """
    kinds = list(frame.keys)
    labels = link_components(len(frame), [frame.keys[k] for k in kinds])
    for _ in range(GIANT_ROUNDS):
        names = frame.names.of_ad
        known = names >= 0
        comp_names = count_distinct(labels[known], names[known], len(frame))
        giant = comp_names > settings.giant_names
        if not giant.any():
            return labels
        best: dict[int, tuple[int, str, int]] = {}
        for kind in kinds:
            keys, s = frame.keys[kind], spreads[kind]
            live = keys.live()
            comp = np.full(len(keys), -1, dtype=np.int64)
            comp[keys.key_pos[live]] = labels[keys.ad_pos[live]]
            for k in np.nonzero((comp >= 0) & giant[np.maximum(comp, 0)])[0].tolist():
                if keys.override[k] is False:
                    continue
                c = int(comp[k])
                if c not in best or s.names[k] > best[c][0]:
                    best[c] = (int(s.names[k]), kind, k)
        if not best:
            return labels
        for c, (n_names, kind, k) in best.items():
            keys = frame.keys[kind]
            keys.hub[k] = True
            keys.hub_reason[k] = (f"would join {int(comp_names[c])} names into one cluster "
                                  f"(used under {n_names} names itself)")
        labels = link_components(len(frame), [frame.keys[k] for k in kinds])
    return labels
