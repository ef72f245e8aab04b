"""Feature family: when and where a cluster's ads appear (docs/scoring.md).

Movement is what is observed (one cluster's ads in several cities over time), never movement
wording. Batches are ads of different women posted minutes apart: one hand at the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.frame import Frame
from triage.groupby import count_distinct

DAY = 86_400
WEEK = 7 * DAY


@dataclass
class TimeFeatures:
    cities: np.ndarray
    stays: np.ndarray               # city runs in time order; moves = stays - 1
    moves_per_week: np.ndarray
    movers: np.ndarray              # women seen in two or more cities
    span_days: np.ndarray
    ads_per_week: np.ndarray
    busiest_day: np.ndarray
    batches: np.ndarray             # different women's ads posted within minutes of each other
    city_share: np.ndarray          # share of the ads (with a city) in the cluster's main city


def time_features(frame: Frame, ci: np.ndarray, n: int, persona: np.ndarray, n_personas: int,
                  batch_minutes: int) -> TimeFeatures:
    n_ads = np.bincount(ci, minlength=n)
    seen = frame.seen
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, ci, seen)
    np.maximum.at(last, ci, seen)
    span = (last - first).astype(np.float64)
    weeks = np.maximum(span / WEEK, 1.0)

    city = frame.cities.of_ad
    with_city = np.nonzero(city >= 0)[0]
    order = with_city[np.lexsort((frame.ad_ids[with_city], seen[with_city], ci[with_city]))]
    oc, ocity = ci[order], city[order]
    run_start = (np.concatenate([[True], (oc[1:] != oc[:-1]) | (ocity[1:] != ocity[:-1])])
                 if len(order) else np.zeros(0, bool))
    stays = np.bincount(oc[run_start], minlength=n) if len(order) else np.zeros(n, np.int64)
    cities = count_distinct(ci, city, n)
    has = persona >= 0
    city_per_woman = count_distinct(np.maximum(persona, 0), np.where(has, city, -1), max(n_personas, 1))
    mover = city_per_woman >= 2
    movers = (count_distinct(ci[has], np.where(mover[persona[has]], persona[has], -1), n)
              if has.any() else np.zeros(n, np.int64))
    city_share = np.zeros(n)
    if len(with_city):
        packed, counts = np.unique((ci[with_city].astype(np.int64) << 32) | city[with_city],
                                   return_counts=True)
        top = np.zeros(n, dtype=np.int64)
        np.maximum.at(top, (packed >> 32).astype(np.int64), counts)
        city_share = top / np.maximum(np.bincount(ci[with_city], minlength=n), 1)

    day = seen // DAY
    busiest = np.zeros(n, dtype=np.int64)
    dpairs, dcounts = np.unique((ci.astype(np.int64) << 32) | (day - day.min(initial=0)), return_counts=True)
    np.maximum.at(busiest, (dpairs >> 32).astype(np.int64), dcounts)
    t_order = np.lexsort((frame.ad_ids, seen, ci))
    tc, ts, tp = ci[t_order], seen[t_order], persona[t_order]
    close = ((tc[1:] == tc[:-1]) & (ts[1:] - ts[:-1] <= batch_minutes * 60) & (tp[1:] != tp[:-1])
             & (tp[1:] >= 0) & (tp[:-1] >= 0))
    batches = np.bincount(tc[1:][close], minlength=n)
    return TimeFeatures(cities, stays, np.maximum(stays - 1, 0) / weeks, movers, span / DAY,
                        n_ads / weeks, busiest, batches, city_share)
