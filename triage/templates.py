"""Template links: ads whose wording, without names, numbers, places and prices, is the same.

Candidates come from MinHash LSH over word shingles (triage.text, cached per ad in ad_signals);
each candidate pair is verified with rapidfuzz on the template words, because LSH alone lets
through pairs that merely share a few sentences. Identical template words need no verification.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.orm import Session

from triage.frame import Frame, Keys
from triage.groupby import uniq
from triage.rows import fetch_by_keys
from triage.signals import MAX_TEXT_CHARS, SignalParams, Signals, words_of

# Ids per IN (...) query: well under SQLite's limit on bound parameters.
ID_CHUNK = 10_000


@dataclass
class TemplateLinks:
    keys: Keys                   # kind "template"; ids are provisional group numbers
    rep: np.ndarray              # per group: the ad position whose text represents it


def lsh_pairs(bands: np.ndarray) -> np.ndarray:
    """(doc, doc) candidate pairs: documents that share any band key (star per bucket)."""
    pairs = []
    for b in range(bands.shape[1]):
        keys = bands[:, b]
        live = np.nonzero(keys != 0)[0]
        order = live[np.argsort(keys[live], kind="stable")]
        k = keys[order]
        if len(k) < 2:
            continue
        new = np.concatenate([[True], k[1:] != k[:-1]])
        head = order[np.maximum.accumulate(np.where(new, np.arange(len(k)), 0))]
        member = ~new
        pairs.append(np.stack([head[member], order[member]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    both = np.concatenate(pairs)
    both.sort(axis=1)
    packed = uniq((both[:, 0] << 32) | both[:, 1])
    return np.stack([packed >> 32, packed & 0xFFFFFFFF], axis=1)


def ad_texts(session: Session, ad_ids: list[int]) -> dict[int, str]:
    """Title and body of these ads, as one text."""
    rows = fetch_by_keys(session, "SELECT id, title, body FROM ads WHERE id IN", ad_ids, ID_CHUNK)
    return {i: f"{title or ''}\n{body or ''}"[:MAX_TEXT_CHARS] for i, (title, body) in rows.items()}


def leaders(n: int, pairs: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group documents around leaders: each document, in rank order, joins the best-matching
    earlier leader it was verified against, or leads a group of its own.

    No chaining: A joins B's group only when A matches B itself, so two templates that share a
    middle variant stay apart. Returns the leader of each document and the match strength.
    """
    leader = np.arange(n, dtype=np.int64)
    strength = np.ones(n, dtype=np.float32)
    order = np.lexsort((-score, pairs[:, 1]))
    last = -1
    for (u, v), sc in zip(pairs[order].tolist(), score[order].tolist()):
        if v == last:
            continue                       # v already decided by its best earlier match
        if leader[u] == u:                 # only leaders take members
            leader[v] = u
            strength[v] = sc
            last = v
    return leader, strength


def link_templates(session: Session, frame: Frame, signals: Signals, params: SignalParams,
                   threshold: float, workers: int = 2) -> TemplateLinks:
    """Group ads into templates: LSH candidates, rapidfuzz verification, leader grouping."""
    eligible = np.nonzero((signals.n_tokens >= params.min_tokens) & (signals.bands[:, 0] != 0))[0]
    docs, first, doc_of = np.unique(signals.doc_key[eligible], return_index=True, return_inverse=True)
    # Rank documents by use (most used first, ties by key): common wordings become leaders.
    doc_count = np.bincount(doc_of, minlength=len(docs))
    rank_order = np.lexsort((docs, -doc_count))
    rank = np.empty(len(docs), dtype=np.int64)
    rank[rank_order] = np.arange(len(docs))
    doc_of = rank[doc_of]
    rep_ad = eligible[first][rank_order]            # an ad holding each document, by rank
    pairs = lsh_pairs(signals.bands[rep_ad])
    score = np.zeros(0, dtype=np.float32)
    if len(pairs):
        involved, local = np.unique(pairs, return_inverse=True)
        keys = docs[rank_order][involved].tolist()
        stored = words_of(session, keys)
        texts = [stored.get(k, "") for k in keys]
        local = local.reshape(-1, 2)
        score = process.cpdist([texts[i] for i in local[:, 0]], [texts[i] for i in local[:, 1]],
                               scorer=fuzz.ratio, workers=workers, dtype=np.float32) / 100.0
        pairs, score = pairs[score >= threshold], score[score >= threshold]
    doc_group, strength = leaders(len(docs), pairs, score)
    group_of_ad = doc_group[doc_of]
    sizes = np.bincount(group_of_ad, minlength=len(docs))
    linked = sizes[group_of_ad] >= 2
    groups, key_pos = np.unique(group_of_ad[linked], return_inverse=True)
    ad_pos = eligible[linked]
    # Representative: the first ad (by id) of the group's leading document.
    rep = rep_ad[groups].copy()
    keys = Keys("template", groups.astype(np.int64), [""] * len(groups), ad_pos, key_pos,
                [None] * len(groups), strength[doc_of[linked]])
    return TemplateLinks(keys, rep)


