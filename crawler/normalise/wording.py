"""One pass over an ad's words, shared by every reader of wording (indicators, languages, places,
incall/outcall, names, ages), and a phrase index that finds many phrases in that one pass.

Words are lower-cased; their spans index the original text, so callers can still look at the
case of the original (a capitalised place name, English "I").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping

_WORD = re.compile(r"\w+(?:['’]\w+)?|%|\+")
WILDCARD = "*"


class Words:
    """The words of one text: lower-cased eagerly (a C-speed split), spans only when asked for
    (most words never need one)."""

    __slots__ = ("text", "lower", "_scan", "_spans")

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        # A few characters lower-case to two (İ); then split the original to keep spans exact.
        self._scan = lowered if len(lowered) == len(text) else text
        found = _WORD.findall(self._scan)
        self.lower: list[str] = found if self._scan is lowered else [w.lower() for w in found]
        self._spans: list[tuple[int, int]] | None = None

    def __len__(self) -> int:
        return len(self.lower)

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self._scan)]
        return self._spans

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Character span of words i..j-1."""
        spans = self.spans
        return spans[i][0], spans[j - 1][1]

    def original(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start:end]

    def between(self, i: int, j: int) -> str:
        """The text between the end of word i and the start of word j."""
        spans = self.spans
        return self.text[spans[i][1]:spans[j][0]]


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
    one word (the caller checks it). Longer phrases are looked up by their first two words, so a
    common first word ("i", "my") costs one dictionary probe.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        self._single: dict[str, str] = {}
        self._multi: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for label, specs in phrases.items():
            for spec in specs:
                for phrase in _expand(spec):
                    if len(phrase) == 1:
                        self._single.setdefault(phrase[0], label)
                    else:
                        if WILDCARD in phrase[:2]:
                            raise ValueError(f"{spec!r}: `*` may not be one of the first two words")
                        self._multi.setdefault(phrase[:2], []).append((phrase, label))
        for entries in self._multi.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._starters = frozenset(self._single) | {first for first, _ in self._multi}

    def find(self, ws: Words) -> list[tuple[str, int, int]]:
        """(label, first word, end word) for each match, left to right, not overlapping."""
        lower = ws.lower
        n = len(lower)
        skip_to = 0
        out: list[tuple[str, int, int]] = []
        for i in [i for i, w in enumerate(lower) if w in self._starters]:
            if i < skip_to:
                continue
            found = None
            if i + 1 < n:
                for phrase, label in self._multi.get((lower[i], lower[i + 1]), ()):
                    k = len(phrase)
                    if i + k <= n and all(p == WILDCARD or p == lower[i + m]
                                          for m, p in enumerate(phrase[2:], 2)):
                        found = (label, i, i + k)
                        break
            if found is None and lower[i] in self._single:
                found = (self._single[lower[i]], i, i + 1)
            if found:
                out.append(found)
                skip_to = found[2]
        return out
