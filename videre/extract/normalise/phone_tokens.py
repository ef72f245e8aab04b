"""Reading text into digit tokens: the first, fast half of phone extraction.

A regex pass finds stretches that could hold a number (digits in any Unicode style once folded,
digit words, look-alike letters, joined by short separators); only those are split into tokens,
each linked to the one before by the kind of gap between them. Quantities ("23 år", "1500 kr")
and "24/7" become breaks, not digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress

from rapidfuzz.distance import Levenshtein

from videre.extract.normalise import numerals

MIN_WINDOW_DIGITS = 7
GLUED_MAX_CHARS = 60       # longest run of letters read as digit words written together
MAX_GAP = 8                 # separator characters allowed between two tokens of one number


@dataclass(slots=True)
class Token:
    """One digit-bearing piece of the folded text; `digits` is what it reads as."""

    start: int
    end: int
    digits: str
    kind: str                         # "digits" | "word" | "look" | "plus" | "unit" (a quantity)
    langs: frozenset[str] = frozenset()
    weak: bool = False                # only a digit with digits around it
    gap: str = "break"                # link to the previous token: glued|weak|strong|break


def _token_pattern(lowered: bool) -> str:
    words = sorted(numerals.word_table(), key=len, reverse=True)
    trie = numerals.trie_pattern(words)
    word = trie if lowered else f"(?i:{trie})"
    piece = f"(?:{trie}|[oli])" if lowered else f"(?:(?i:{trie})|[oOlIi])"
    plus_word = "plus" if lowered else "(?i:plus)"
    # Letters: digit words and look-alikes, matched greedily piece by piece; or, where greed
    # fails on words written together ("zeroone": "zeroo" + ?), a whole longer run that starts
    # with a digit word, which `split_pieces` then splits properly (or rejects).
    letters = rf"{piece}++(?![^\W\d_])|(?={word})[^\W\d_]{{6,{GLUED_MAX_CHARS}}}+(?![^\W\d_])"
    return (rf"(?P<plus>\+|(?<![^\W\d_]){plus_word}(?![^\W\d_]))"
            r"|(?P<digits>[0-9]++)"
            rf"|(?P<letters>(?<![^\W\d_])(?:{letters}))"
            r"|(?P<bang>(?<=[0-9])[!|](?=[0-9]))")


@cache
def token_regex(lowered: bool = True) -> re.Pattern[str]:
    """Digit-bearing pieces: a plus, digits, letters that spell digits or look like them, and
    `!`/`|` between digits. Run over lower-cased text (the fast path) unless `lowered` is False."""
    return re.compile(_token_pattern(lowered))


@cache
def cluster_regex(lowered: bool = True) -> re.Pattern[str]:
    """Pieces joined by short runs of non-word characters: the stretches worth a closer look."""
    tok = re.sub(r"\(\?P<\w+>", "(?:", _token_pattern(lowered))
    # Every piece starts with one of these characters, and a letter piece only at the start of a
    # word. Testing that first spares the engine trying each branch at every character of prose.
    letters = re.escape("".join(sorted({w[0] for w in numerals.word_table()} | set("olip"))))
    letters = f"[{letters}]" if lowered else f"(?i:[{letters}])"
    guard = rf"(?=[+0-9!|]|(?<![^\W\d_]){letters})"
    return re.compile(rf"{guard}(?:{tok})(?:[\W_]{{0,{MAX_GAP}}}(?:{tok}))*+")


LETTERS = re.compile(r"[^\W\d_]+")
HAS_DIGIT = re.compile(r"[0-9]")
_FUZZY_GAP = re.compile(r"[^\w]{0,3}[^\W\d_]{4,8}[^\w]{0,3}")
_FUZZY_WORD = re.compile(r"[^\w]{0,3}([^\W\d_]{4,8})[^\w]{0,3}")


# Digits (with look-alikes glued on) joined by short separators. It starts with a character
# class, which lets the regex engine skip prose fast; only around its longer matches, or in a
# text with many digit words, does the full scan run.
_DIGIT_STRETCH = re.compile(r"[+0-9][0-9oli!|]*+(?:[\W_]{1,8}[+0-9oli!|][0-9oli!|]*+)*+")
DIGIT_STRETCH_MIN = 6
WINDOW = 24              # characters either side of a digit stretch where digit words may join it
SPELLED_MIN_WORDS = 5    # digit words needed before a text is read for all-word numbers
_SPACE = re.compile(r"\s")


def _regions(lowered: str, spelled: bool) -> list[tuple[int, int]]:
    """Where to look closely: all of the text, or the surroundings of each digit stretch."""
    if spelled:
        return [(0, len(lowered))]
    regions: list[tuple[int, int]] = []
    for m in _DIGIT_STRETCH.finditer(lowered):
        start, end = m.span()
        if end - start < DIGIT_STRETCH_MIN:
            continue
        lo, hi = max(0, start - WINDOW), min(len(lowered), end + WINDOW)
        # Widen to whitespace so that no word is cut in half at the edge.
        lo = max(lowered.rfind(" ", 0, lo), lowered.rfind("\n", 0, lo)) + 1
        space = _SPACE.search(lowered, hi)
        hi = space.start() if space else len(lowered)
        if regions and lo <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(hi, regions[-1][1]))
        else:
            regions.append((lo, hi))
    return regions


GLUED_MIN_CHARS = 12    # a word this long may be digit words written together


def count_digit_words(words: Iterable[str]) -> int:
    """How many of these lower-case words spell a digit and nothing else ("noll", "seven"; not
    "to", "for", "en", nor look-alike letters), counting the pieces of digit words written
    together ("nollsjunollettsju...")."""
    if not isinstance(words, (list, tuple)):
        words = list(words)
    strong = numerals.strong_words()
    count = 0 if strong.isdisjoint(words) else sum(map(strong.__contains__, words))
    prefixes = numerals.word_prefixes()
    # Only the long words are looked at in Python; picking them out runs at C speed.
    for word in compress(words, map(GLUED_MIN_CHARS.__le__, map(len, words))):
        if word[:3] in prefixes:
            pieces = numerals.split_pieces(word)
            if pieces:
                count += len(pieces)
    return count


def lowered_scan(scan: str, lowered: str | None = None) -> tuple[str, bool]:
    """The text the piece regexes run on, and whether it is lower-cased: it is, unless
    lower-casing changes its length (a few characters such as "İ" become two), which would
    shift every span; then the case-insensitive patterns run on the scan text itself.
    `lowered`: scan.lower(), when the caller has it."""
    if lowered is None:
        lowered = scan.lower()
    return (lowered, True) if len(lowered) == len(scan) else (scan, False)


def clusters(lowered: str, fast: bool, spelled: bool) -> list[tuple[int, int]]:
    """Spans of pieces close enough to be one number and long enough to hold one.

    Cheap on purpose: most ads have a few lone digits (ages, prices) that end here. `spelled`:
    the text has enough digit words for an all-word number, so all of it is read; otherwise only
    the surroundings of digit stretches. Two groups with one misspelt word between them
    ("seven fuor zero") are joined. `lowered` and `fast` come from `lowered_scan`.
    """
    spans: list[list[int]] = []
    pattern = cluster_regex(fast)
    for lo, hi in _regions(lowered, spelled):
        for m in pattern.finditer(lowered, lo, hi):
            start, end = m.span()
            if (spans and lowered[start].isalpha() and lowered[spans[-1][1] - 1].isalpha()
                    and _FUZZY_GAP.fullmatch(lowered, spans[-1][1], start)):
                spans[-1][1] = end
            elif not spans or start >= spans[-1][1]:
                spans.append([start, end])
    return [(start, end) for start, end in spans if end - start >= MIN_WINDOW_DIGITS]


def pieces(lowered: str, fast: bool, start: int, end: int) -> list[re.Match[str]]:
    """The pieces of one cluster, for `tokenize`."""
    return list(token_regex(fast).finditer(lowered, start, end))


@lru_cache(maxsize=4096)
def _classify_gap(gap: str) -> str:
    """glued (nothing between), weak (a separator), strong (a line break, "; ", " / ": two
    numbers more likely than one), or break (letters, or too wide)."""
    if not gap:
        return "glued"
    if len(gap) > MAX_GAP or gap.count("\n") > 1 or any(c.isalnum() for c in gap):
        return "break"
    has_space = any(c.isspace() for c in gap)
    if ("\n" in gap or ";" in gap or ":" in gap or len(gap) > 4
            or (has_space and ("," in gap or "/" in gap or "|" in gap))):
        return "strong"
    return "weak"


@lru_cache(maxsize=4096)
def _letter_pieces(chunk: str) -> tuple[tuple[int, int, str, str, frozenset[str], bool], ...]:
    """(start, end, digit, kind, languages, weak) for the digit words and look-alikes a run of
    letters is made of, or () when it is a word. Cached: ads use a handful of such runs."""
    pieces = numerals.split_pieces(chunk.lower())
    if not pieces:
        return ()
    table = numerals.word_table()
    out = []
    for i, j, kind in pieces:
        piece = chunk[i:j]
        if kind == "word":
            word = piece.lower()
            digit, langs = table[word]
            out.append((i, j, digit, "word", langs, word in numerals.HOMOPHONES))
        elif piece in numerals.LOOKALIKES:
            out.append((i, j, numerals.LOOKALIKES[piece], "look", frozenset(), True))
        else:
            return ()  # "L" is no look-alike, so the chunk is a word, not digits
    return tuple(out)


def _letter_tokens(scan: str, start: int, end: int) -> list[Token]:
    """The digit words and look-alikes a run of letters is made of, or none."""
    if end - start > GLUED_MAX_CHARS:
        return []   # too long to be digits written together (and to be a cache key)
    return [Token(start + i, start + j, digit, kind, langs, weak)
            for i, j, digit, kind, langs, weak in _letter_pieces(scan[start:end])]


def _fuzzy_word(gap: str) -> tuple[int, int, str] | None:
    """A misspelt digit word alone in a gap: (offset, end, digit), if exactly one digit fits."""
    m = _FUZZY_WORD.fullmatch(gap)
    if not m:
        return None
    word = m.group(1).lower()
    digits = {d for w, (d, _) in numerals.word_table().items()
              if len(w) >= 4 and w not in numerals.HOMOPHONES and Levenshtein.distance(word, w) <= 1}
    if len(digits) != 1:
        return None
    return m.start(1), m.end(1), digits.pop()


# A short number with a unit is a quantity ("23 år", "1500 kr", "55 kg"), and "24/7" is a
# phrase: neither can be part of a phone number, so they split a stretch of digits.
_UNIT_AFTER = re.compile(r"[ \t]?(?:år|års|åring|years?|yrs|yo|kr|kronor|sek|:-|eur|euro|usd|cm|kg|%)"
                         r"(?!\w)", re.IGNORECASE)
_ROUND_THE_CLOCK = re.compile(r"24[/-]7(?![0-9])")
QUANTITY_MAX_DIGITS = 4
_UNIT_STARTS = frozenset(" \tåÅyYkKsSeEuUcC:%")   # first characters of the units: a cheap pre-test


def is_quantity(scan: str, start: int, end: int) -> bool:
    """Is the short number scan[start:end] a quantity ("23 år", "1500 kr") or part of "24/7"?"""
    if end - start > QUANTITY_MAX_DIGITS:
        return False
    if end - start == 2 and _ROUND_THE_CLOCK.match(scan, start):
        return True
    return scan[end:end + 1] in _UNIT_STARTS and bool(_UNIT_AFTER.match(scan, end))


def tokenize(scan: str, cluster: list[re.Match[str]]) -> list[Token]:
    """The digit-bearing tokens of one cluster, each linked to the one before."""
    tokens: list[Token] = []
    clock_end = -1
    for m in cluster:
        kind = m.lastgroup
        start, end = m.span()
        if kind == "digits":
            if start < clock_end or is_quantity(scan, start, end):
                if _ROUND_THE_CLOCK.match(scan, start):
                    clock_end = start + 4
                new = [Token(start, end, "", "unit")]
            else:
                new = [Token(start, end, m.group(), "digits")]
        elif kind == "letters":
            new = _letter_tokens(scan, start, end)
        elif kind == "plus":
            new = [Token(start, end, "", "plus")]
        else:  # "bang": ! or | between digits
            new = [Token(start, end, "1", "look")]
        for tok in new:
            if tokens:
                prev = tokens[-1]
                gap = scan[prev.end:tok.start]
                tok.gap = _classify_gap(gap)
                if tok.gap == "break" and prev.kind == "word" and tok.kind == "word":
                    fuzzy = _fuzzy_word(gap)
                    if fuzzy:
                        s, e, d = fuzzy
                        mid = Token(prev.end + s, prev.end + e, d, "word", frozenset(), True, "weak")
                        tokens.append(mid)
                        tok.gap = _classify_gap(scan[mid.end:tok.start])
            tokens.append(tok)
    return tokens
