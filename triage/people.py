"""People, not strings: the women an ad's name field stands for.

A duo ad ("Fernanda & Juliana") is two women, not a third name. One woman's stage name is written
many ways by her and by sites ("Fernanda", "FERNANDA ❤", "Fernandaa", "Fernánda"): these fold to one
key. Closer variants that folding cannot settle ("Fernanda" / "Fernada") are merged only inside one
cluster (triage.features), where the shared number already says it is plausibly one woman; two
different women on two different numbers are never merged on spelling alone. See docs/scoring.md.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from rapidfuzz.distance import Levenshtein

# What joins the names of a duo or trio ad.
_JOINERS = re.compile(r"\s*(?:&|\+|/|,|;|\band\b|\boch\b|\bog\b|\bund\b|\bet\b|\bwith\b|\bmed\b)\s*",
                      re.IGNORECASE)
# Sound-alike spellings of one name (applied after diacritics are gone and case folded).
_SPELLINGS = (("ph", "f"), ("th", "t"), ("ck", "k"), ("w", "v"), ("y", "i"), ("z", "s"), ("c", "k"),
              ("q", "k"))
_WORD = re.compile(r"[^\W_]+")
MAX_PEOPLE_PER_AD = 2
# Names at least this long may differ by one edit and still be one woman (inside one cluster)...
VARIANT_MIN_LEN = 5
# ... and a name this long that begins another is its short form ("Rub", "Ruby"; "Bian", "Bianka").
PREFIX_MIN_LEN = 3
# Beyond this many distinct names in one cluster, pairwise spelling checks are skipped.
VARIANT_MAX_NAMES = 400


def fold(name: str) -> str:
    """A spelling-tolerant key of one name: its first word, no diacritics, letters and digits only,
    sound-alikes mapped, repeated letters collapsed ("Fernánda", "FERNANDAA ❤", "~Fernanda~ xx"
    -> "fernanda")."""
    words = [w for w in _WORD.findall(name) if w.casefold().strip("x")]
    plain = unicodedata.normalize("NFKD", (words[0] if words else "").casefold())
    letters = "".join(ch for ch in plain if ch.isalnum() and not unicodedata.combining(ch))
    for a, b in _SPELLINGS:
        letters = letters.replace(a, b)
    return re.sub(r"([^\W\d_])\1+", r"\1", letters)


def split_people(name: str | None) -> list[str]:
    """The folded names of the women an ad's name stands for, at most MAX_PEOPLE_PER_AD."""
    if not name:
        return []
    out: list[str] = []
    for part in _JOINERS.split(name):
        key = fold(part)
        if len(key) >= 2 and key not in out:
            out.append(key)
    return out[:MAX_PEOPLE_PER_AD]


def people_codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """For each distinct name string: codes of its (at most two) women, -1 where absent; and the
    folded key of each code."""
    index: dict[str, int] = {}
    out = np.full((len(values), MAX_PEOPLE_PER_AD), -1, dtype=np.int64)
    for i, value in enumerate(values):
        for j, key in enumerate(split_people(value)):
            out[i, j] = index.setdefault(key, len(index))
    return out, list(index)


def same_name(a: str, b: str) -> bool:
    """Two folded names of one woman: one edit apart (both long), or one the short form of the other."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= PREFIX_MIN_LEN and long_.startswith(short):
        return True
    return (len(short) >= VARIANT_MIN_LEN and len(long_) - len(short) <= 1
            and Levenshtein.distance(a, b, score_cutoff=1) <= 1)


def variants(keys: list[str]) -> list[int]:
    """Canonical index per key: keys that are `same_name` are one.

    Called on the distinct names of one cluster; a union-find over the close pairs.
    """
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(keys) <= VARIANT_MAX_NAMES:
        long = [i for i, k in enumerate(keys) if len(k) >= PREFIX_MIN_LEN]
        for x, i in enumerate(long):
            for j in long[x + 1:]:
                if same_name(keys[i], keys[j]):
                    a, b = root(i), root(j)
                    parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(len(keys))]


def merge_variants(cluster: np.ndarray, person: np.ndarray, keys: list[str]) -> np.ndarray:
    """Person codes with one-edit spelling variants merged within each cluster.

    `cluster` and `person` are aligned rows (person >= 0). Only clusters with two or more long
    names are looked at, so the cost follows the few clusters that need it.
    """
    out = person.copy()
    if not len(person):
        return out
    pairs = np.unique((cluster.astype(np.int64) << 32) | person)
    c, p = pairs >> 32, pairs & 0xFFFFFFFF
    long = np.array([len(keys[int(k)]) >= PREFIX_MIN_LEN for k in p.tolist()], dtype=bool)
    counts = np.bincount(np.unique(c[long], return_inverse=True)[1]) if long.any() else np.zeros(0, np.int64)
    busy = np.unique(c[long])[counts >= 2] if len(counts) else np.zeros(0, np.int64)
    if not len(busy):
        return out
    src: list[int] = []
    dst: list[int] = []
    sel = np.isin(c, busy)
    bounds = np.nonzero(np.diff(c[sel]))[0] + 1
    for cc, pp in zip(np.split(c[sel], bounds), np.split(p[sel], bounds)):
        codes = pp.tolist()
        canon = variants([keys[k] for k in codes])
        for k, r in zip(codes, canon):
            if codes[r] != k:
                src.append((int(cc[0]) << 32) | k)
                dst.append(codes[r])
    if src:
        order = np.argsort(src)
        src_a, dst_a = np.array(src, dtype=np.int64)[order], np.array(dst, dtype=np.int64)[order]
        packed = (cluster.astype(np.int64) << 32) | person
        at = np.minimum(np.searchsorted(src_a, packed), len(src_a) - 1)
        hit = src_a[at] == packed
        out[hit] = dst_a[at[hit]]
    return out


def ad_people(values: list[str], of_ad: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per ad (codes of `values`, -1 none): its women's codes, shape (n, MAX_PEOPLE_PER_AD)."""
    codes, keys = people_codes(values)
    out = np.full((len(of_ad), MAX_PEOPLE_PER_AD), -1, dtype=np.int64)
    has = of_ad >= 0
    if len(codes):
        out[has] = codes[of_ad[has]]
    return out, keys
