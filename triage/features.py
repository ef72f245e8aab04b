"""Per-cluster features, computed for every cluster at once with numpy group-bys.

Each feature is an array with one value per cluster (`FeatureTable.cids` order). The families live
in their own modules: the women and their numbers (triage.features_people), time and place
(triage.features_time), shared numbers, photos and templates (triage.features_links), and the
wording shares here. Only clusters that reach the queue get their evidence spelled out
(triage.cluster_evidence), so a million ads cost a few sorts, not a Python loop per ad.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from triage.features_links import link_features, shared_keys
from triage.features_people import AGE_GAP, people, people_features, personas
from triage.features_time import DAY, WEEK, time_features
from triage.frame import Frame
from triage.groupby import count_distinct
from triage.signals import FLAGS, Signals
from videre.core.config import ScoreRules

__all__ = ["AGE_GAP", "DAY", "WEEK", "FeatureTable", "compute_features", "personas", "shared_keys"]


def group_share(ci: np.ndarray, mask: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return np.bincount(ci, weights=mask.astype(np.float64), minlength=len(sizes)) / np.maximum(sizes, 1)


@dataclass
class FeatureTable:
    cids: np.ndarray                 # cluster id per row
    n_ads: np.ndarray
    women: np.ndarray                # distinct personas (0: no names stated)
    women_per_number: np.ndarray     # the most women behind one live number
    numbers_per_woman: np.ndarray
    roster: np.ndarray               # the most women behind one booking line
    rotated: np.ndarray              # women seen on two or more of the cluster's numbers
    phones: np.ndarray
    foreign_phones: np.ndarray
    sites: np.ndarray
    cities: np.ndarray
    city_share: np.ndarray           # share of ads in the main city
    stays: np.ndarray                # city runs in time order; moves = stays - 1
    moves_per_week: np.ndarray
    movers: np.ndarray               # women seen in two or more cities
    span_days: np.ndarray
    photo_reuse: np.ndarray          # photo groups used by several women
    outside_photos: np.ndarray       # photos another cluster shows under other names
    template_reuse: np.ndarray       # templates used by several women
    template_share: np.ndarray       # share of ads on such templates
    obfuscated: np.ndarray           # share of ads with a hidden number
    third_person: np.ndarray         # share of ads
    several_women: np.ndarray
    youth_language: np.ndarray
    nationality: np.ndarray
    trustworthy: np.ndarray
    deposit: np.ndarray              # share of ads asking for money first
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


def compute_features(frame: Frame, signals: Signals, cluster_of: np.ndarray, home_prefix: str,
                     rules: ScoreRules) -> FeatureTable:
    cids, ci = np.unique(cluster_of, return_inverse=True)
    n = len(cids)
    n_ads = np.bincount(ci, minlength=n)
    p = people(frame, ci)
    persona = p.of_ad[:, 0]
    who = people_features(frame, ci, n, p)
    when = time_features(frame, ci, n, persona, p.count, rules.batch_minutes)
    links = link_features(frame, ci, n, persona, home_prefix, rules.shared_by_women)

    flags = signals.flags
    obf = frame.obfuscated | ((flags & FLAGS["phone_obfuscated"]) > 0)
    ages = frame.ages
    aged = ages > 0
    min_age = np.full(n, 999, dtype=np.int64)
    np.minimum.at(min_age, ci[aged], ages[aged])
    young = np.bincount(ci, weights=aged & (ages <= rules.young_age), minlength=n) / np.maximum(
        np.bincount(ci, weights=aged, minlength=n), 1)

    def share(bit: str) -> np.ndarray:
        return group_share(ci, (flags & FLAGS[bit]) > 0, n_ads)

    return FeatureTable(
        cids=cids, n_ads=n_ads, women=who.women, women_per_number=who.women_per_number,
        numbers_per_woman=who.numbers_per_woman, roster=who.roster, rotated=who.rotated,
        phones=links.phones, foreign_phones=links.foreign_phones,
        sites=count_distinct(ci, frame.site, n), cities=when.cities,
        city_share=when.city_share, stays=when.stays, moves_per_week=when.moves_per_week,
        movers=when.movers, span_days=when.span_days, photo_reuse=links.photo_reuse,
        outside_photos=links.outside_photos, template_reuse=links.template_reuse,
        template_share=links.template_share, obfuscated=group_share(ci, obf, n_ads),
        third_person=share("third_person"), several_women=share("several_women"),
        youth_language=share("youth_language"), nationality=share("nationality"),
        trustworthy=share("trustworthy_provider"), deposit=share("deposit_first"),
        min_age=np.where(min_age == 999, 0, min_age), young=young, ads_per_week=when.ads_per_week,
        busiest_day=when.busiest_day, batches=when.batches,
    )