_WORDS = re.compile(r"\w+|[^\w\s]+")


def _spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    # Two passes of the regex engine, each collected in C: a first re-score builds thousands of
    # displays, and a Python loop over every match was most of their cost (bench/README.md,
    # "The first full re-score, timed quiet").
    return _WORDS.findall(text), list(map(re.Match.span, _WORDS.finditer(text)))


def _cut(text: str, spans: Sequence[tuple[int, int]], lo: int, hi: int) -> str:
    """The original text of words lo..hi-1 (with their own spacing and punctuation)."""
    return text[spans[lo][0]:spans[hi - 1][1]] if hi > lo else ""


def template_display(texts: Sequence[str], sample: int = 8) -> tuple[str, list[list[str]]]:
    """The wording shared by these ads, with numbered slots, and what fills each slot per ad.

    The first text is the representative. A word of it is template when the other ads of a sample
    (the first `sample` texts) have the same word at the aligned place; runs of other words are
    slots. Each ad's slot values are then read between the template's literal pieces, falling back
    to a word alignment where an ad strays from the template.
    """
    rep, rep_spans = _spans(texts[0])
    varies = np.zeros(len(rep) + 1, dtype=bool)     # position i: word i differs somewhere
    gap = np.zeros(len(rep) + 1, dtype=bool)        # something inserted before word i
    for other in map(_WORDS.findall, texts[1:sample]):
        for tag, i1, i2, _j1, _j2 in Levenshtein.opcodes(rep, other):
            if tag in ("replace", "delete"):
                varies[i1:i2] = True
            elif tag == "insert":
                gap[i1] = True
    slots: list[tuple[int, int]] = []               # representative word ranges [i1, i2)
    i = 0
    while i <= len(rep):
        if i < len(rep) and varies[i]:
            j = i
            while j < len(rep) and varies[j]:
                j += 1
            slots.append((i, j))
            i = j
            continue
        # Words inserted here by other ads; right after a slot they belong to that slot.
        if gap[i] and not (slots and slots[-1][1] == i):
            slots.append((i, i))
        i += 1
    template = _render(texts[0], rep_spans, slots)
    literals = re.split(r"\{\d+\}", template)
    return template, [_by_literals(t, literals) or _by_alignment(rep, t, slots) for t in texts]


def _render(text: str, spans: Sequence[tuple[int, int]], slots: Sequence[tuple[int, int]]) -> str:
    out, cursor = [], 0
    for k, (a, b) in enumerate(slots, 1):
        if b > a:
            start, end = spans[a][0], spans[b - 1][1]
            marker = "{%d}" % k
        else:  # an insertion point: before word a, or at the end
            start = end = spans[a][0] if a < len(spans) else len(text)
            marker = "{%d} " % k if a < len(spans) else " {%d}" % k
        out.append(text[cursor:start] + marker)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _by_literals(text: str, literals: Sequence[str]) -> list[str] | None:
    """Slot values read between the template's literal pieces; None when a piece is missing."""
    if not text.startswith(literals[0]):
        return None
    pos, out = len(literals[0]), []
    for k, piece in enumerate(literals[1:], 1):
        if k == len(literals) - 1:
            end = len(text) - len(piece) if text.endswith(piece) else -1
        else:
            end = text.find(piece, pos) if piece else -1
        if end < pos:
            return None
        out.append(text[pos:end].strip())
        pos = end + len(piece)
    return out


def _by_alignment(rep: Sequence[str], text: str, slots: Sequence[tuple[int, int]]) -> list[str]:
    words, spans = _spans(text)
    ops = Levenshtein.opcodes(rep, words)
    return [_cut(text, spans, *_aligned(ops, a, b)) for a, b in slots]


def _aligned(ops: Sequence[tuple[str, int, int, int, int]], a: int, b: int) -> tuple[int, int]:
    """The range of the other text's words aligned with representative words [a, b) (and with
    what was inserted at a)."""
    lo, hi = None, None
    for tag, i1, i2, j1, j2 in ops:
        if tag == "insert":
            hit = a <= i1 <= b if b > a else i1 == a
            if hit and j2 > j1:
                lo, hi = (j1 if lo is None else min(lo, j1)), (j2 if hi is None else max(hi, j2))
        elif i1 < b and i2 > a and tag != "equal":
            lo, hi = (j1 if lo is None else min(lo, j1)), (j2 if hi is None else max(hi, j2))
        elif i1 < b and i2 > a:
            x1, x2 = j1 + max(a, i1) - i1, j1 + min(b, i2) - i1
            lo, hi = (x1 if lo is None else min(lo, x1)), (x2 if hi is None else max(hi, x2))
    return (lo, hi) if lo is not None and hi is not None else (0, 0)
