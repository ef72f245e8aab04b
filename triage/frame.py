"""Everything triage needs, read in bulk into arrays indexed by ad position (no per-ad ORM objects).

Ads are read in id order; position i in every per-ad array is the ad with the i-th smallest id.
Strings that repeat (names, cities) become integer codes, so later steps are numpy group-bys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from sqlalchemy.orm import Session

from triage.people import ad_people
from triage.rows import dialect, fetch_all, int_pairs, stream
from triage.signals import Signals


@dataclass
class Keys:
    """One kind of identifier (phone, photo, template) and the ads that carry it.

    `ad_pos[i]` carries key `key_pos[i]` with link strength `strength[i]` (1.0 for a phone number;
    the verified similarity for a template). `hub` marks keys kept out of linking.
    """

    kind: str
    ids: np.ndarray                     # database id per key position
    labels: list[str]                   # what an analyst sees (E.164, photo sha, template id)
    ad_pos: np.ndarray
    key_pos: np.ndarray
    override: list[bool | None]         # analysts' decisions; None = let the data decide
    strength: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    hub: np.ndarray = field(init=False)
    hub_reason: list[str] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.strength) != len(self.ad_pos):
            self.strength = np.ones(len(self.ad_pos), dtype=np.float32)
        self.hub = np.zeros(len(self.ids), dtype=bool)
        self.hub_reason = [""] * len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def live(self) -> np.ndarray:
        """Membership rows whose key is not a hub."""
        return ~self.hub[self.key_pos] if len(self.key_pos) else np.zeros(0, bool)


@dataclass
class Codes:
    """Distinct strings and, per ad, the index of its string (-1 for none).

    Strings are compared folded (case and spacing); `shown` keeps the first spelling met, for
    analysts.
    """

    values: list[str]
    of_ad: np.ndarray
    shown: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, strings: Iterable[str | None], n: int) -> "Codes":
        index: dict[str, int] = {}
        shown: list[str] = []

        @cache
        def code(s: str | None) -> int:
            if not s:
                return -1
            key = " ".join(s.casefold().split())
            if key not in index:
                index[key] = len(index)
                shown.append(s.strip())
            return index[key]

        # A million ads carry a few thousand distinct spellings: each is folded once, then looked up.
        codes = np.fromiter(map(code, strings), dtype=np.int64, count=n)
        return cls(list(index), codes, shown)


@dataclass
class Frame:
    ad_ids: np.ndarray                  # int64, ascending
    site: np.ndarray                    # site id per ad
    names: Codes                        # folded name per ad
    cities: Codes
    ages: np.ndarray                    # int16, 0 = unknown
    seen: np.ndarray                    # int64 epoch seconds: posted_at, else first_seen
    obfuscated: np.ndarray              # bool
    old_cluster: np.ndarray             # previous cluster id per ad, 0 = none
    version: np.ndarray                 # the ad's content version (changes with its text)
    site_slugs: dict[int, str] = field(default_factory=dict)
    keys: dict[str, Keys] = field(default_factory=dict)
    signals: Signals = field(default_factory=lambda: Signals(*(np.zeros(0) for _ in range(4)), []))
    _people: tuple[np.ndarray, list[str]] | None = field(default=None, repr=False)

    def people(self) -> tuple[np.ndarray, list[str]]:
        """Per ad, the codes of the women its name stands for (n, 2; -1 none), and each code's
        folded name (triage.people: a duo is two women, spelling variants fold together)."""
        if self._people is None:
            self._people = ad_people(self.names.values, self.names.of_ad)
        return self._people

    def __len__(self) -> int:
        return len(self.ad_ids)

    def positions(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.ad_ids, ids)


def load_frame(session: Session, bands: int) -> Frame:
    """Every ad's triage fields and signals, in id order, from the narrow ad_signals table.

    Signals must be fresh (triage.signals.refresh_signals, in the same transaction). The previous
    cluster of each ad comes from the ads table's cluster index, never from a scan of its rows.
    """
    cols: list[list[Any]] = [[] for _ in range(12)]
    for rows in stream(session, "SELECT ad_id, site_id, name, age, city, seen, ad_version, doc_key, "
                                "n_tokens, flags, nationalities, bands FROM ad_signals ORDER BY ad_id"):
        for col, values in zip(cols, zip(*rows)):
            col.extend(values)
    ids, sites, names, ages, cities, seen, versions, keys, tokens, flags, nations, blobs = cols
    n = len(ids)
    frame = Frame(
        ad_ids=np.array(ids, dtype=np.int64),
        site=np.array(sites, dtype=np.int64),
        names=Codes.build(names, n),
        cities=Codes.build(cities, n),
        ages=np.array(ages, dtype=np.int16),
        seen=np.array(seen, dtype=np.int64),
        obfuscated=np.zeros(n, dtype=bool),
        old_cluster=np.zeros(n, dtype=np.int64),
        version=np.array(versions, dtype=np.int64),
        site_slugs=dict(fetch_all(session, "SELECT id, slug FROM sites")),
    )
    flag_array = np.array(flags, dtype=np.int64)
    frame.obfuscated = (flag_array & 1) > 0
    frame.signals = Signals(np.array(keys, dtype=np.int64), np.array(tokens, dtype=np.int32),
                            _bands(blobs, bands), flag_array, nations)
    del cols, ids, sites, names, ages, cities, seen, versions, keys, tokens, flags, blobs
    pairs = int_pairs(session, OLD_CLUSTERS[dialect(session)])
    pos = frame.positions(pairs[:, 0])
    ok = pos < n
    ok[ok] &= frame.ad_ids[pos[ok]] == pairs[ok, 0]
    frame.old_cluster[pos[ok]] = pairs[ok, 1]
    frame.keys["phone"] = load_phone_keys(session, frame)
    return frame


# Read through the cluster index (it covers id and cluster_id on SQLite), not the 2 kB rows.
OLD_CLUSTERS = {
    "sqlite": "SELECT id, cluster_id FROM ads INDEXED BY ix_ads_cluster_when WHERE cluster_id IS NOT NULL",
    "postgresql": "SELECT id, cluster_id FROM ads WHERE cluster_id IS NOT NULL",
}


def _bands(blobs: list[bytes], bands: int) -> np.ndarray:
    width = bands * 8
    blob = b"".join(bytes(b) if len(b) == width else bytes(width) for b in blobs)
    return np.frombuffer(blob, dtype=np.uint64).reshape(-1, bands).copy()


def membership(session: Session, frame: Frame, sql: str, key_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ad position, key position) pairs from `sql` (ad id, key id), for ads and keys we know,
    sorted by ad then key."""
    pairs = int_pairs(session, sql)
    ad_pos = frame.positions(pairs[:, 0])
    key_pos = np.searchsorted(key_ids, pairs[:, 1])
    ok = (ad_pos < len(frame)) & (key_pos < len(key_ids))
    ok[ok] &= (frame.ad_ids[ad_pos[ok]] == pairs[ok, 0]) & (key_ids[key_pos[ok]] == pairs[ok, 1])
    order = np.lexsort((key_pos[ok], ad_pos[ok]))
    return ad_pos[ok][order], key_pos[ok][order]


