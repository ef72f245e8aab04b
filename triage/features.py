"""Per-cluster features, computed for every cluster at once with numpy group-bys.

Each feature is an array with one value per cluster (`FeatureTable.cids` order). Only clusters that
reach the queue get their evidence spelled out (triage.cluster_evidence), so a million ads cost a few
sorts, not a Python loop per ad.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from triage.frame import Frame, Keys
from triage.groupby import count_distinct
from triage.signals import FLAGS, Signals
from videre.core.config import ScoreRules

DAY = 86_400
WEEK = 7 * DAY
AGE_GAP = 2  # the same name with ages further apart than this is another woman


def group_share(ci: np.ndarray, mask: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return np.bincount(ci, weights=mask.astype(np.float64), minlength=len(sizes)) / np.maximum(sizes, 1)


def personas(frame: Frame, ci: np.ndarray) -> np.ndarray:
    """A woman per ad, as far as the ads say: a name, split where stated ages differ. -1 unknown."""
    names, ages = frame.names.of_ad, frame.ages.astype(np.int64)
    out = np.full(len(frame), -1, dtype=np.int64)
    known = np.nonzero(names >= 0)[0]
    if not len(known):
        return out
    # Sorted by cluster, name, age (unknown ages, 0, first): a new woman where the name changes or
    # the age jumps by more than AGE_GAP from the previous stated age.
    order = known[np.lexsort((ages[known], names[known], ci[known]))]
    c, nm, ag = ci[order], names[order], ages[order]
    new_run = np.concatenate([[True], (c[1:] != c[:-1]) | (nm[1:] != nm[:-1])])
    jump = np.concatenate([[False], (ag[:-1] > 0) & (ag[1:] - ag[:-1] > AGE_GAP)])
    out[order] = np.cumsum(new_run | jump) - 1
    return out


@dataclass
class FeatureTable:
    cids: np.ndarray                 # cluster id per row
    n_ads: np.ndarray
    women: np.ndarray                # distinct personas (0: no names stated)
    women_per_number: np.ndarray     # the most women behind one live number
    numbers_per_woman: np.ndarray
    phones: np.ndarray
    foreign_phones: np.ndarray
    sites: np.ndarray
    cities: np.ndarray
    stays: np.ndarray                # city runs in time order; moves = stays - 1
    moves_per_week: np.ndarray
    movers: np.ndarray               # women seen in two or more cities
    span_days: np.ndarray
    photo_reuse: np.ndarray          # photo groups used by several women
    template_reuse: np.ndarray       # templates used by several women
    template_share: np.ndarray       # share of ads on such templates
    obfuscated: np.ndarray           # share of ads with a hidden number
    third_person: np.ndarray         # share of ads
    several_women: np.ndarray
    youth_language: np.ndarray
    nationality: np.ndarray
    trustworthy: np.ndarray
    min_age: np.ndarray              # 0 unknown
    young: np.ndarray                # share of ads with a stated age <= rules.young_age
    ads_per_week: np.ndarray
    busiest_day: np.ndarray
    batches: np.ndarray              # different women's ads posted within minutes of each other

    def row(self, i: int) -> dict[str, float | int]:
        out: dict[str, float | int] = {}
        for f in fields(self):
            if f.name == "cids":
                continue
            v = getattr(self, f.name)[i]
            out[f.name] = round(float(v), 3) if v.dtype.kind == "f" else int(v)
        return out


def shared_keys(keys: Keys, ci: np.ndarray, persona: np.ndarray, n: int,
                min_women: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cluster: live keys of this kind used by at least `min_women` women; ads on them; the
    per-key flag (for evidence)."""
    live = keys.live()
    ap, kp = keys.ad_pos[live], keys.key_pos[live]
    women = count_distinct(kp, persona[ap], len(keys))
    shared = women >= min_women
    on_shared = np.zeros(len(ci), dtype=bool)
    on_shared[ap[shared[kp]]] = True
    count = count_distinct(ci[ap[shared[kp]]], kp[shared[kp]], n)
    return count, np.bincount(ci, weights=on_shared, minlength=n), shared


