"""Feature family: the women of a cluster and their numbers (docs/scoring.md).

A woman is a person, not a string (triage.people): a duo ad stands for two women; spelling
variants of one name inside a cluster are one woman; the same name with stated ages further apart
than AGE_GAP is two. Every count here is over these persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.frame import Frame
from triage.groupby import count_distinct
from triage.people import MAX_PEOPLE_PER_AD, merge_variants

AGE_GAP = 2  # the same name with ages further apart than this is another woman
# A number is a booking line when it is the only number on at least this share of its ads.
SOLE_SHARE = 0.8


@dataclass
class People:
    of_ad: np.ndarray       # (n, MAX_PEOPLE_PER_AD) persona per ad and woman, -1 none
    count: int              # personas in all


def people(frame: Frame, ci: np.ndarray) -> People:
    """Personas per ad, numbered 0..count-1 over all clusters."""
    n = len(frame)
    codes, keys = frame.people()
    ad = np.tile(np.arange(n, dtype=np.int64), MAX_PEOPLE_PER_AD)
    col = np.repeat(np.arange(MAX_PEOPLE_PER_AD), n)
    code = codes.T.reshape(-1)
    ok = code >= 0
    ad, col, code = ad[ok], col[ok], code[ok]
    out = np.full((n, MAX_PEOPLE_PER_AD), -1, dtype=np.int64)
    if not len(ad):
        return People(out, 0)
    code = merge_variants(ci[ad], code, keys)
    # A duo ad states one age for two women: it says nothing about either.
    duo = (codes[:, 1] >= 0)[ad]
    ages = np.where(duo, 0, frame.ages.astype(np.int64)[ad])
    # Sorted by cluster, name, age (unknown ages, 0, first): a new woman where the name changes or
    # the age jumps by more than AGE_GAP from the previous stated age.
    order = np.lexsort((ages, code, ci[ad]))
    c, nm, ag = ci[ad][order], code[order], ages[order]
    new_run = np.concatenate([[True], (c[1:] != c[:-1]) | (nm[1:] != nm[:-1])])
    jump = np.concatenate([[False], (ag[:-1] > 0) & (ag[1:] - ag[:-1] > AGE_GAP)])
    persona = np.empty(len(order), dtype=np.int64)
    persona[order] = np.cumsum(new_run | jump) - 1
    out[ad, col] = persona
    return People(out, int(persona.max()) + 1)


def personas(frame: Frame, ci: np.ndarray) -> np.ndarray:
    """The first woman of each ad (-1 unknown): a name, split where stated ages differ."""
    return people(frame, ci).of_ad[:, 0]


@dataclass
class PeopleFeatures:
    women: np.ndarray               # distinct personas (0: no names stated)
    women_per_number: np.ndarray    # the most women behind one live number
    numbers_per_woman: np.ndarray
    roster: np.ndarray              # the most women behind one booking line (sole number on its ads)
    rotated: np.ndarray             # women seen on two or more of the cluster's numbers


def _phone_person_rows(frame: Frame, p: People) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(phone row ad, phone key, persona) for every live phone membership and woman of its ad."""
    phones = frame.keys["phone"]
    live = phones.live()
    pa, pk = phones.ad_pos[live], phones.key_pos[live]
    ads = np.tile(pa, MAX_PEOPLE_PER_AD)
    return ads, np.tile(pk, MAX_PEOPLE_PER_AD), p.of_ad[ads, np.repeat(np.arange(MAX_PEOPLE_PER_AD), len(pa))]


def people_features(frame: Frame, ci: np.ndarray, n: int, p: People) -> PeopleFeatures:
    rows = p.of_ad.T.reshape(-1)
    row_ci = np.tile(ci, MAX_PEOPLE_PER_AD)
    women = count_distinct(row_ci, rows, n)
    phones = frame.keys["phone"]
    ads, pk, persona = _phone_person_rows(frame, p)
    per_phone = count_distinct(pk, persona, len(phones))
    # Women behind one number inside this cluster (a side line may be shared with others).
    cells, cell = np.unique((ci[ads].astype(np.int64) << 32) | pk, return_inverse=True)
    per_cell = count_distinct(cell, persona, len(cells))
    women_per_number = np.zeros(n, dtype=np.int64)
    np.maximum.at(women_per_number, ci[ads], per_cell[cell])
    per_woman = count_distinct(np.maximum(persona, 0), np.where(persona >= 0, pk, -1), max(p.count, 1))
    numbers_per_woman = np.zeros(n, dtype=np.int64)
    has = rows >= 0
    if has.any():
        np.maximum.at(numbers_per_woman, row_ci[has], per_woman[rows[has]])
    rotated = count_distinct(row_ci[has], np.where(per_woman[rows[has]] >= 2, rows[has], -1), n) \
        if has.any() else np.zeros(n, np.int64)
    # A booking line: the only number on most of its ads.
    live = phones.live()
    pa = phones.ad_pos[live]
    per_ad = np.bincount(pa, minlength=len(frame))
    sole = np.bincount(phones.key_pos[live], weights=per_ad[pa] == 1, minlength=len(phones)) / np.maximum(
        np.bincount(phones.key_pos[live], minlength=len(phones)), 1)
    roster = np.zeros(n, dtype=np.int64)
    booking = sole[pk] >= SOLE_SHARE
    np.maximum.at(roster, ci[ads[booking]], per_phone[pk[booking]])
    return PeopleFeatures(women, women_per_number, numbers_per_woman, roster, rotated)