def partial_reads(ad_pos: np.ndarray, key_pos: np.ndarray, labels: list[str]) -> np.ndarray:
    """Memberships to keep: drop a number whose digits lie inside another number of the same ad.

    A partly read obfuscated number would otherwise link every ad whose foreign number holds the
    same digits. The extractor reads none within one field; this catches a fragment read from
    another field (a site's phone field holding part of the number the text gives).
    """
    keep = np.ones(len(ad_pos), dtype=bool)
    counts = np.bincount(ad_pos, minlength=int(ad_pos.max(initial=-1)) + 1)
    rows = np.nonzero(counts[ad_pos] > 1)[0]
    if not len(rows):
        return keep
    national = {k: _national(labels[k]) for k in set(key_pos[rows].tolist())}
    order = rows[np.argsort(ad_pos[rows], kind="stable")]
    bounds = np.nonzero(np.diff(ad_pos[order]))[0] + 1
    for group in np.split(order, bounds):
        keys = key_pos[group].tolist()
        digits = [labels[k].lstrip("+") for k in keys]
        for r, k, d in zip(group.tolist(), keys, digits):
            n = national[k]
            if any(len(o) > len(d) and n in o for o in digits):
                keep[r] = False
    return keep


@lru_cache(maxsize=None)
def _national(e164: str) -> str:
    """The digits after the country code (E.164 country codes are prefix-free: 1 to 3 digits)."""
    digits = e164.lstrip("+")
    for width in (1, 2, 3):
        if int(digits[:width] or 0) in COUNTRY_CODE_TO_REGION_CODE:
            return digits[width:]
    return digits


def load_phone_keys(session: Session, frame: Frame) -> Keys:
    phones = fetch_all(session, "SELECT id, e164, hub_override FROM phones ORDER BY id")
    ids = np.array([p[0] for p in phones], dtype=np.int64)
    labels = [p[1] for p in phones]
    ad_pos, key_pos = membership(session, frame, "SELECT ad_id, phone_id FROM ad_phones", ids)
    keep = partial_reads(ad_pos, key_pos, labels)
    override = [None if p[2] is None else bool(p[2]) for p in phones]
    return Keys("phone", ids, labels, ad_pos[keep], key_pos[keep], override)