def compute_features(frame: Frame, signals: Signals, cluster_of: np.ndarray, home_prefix: str,
                     rules: ScoreRules) -> FeatureTable:
    cids, ci = np.unique(cluster_of, return_inverse=True)
    n = len(cids)
    n_ads = np.bincount(ci, minlength=n)
    persona = personas(frame, ci)
    women = count_distinct(ci, persona, n)

    phones = frame.keys["phone"]
    live = phones.live()
    pa, pk = phones.ad_pos[live], phones.key_pos[live]
    per_phone = count_distinct(pk, persona[pa], len(phones))
    women_per_number = np.zeros(n, dtype=np.int64)
    np.maximum.at(women_per_number, ci[pa], per_phone[pk])
    per_woman = count_distinct(np.maximum(persona[pa], 0), np.where(persona[pa] >= 0, pk, -1),
                            int(persona.max(initial=-1)) + 1)
    numbers_per_woman = np.zeros(n, dtype=np.int64)
    has = persona >= 0
    np.maximum.at(numbers_per_woman, ci[has], per_woman[persona[has]] if len(per_woman) else 0)
    foreign = np.array([not label.startswith(home_prefix) for label in phones.labels], dtype=bool)
    n_phones = count_distinct(ci[pa], pk, n)
    foreign_phones = count_distinct(ci[pa], np.where(foreign[pk], pk, -1), n)

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
    run_start = np.concatenate([[True], (oc[1:] != oc[:-1]) | (ocity[1:] != ocity[:-1])]) if len(order) else np.zeros(0, bool)
    stays = np.bincount(oc[run_start], minlength=n) if len(order) else np.zeros(n, np.int64)
    cities = count_distinct(ci, city, n)
    city_per_woman = count_distinct(np.maximum(persona, 0), np.where(persona >= 0, city, -1),
                                 int(persona.max(initial=-1)) + 1)
    mover = np.zeros(len(city_per_woman), dtype=bool) if not len(city_per_woman) else city_per_woman >= 2
    movers = count_distinct(ci[has], np.where(mover[persona[has]], persona[has], -1), n) if has.any() else np.zeros(n, np.int64)

    photo_reuse = template_reuse = np.zeros(n, dtype=np.int64)
    template_share = np.zeros(n)
    if "photo" in frame.keys:
        photo_reuse, _, _ = shared_keys(frame.keys["photo"], ci, persona, n, rules.shared_by_women)
    if "template" in frame.keys:
        template_reuse, on_template, _ = shared_keys(frame.keys["template"], ci, persona, n,
                                                     rules.shared_by_women)
        template_share = on_template / np.maximum(n_ads, 1)

    flags = signals.flags
    obf = frame.obfuscated | ((flags & FLAGS["phone_obfuscated"]) > 0)
    ages = frame.ages
    aged = ages > 0
    min_age = np.full(n, 999, dtype=np.int64)
    np.minimum.at(min_age, ci[aged], ages[aged])
    young = np.bincount(ci, weights=aged & (ages <= rules.young_age), minlength=n) / np.maximum(
        np.bincount(ci, weights=aged, minlength=n), 1)

    day = seen // DAY
    busiest = np.zeros(n, dtype=np.int64)
    dpairs, dcounts = np.unique((ci.astype(np.int64) << 32) | (day - day.min(initial=0)), return_counts=True)
    np.maximum.at(busiest, (dpairs >> 32).astype(np.int64), dcounts)
    t_order = np.lexsort((frame.ad_ids, seen, ci))
    tc, ts, tp = ci[t_order], seen[t_order], persona[t_order]
    close = (tc[1:] == tc[:-1]) & (ts[1:] - ts[:-1] <= rules.batch_minutes * 60) & (tp[1:] != tp[:-1]) & (tp[1:] >= 0) & (tp[:-1] >= 0)
    batches = np.bincount(tc[1:][close], minlength=n)

    def share(bit: str) -> np.ndarray:
        return group_share(ci, (flags & FLAGS[bit]) > 0, n_ads)

    return FeatureTable(
        cids=cids, n_ads=n_ads, women=women, women_per_number=women_per_number,
        numbers_per_woman=numbers_per_woman, phones=n_phones, foreign_phones=foreign_phones,
        sites=count_distinct(ci, frame.site, n), cities=cities, stays=stays,
        moves_per_week=np.maximum(stays - 1, 0) / weeks, movers=movers, span_days=span / DAY,
        photo_reuse=photo_reuse, template_reuse=template_reuse, template_share=template_share,
        obfuscated=group_share(ci, obf, n_ads), third_person=share("third_person"),
        several_women=share("several_women"), youth_language=share("youth_language"),
        nationality=share("nationality"), trustworthy=share("trustworthy_provider"),
        min_age=np.where(min_age == 999, 0, min_age), young=young, ads_per_week=n_ads / weeks,
        busiest_day=busiest, batches=batches,
    )
