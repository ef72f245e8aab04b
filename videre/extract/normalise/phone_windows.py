"""Where a text may hold a number written in mixed digits and number words: the cheap first
step of the mixed reader (`phone_mixed`), which reads only these spans. docs/phones.md says
what is looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import compress

from videre.extract.normalise import number_words as nw

WIDTH = 40                # characters either side of a cause that are read
GLUED_MIN = 6             # a word this long may be number words written together
WORDS_WITHOUT_DIGITS = 3  # different number words a number written in words alone needs

# A digit glued to a letter, or digits around "!" / "|": written by hand to dodge filters.
_TRIGGER = re.compile(r"[0-9](?:(?=[^\W\d_])|(?<=[^\W\d_\s][0-9])|[!|](?=[0-9]))")
_DIGIT = re.compile(r"[0-9]")
# Two or more sound-alikes written together ("ohate"): one starting letter and its rest, then
# more of them; a letter before the match is tested apart (a lookbehind first would be slow).
_HOMOPHONES_GLUED = re.compile(r"[tfwao](?:oo|o|u|ore|or|on|te|h|)(?:too|tu|to|fore|for|won|ate|oh|o)+(?![^\W\d_])")


def windows(lowered: str, words: Sequence[str], langs: tuple[str, ...],
            covered: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where the text may hold a mixed number: around its number words, and around digits
    written together with number words or look-alikes ("17four0", "3o") or with "!" / "|"
    between them. Spans to read, merged; most ads have none ("1h", "30min", "19yo" are no
    cause). Anchors inside `covered` (numbers already read) are none either."""
    trigger = nw.trigger_words(langs)
    if trigger.isdisjoint(words):
        found: set[str] = set()
        if not _TRIGGER.search(lowered):
            if not _DIGIT.search(lowered):
                return []   # most ads: C-speed tests
            # "07 to ohate 33 towonfore", "nollsju 310 0040 sex"
            found = {m.group() for m in _HOMOPHONES_GLUED.finditer(lowered)
                     if not (m.start() and lowered[m.start() - 1].isalpha())
                     and nw.glued_homophones(m.group())} | _glued(words, langs, trigger)
            if not found:
                return []
    else:
        found = set(trigger.intersection(words))
        # Looked for beside a number word written alone ("noll, sjuttiotvå, ...") or digits.
        found |= _glued(words, langs, trigger)
    if 0 < len(found) < WORDS_WITHOUT_DIGITS and not _DIGIT.search(lowered):
        return []   # "one night, two girls": too few words for a number, and no digits
    spans_at = [(k, k + len(word)) for word in found for k in _occurrences(lowered, word)]
    for m in _TRIGGER.finditer(lowered):
        pos = m.start()
        end = pos + 2 if m.end() - pos == 2 else _glued_word(lowered, pos, langs)
        if end:
            spans_at.append((pos, end))
    anchors = sorted(a for a, b in spans_at if not any(s <= a and b <= e for s, e in covered))
    if not anchors:
        return []
    spans: list[tuple[int, int]] = []
    for a in anchors:
        lo, hi = max(0, a - WIDTH), min(len(lowered), a + WIDTH)
        lo = lowered.rfind(" ", 0, lo) + 1 if lo else 0
        space = lowered.find(" ", hi)
        hi = len(lowered) if space < 0 else space
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return _cut(spans, covered, lowered, langs) if covered else spans


def _glued(words: Sequence[str], langs: tuple[str, ...], trigger: frozenset[str]) -> set[str]:
    """Number words written together ("sjuttiofyra", "nollsjunoll"): they count as the words
    they are."""
    starts = nw.prefixes(langs)
    out = set()
    for word in compress(words, map(GLUED_MIN.__le__, map(len, words))):
        if word[:3] in starts and word not in trigger and word.isalpha():
            parts = nw.split_words(word, langs)
            if parts and len(parts) > 1:
                out.add(word)
    return out


def _cut(spans: list[tuple[int, int]], covered: Sequence[tuple[int, int]],
         lowered: str, langs: tuple[str, ...]) -> list[tuple[int, int]]:
    """The spans without the numbers already read, so no number is read from the middle of
    one; except a number written together with what follows or precedes it ("310 555
    2thousand") or just after a number word ("0 seven 0 8 5 9 två ett 3 2"), which may be a
    fragment of a mixed one."""
    out = list(spans)
    lexicon = nw.lexicon(langs)
    for s, e in covered:
        if (s and lowered[s - 1].isalnum()) or (e < len(lowered) and lowered[e].isalnum()):
            continue
        before = _WORD_BEFORE.search(lowered, max(0, s - 24), s)
        if before and before.group(1) in lexicon:
            continue
        cut: list[tuple[int, int]] = []
        for lo, hi in out:
            if e <= lo or hi <= s:
                cut.append((lo, hi))
                continue
            if lo < s:
                cut.append((lo, s))
            if e < hi:
                cut.append((e, hi))
        out = cut
    return out


def _occurrences(lowered: str, word: str) -> Iterator[int]:
    """Where `word` stands as a word of its own (no letter either side)."""
    k = lowered.find(word)
    while k >= 0:
        end = k + len(word)
        if not (k and lowered[k - 1].isalpha()) and not (end < len(lowered) and lowered[end].isalpha()):
            yield k
        k = lowered.find(word, end)


_LETTER_RUN = re.compile(r"[^\W\d_]+")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s,.-]*$")


def _glued_word(lowered: str, pos: int, langs: tuple[str, ...]) -> int:
    """Where the digit at `pos` and the letters written together with it end, if those
    letters are number words or look-alikes ("2thousand", "o7"); else 0."""
    after = _LETTER_RUN.match(lowered, pos + 1)
    if after and nw.split_words(after.group(), langs) is not None:
        return after.end()
    k = pos
    while k and lowered[k - 1].isalpha():
        k -= 1
    return pos + 1 if k < pos and nw.split_words(lowered[k:pos], langs) is not None else 0
