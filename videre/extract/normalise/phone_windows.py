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
# Sound-alikes of digits: two or more written together ("ohate"), or one standing alone just
# before digits ("oh 728 86 ...") or just after them ("... 162 won"). One starting letter and
# its rest, then more of them or the digits; a letter before the match is tested apart (a
# lookbehind first would be slow).
_SOUNDS = re.compile(r"[tfwao](?:(?<=[0-9] .)(?:oo|o|u|ore|or|on|te|h|)(?![^\W\d_])|"
                     r"(?:oo|o|u|ore|or|on|te|h|)(?:(?:too|tu|to|fore|for|won|ate|oh|o)+(?![^\W\d_])|(?= {1,2}[0-9])))")
_SOUNDS_GLUED = re.compile(r"[tfwao](?:oo|o|u|ore|or|on|te|h|)(?:too|tu|to|fore|for|won|ate|oh|o)+(?![^\W\d_])")
LONE_SOUND_DIGITS = 6     # digits near a lone sound-alike that make it a cause to look


def windows(lowered: str, words: Sequence[str], langs: tuple[str, ...],
            covered: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where the text may hold a mixed number: around its number words, and around digits
    written together with number words or look-alikes ("17four0", "3o") or with "!" / "|"
    between them. Spans to read, merged; most ads have none ("1h", "30min", "19yo" are no
    cause). Anchors inside `covered` (numbers already read) are none either."""
    trigger = nw.trigger_words(langs)
    has_digit = _DIGIT.search(lowered) is not None
    lone: list[tuple[int, int]] = []
    # Sound-alikes: "07 to ohate 33 towonfore" where nothing else sends the mixed reader; lone
    # ones beside digits ("oh 728 86 899 7", "079 959 162 won") only where the main reader
    # read no number (one regex pass fewer on most ads).
    if trigger.isdisjoint(words):
        found: set[str] = set()
        if not has_digit:
            return []   # most ads: C-speed tests
        if not _TRIGGER.search(lowered):
            found, lone = _sounds(lowered, not covered)
            found |= _glued(words, langs, trigger)   # "nollsju 310 0040 sex"
            if not found and not lone:
                return []
        elif not covered:
            found, lone = _sounds(lowered, True)
    else:
        found = set(trigger.intersection(words))
        # Looked for beside a number word written alone ("noll, sjuttiotvå, ...") or digits.
        found |= _glued(words, langs, trigger)
        if has_digit and not covered:
            glued_sounds, lone = _sounds(lowered, True)
            found |= glued_sounds
    if 0 < len(found) < WORDS_WITHOUT_DIGITS and not has_digit:
        return []   # "one night, two girls": too few words for a number, and no digits
    spans_at = [(k, k + len(word)) for word in found for k in _occurrences(lowered, word)] + lone
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


def _sounds(lowered: str, alone: bool) -> tuple[set[str], list[tuple[int, int]]]:
    """Sound-alikes written together ("ohate", as words to look for), and, if `alone`, where
    one stands alone beside digits with LONE_SOUND_DIGITS digits around it ("for 2 hours" has
    too few)."""
    glued: set[str] = set()
    lone: list[tuple[int, int]] = []
    for m in (_SOUNDS if alone else _SOUNDS_GLUED).finditer(lowered):
        start, end = m.span()
        word = m.group()
        if start and lowered[start - 1].isalpha():
            continue
        if word in nw.HOMOPHONES:
            near = lowered[max(0, start - WIDTH // 2):end + WIDTH // 2]
            if sum(map(str.isdigit, near)) >= LONE_SOUND_DIGITS:
                lone.append((start, end))
        elif nw.glued_homophones(word):
            glued.add(word)
    return glued, lone


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
        before = _CHUNK_BEFORE.search(lowered, max(0, s - 24), s)
        if before and _part_of_number(before.group(1), lexicon, langs):
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
_CHUNK_BEFORE = re.compile(r"([^\W_]+)[\s,.-]*$")


def _part_of_number(chunk: str, lexicon: dict[str, dict[str, nw.Entry]], langs: tuple[str, ...]) -> bool:
    """A number word ("två"), digits written together with number words or look-alikes
    ("oh7"), or a lone digit ("0 0 4 8 6 dziewięć ...", read as "0 4 8 6 ..."): what stands
    before a number makes it a fragment of a mixed one."""
    if chunk in lexicon or (len(chunk) == 1 and chunk.isdigit()):
        return True
    letters = _LETTER_RUN.findall(chunk)
    return bool(letters) and len(chunk) > sum(map(len, letters)) and all(
        nw.split_words(run, langs) is not None for run in letters)


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
