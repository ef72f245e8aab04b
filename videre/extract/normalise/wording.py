"""One pass over an ad's words, shared by every reader of wording (indicators, languages, places,
incall/outcall, names, ages), and a phrase index that finds many phrases in that one pass.

Words are lower-cased; their spans index the original text, so callers can still look at the
case of the original (a capitalised place name, English "I").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping

# A word (with one inner apostrophe), "%" or "+"; the group keeps it in `split`. Written to
# start with one character class, which lets the engine skip the gaps at C speed.
_SPLIT = re.compile(r"([\w%+](?:(?<=[%+])|\w*(?:['’]\w+)?))")
WILDCARD = "*"


class Words:
    """The words of one text, lower-cased, with their spans on demand.

    One C-speed split keeps the gaps as well as the words, so a span is a sum of lengths; they
    are added up only when a reader first asks for one (most words never need one)."""

    __slots__ = ("text", "lowered", "lower", "_parts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = lowered = text.lower()   # shared with other readers: lowering is costly
        # A few characters lower-case to two (İ); then split the original to keep spans exact.
        scan = lowered if len(lowered) == len(text) else text
        self._parts = _SPLIT.split(scan)          # gap, word, gap, word, ..., gap
        found = self._parts[1::2]
        self.lower: list[str] = found if scan is lowered else [w.lower() for w in found]
        self._ends: list[int] | None = None

    def __len__(self) -> int:
        return len(self.lower)

    def _offsets(self) -> list[int]:
        """Where each part ends: word i spans ends[2i]:ends[2i+1]."""
        if self._ends is None:
            self._ends = list(itertools.accumulate(map(len, self._parts)))
        return self._ends

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Character span of words i..j-1."""
        ends = self._offsets()
        return ends[2 * i], ends[2 * j - 1]

    def original(self, i: int) -> str:
        ends = self._offsets()
        return self.text[ends[2 * i]:ends[2 * i + 1]]

    def between(self, i: int, j: int) -> str:
        """The text between the end of word i and the start of word j."""
        ends = self._offsets()
        return self.text[ends[2 * i + 1]:ends[2 * j]]


def words(text: str) -> Words:
    return Words(text)


def _expand(spec: str) -> Iterator[tuple[str, ...]]:
    """'två|2 söta? tjejer' -> ('två','söta','tjejer'), ('två','tjejer'), ('2','söta','tjejer'), ..."""
    slots: list[list[str | None]] = []
    for part in spec.lower().split():
        optional = part.endswith("?")
        options: list[str | None] = list(part.rstrip("?").split("|"))
        if optional:
            options.append(None)
        slots.append(options)
    for combo in itertools.product(*slots):
        phrase = tuple(w for w in combo if w is not None)
        if phrase:
            yield phrase


class PhraseIndex:
    """Finds labelled phrases in a word list: longest match at each word, then skips past it.

    A phrase is a word sequence; `a|b` offers alternatives, `word?` is optional and `*` matches any
    one word (the caller checks it). Longer phrases are looked up by their first word, then their
    second, so a common first word ("i", "my") costs two dictionary probes.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        self._single: dict[str, str] = {}
        # first word -> second word -> (phrase, label), longest first
        self._multi: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
        for label, specs in phrases.items():
            for spec in specs:
                for phrase in _expand(spec):
                    if len(phrase) == 1:
                        self._single.setdefault(phrase[0], label)
                    else:
                        if WILDCARD in phrase[:2]:
                            raise ValueError(f"{spec!r}: `*` may not be one of the first two words")
                        following = self._multi.setdefault(phrase[0], {})
                        following.setdefault(phrase[1], []).append((phrase, label))
        for following in self._multi.values():
            for entries in following.values():
                entries.sort(key=lambda e: -len(e[0]))
        self._starters = frozenset(self._single) | frozenset(self._multi)

    def find(self, ws: Words) -> list[tuple[str, int, int]]:
        """(label, first word, end word) for each match, left to right, not overlapping."""
        lower = ws.lower
        n = len(lower)
        single, multi = self._single, self._multi
        skip_to = 0
        out: list[tuple[str, int, int]] = []
        for i in itertools.compress(range(n), map(self._starters.__contains__, lower)):
            if i < skip_to:
                continue
            word = lower[i]
            found = None
            following = multi.get(word)
            if following is not None and i + 1 < n:
                for phrase, label in following.get(lower[i + 1], ()):
                    k = len(phrase)
                    if i + k <= n and all(p == WILDCARD or p == lower[i + m]
                                          for m, p in enumerate(phrase[2:], 2)):
                        found = (label, i, i + k)
                        break
            if found is None and word in single:
                found = (single[word], i, i + 1)
            if found:
                out.append(found)
                skip_to = found[2]
        return out
