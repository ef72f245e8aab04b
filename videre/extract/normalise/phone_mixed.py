"""Numbers written in a mix of digits and number words: "0 7 0 ett seven 4 noll 6 three 0",
"070one7four06three0", "o7o won7for o6 3o", "noll sjuttio, sjutton, fyrtio, sex, trettio",
"310 555 2thousand", "0!70!17!40!63!0".

The main reader (`phones`) reads one language's digit words at a time; this one reads every
allowed language's units, teens, tens, hundreds and thousands (`number_words`), glued or apart,
and validates with phonenumbers. It looks only where the text gives it cause: enough number
words, or digits glued to letters or to "!"/"|". docs/phones.md describes what is read and what
stays negative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from videre.extract.normalise import number_words as nw
from videre.extract.normalise.mixed_tokens import Tok, firm_weak, resolve_words, runs, tokens
from videre.extract.normalise.phone_plain import (
    DATE_OR_TIME,
    DATED,
    MAX_WINDOW_DIGITS,
    in_hours,
    readings,
    start_digits,
    validate,
)
from videre.extract.normalise.phone_tokens import MIN_WINDOW_DIGITS
from videre.extract.normalise.phone_windows import windows
from videre.extract.normalise.results import PhoneHit

MAX_READINGS = 16
MAX_RUN_TOKENS = 200
# "too" read as "to" + "o" (20) is less likely than a lone homophone starting or ending a
# number: a reading needs two fewer of those to prefer it.
SPLIT_COST = 2
LIKELY_PROSE = 3

@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    digits: str
    mixed: bool          # written with a word, a look-alike or an unusual separator
    plus: bool = False
    glued: bool = False  # nothing between it and the piece before
    loose: bool = False  # a number starts or ends on it only as a less likely reading
    split: bool = False  # a homophone read as two pieces ("too" as 20)
    apart: bool = False  # a ten read apart from the unit after it ("seventy four" as 70 4)


def _number(tok: Tok) -> int | None:
    if tok.kind == "dig" and len(tok.text) <= 3:
        return int(tok.text)
    if tok.kind == "word" and tok.wkind in ("unit", "teen", "ten"):
        return tok.value
    return None


def _options(toks: list[Tok | None], k: int) -> list[tuple[int, _Piece | None]]:
    """How the tokens from k on may start: (index after, piece), the likelier first."""
    tok = toks[k]
    if tok is None or tok.wkind == "join":
        return [(k + 1, None)]
    if tok.kind == "plus":
        return [(k + 1, _Piece(tok.start, tok.end, "", False, True))]
    out: list[tuple[int, _Piece | None]] = []
    nxt = _at(toks, k + 1)
    times = nxt is not None and nxt.wkind == "mult" and nxt.gap in ("glued", "tight")
    if tok.kind in ("dig", "look"):
        base = _number(tok)
        if base is not None and times:
            out += [(end, _Piece(tok.start, _end(toks, end), digits, True))
                    for end, digits in _multiplied(toks, k, base)]
        return out + [(k + 1, _Piece(tok.start, tok.end, tok.text, tok.kind == "look" or tok.odd))]
    if tok.wkind == "mult":
        return [(end, _Piece(tok.start, _end(toks, end), digits, True))
                for end, digits in _multiplied(toks, k, 1)]
    if times:
        out += [(end, _Piece(tok.start, _end(toks, end), digits, True))
                for end, digits in _multiplied(toks, k, tok.value)]
    if tok.wkind == "ten":
        unit, end = _unit_after(toks, k)
        if unit is not None:
            out.append((end, _Piece(tok.start, _end(toks, end), str(tok.value + unit), True)))
            after = toks[k + 1]
            # "seventy four" may be 70 4; "seventy-four" and "sjuttiofyra" are 74.
            if end == k + 2 and after is not None and after.gap != "glued" and not after.hyphen:
                out.append((k + 1, _Piece(tok.start, tok.end, str(tok.value), True, apart=True)))
            return out
    out.append((k + 1, _Piece(tok.start, tok.end, str(tok.value), True)))
    if tok.text in nw.TWO_PIECES:
        out.append((k + 1, _Piece(tok.start, tok.end, nw.TWO_PIECES[tok.text], True, split=True)))
    return out


def _glue(tok: Tok, k: int, options: list[tuple[int, _Piece | None]]) -> list[tuple[int, _Piece | None]]:
    """Mark the pieces starting at token k: written together with the one before; loose."""
    for end, piece in options:
        if piece is not None:
            piece.glued = tok.gap == "glued"
            piece.loose = tok.loose and end == k + 1
    return options


def _end(toks: list[Tok | None], end: int) -> int:
    return toks[end - 1].end  # type: ignore[union-attr]


def _readings(toks: list[Tok | None]) -> list[list[_Piece | None]]:
    """The ways the tokens read as digit pieces, at most MAX_READINGS: "seventy four" as 74
    first, then as 70 4."""
    results: list[list[_Piece | None]] = []
    stack: list[tuple[int, list[_Piece | None]]] = [(0, [])]
    while stack and len(results) < MAX_READINGS:
        k, acc = stack.pop()
        while k < len(toks):
            tok = toks[k]
            options = _options(toks, k)
            first, *others = options if tok is None else _glue(tok, k, options)
            for end, piece in reversed(others):
                stack.append((end, acc + [piece]))
            k, acc = first[0], acc + [first[1]]
        results.append(acc)
    return results


def _at(toks: list[Tok | None], k: int) -> Tok | None:
    return toks[k] if 0 <= k < len(toks) else None


def _unit_after(toks: list[Tok | None], k: int) -> tuple[int | None, int]:
    """A unit word 1-9 that makes a compound with the ten at k ("sjuttiofyra", "seventy-four",
    "treinta y cuatro"), and the index after it."""
    nxt = _at(toks, k + 1)
    if nxt is None or nxt.gap not in ("glued", "tight"):
        return None, k + 1
    if nxt.wkind == "join":
        after = _at(toks, k + 2)
        if after is not None and after.kind == "word" and after.wkind == "unit" and 0 < after.value < 10 \
                and after.gap in ("glued", "tight"):
            return after.value, k + 3
        return None, k + 1
    if nxt.kind == "word" and nxt.wkind == "unit" and 0 < nxt.value < 10:
        return nxt.value, k + 2
    return None, k + 1


def _multiplied(toks: list[Tok | None], k: int, base: int) -> Iterator[tuple[int, str]]:
    """"two hundred forty", "2thousand", "sam sip hok": (index after, digits), longest first."""
    m = k if toks[k].wkind == "mult" else k + 1  # type: ignore[union-attr]
    mult = toks[m].value  # type: ignore[union-attr]
    value = base * mult
    add = _at(toks, m + 1)
    if add is not None and add.gap in ("glued", "tight") and add.kind == "word":
        small = add.value if add.wkind in ("unit", "teen", "ten") else None
        if small is not None and small < mult:
            end = m + 2
            if add.wkind == "ten":
                unit, after = _unit_after(toks, m + 1)
                if unit is not None:
                    small, end = small + unit, after
            yield end, str(value + small)
    yield m + 1, str(value)


def _hits(pieces: list[_Piece | None], text: str, field: str, region: str,
          lenient: bool) -> tuple[list[PhoneHit], int, int]:
    """Numbers in one reading, left to right: at each start, the longest window that validates;
    how unlikely the pieces they read are (a lone homophone starting or ending a number, "too"
    as 20: `_end_cost`, SPLIT_COST); and how many tens they read apart from the unit after."""
    out: list[PhoneHit] = []
    unlikely = aparts = 0
    starts = start_digits(region)
    segs: list[list[_Piece]] = [[]]
    for p in pieces:
        if p is None:
            segs.append([])
        else:
            segs[-1].append(p)
    for seg in segs:
        i = 0
        while i < len(seg):
            found = _window(seg, i, starts, region, lenient, text)
            if found is not None and seg[i].loose:   # "o 0701740605": the digits alone first
                after = _window(seg, i + 1, starts, region, lenient, text) if i + 1 < len(seg) else None
                if after is not None:
                    i, found = i + 1, after
            if found is None:
                i += 1
                continue
            j, e164, country, end_cost = found
            unlikely += seg[i].loose + end_cost + SPLIT_COST * sum(p.split for p in seg[i:j + 1])
            aparts += sum(p.apart for p in seg[i:j + 1])
            start = seg[i].start
            raw = text[start:seg[j].end]
            out.append(PhoneHit(e164, raw, field, start, seg[j].end, _methods(raw),
                                country))
            i = j + 1
    return out, unlikely, aparts


def _window(seg: list[_Piece], i: int, starts: frozenset[str] | None, region: str, lenient: bool,
            text: str) -> tuple[int, str, str, int] | None:
    """The longest number starting at piece i: (last piece, E.164, country, cost of ending
    there), or None."""
    intl = seg[i].plus
    first = i + 1 if intl else i
    if first >= len(seg) or not seg[first].digits:
        return None
    lead = seg[first].digits[0]
    if not intl and starts is not None and lead not in starts and not seg[first].digits.startswith("00"):
        return None
    total, ends = 0, []
    for j in range(first, len(seg)):
        if seg[j].plus:
            break
        total += len(seg[j].digits)
        if total > MAX_WINDOW_DIGITS:
            break
        if total >= MIN_WINDOW_DIGITS:
            ends.append(j)
    if i > 0 and seg[i].glued:
        return None   # "12O701740605": no number starts inside letters and digits written together
    # Where no trunk prefix marks a national number (ES, PL, US), only a whole stretch is one.
    whole_only = starts is None and not intl
    if whole_only and any(not p.loose for p in seg[:i]):
        return None
    last = max((k for k, p in enumerate(seg) if not p.loose), default=-1)
    # A number ends on a lone homophone ("... 9too ate") only when it cannot end before it.
    tries = [(0, j) for j in reversed(ends) if not seg[j].loose] + sorted(
        (cost, j) for j in reversed(ends) if seg[j].loose
        for cost in [_end_cost(seg, first, j, text)] if cost)
    for cost, j in tries:
        if j + 1 < len(seg) and seg[j + 1].glued:
            continue
        if whole_only and j < last:
            continue
        window = seg[first:j + 1]
        if not any(p.mixed for p in window):
            continue   # plain digits: the main reader's (and its negatives')
        digits = "".join(p.digits for p in window)
        raw = text[seg[i].start:seg[j].end]
        if not intl and (DATE_OR_TIME.fullmatch(raw) or DATED.match(raw)
                         or in_hours(text, seg[i].start, seg[j].end)):
            continue
        for candidate in readings(digits, intl, lambda: lenient, region):
            found = validate(candidate, region)
            if found:
                return j, found[0], found[1], cost
    return None


def _end_cost(seg: list[_Piece], first: int, j: int, text: str) -> int:
    """How unlikely a number ending on the lone homophone seg[j] is (0: it does not). "ate",
    "fore", "won", "oh" and any at a sentence's end: 1. "to", "too", "for", "o" mid-sentence,
    after a number hidden before them too: 1 before a word that starts a clause ("... 6 to no
    withheld numbers", "... 5 for and I"), else LIKELY_PROSE, more than "too" as 20 ("... 8forate
    5 for details"). "... 06 05 for details" keeps ten digits; "I" never ends one."""
    word = text[seg[j].start:seg[j].end].lower()
    if _SENTENCE_END.match(text, seg[j].end) or word in nw.TRAILING_HOMOPHONES:
        return 1
    if word not in nw.HOMOPHONES or not any(p.mixed for p in seg[first:j]):
        return 0
    after = _NEXT_WORD.match(text, seg[j].end)
    return 1 if after and after.group(1).lower() in nw.CLAUSE_STARTS else LIKELY_PROSE


_SENTENCE_END = re.compile(r"\s*(?:$|[^\w\s])")
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
_LOOK = re.compile(r"(?<![^\W\d_])[oOlIi](?![^\W\d_])|(?<=[0-9])[oOlIi](?![^\W\d_])|"
                   r"(?<![^\W\d_])[oOlIi](?=[0-9])")


def _methods(raw: str) -> tuple[str, ...]:
    """How the number was hidden: words, look-alike letters (an O or l standing alone or
    against digits), unusual separators."""
    methods = []
    if any(c.isalpha() and c not in "oOlIi" for c in raw):
        methods.append("words")
    if _LOOK.search(raw):
        methods.append("lookalike")
    if any(not c.isalnum() and c not in "+ -./()," for c in raw):
        methods.append("separators")
    return tuple(methods)


def find_mixed(text: str, lowered: str, words: Sequence[str], field: str, region: str,
               hint: tuple[str, ...], lenient: bool, found: Sequence[PhoneHit] = ()) -> list[PhoneHit]:
    """Numbers written with number words and digits mixed, in the spans `windows` picks.
    `lowered`: the folded text lower-cased, as long as `text`. `found`: numbers the main
    reader has read; nothing inside them is a cause to look again."""
    langs = nw.allowed_languages(hint + nw.number_languages(words), region)
    hits: list[PhoneHit] = []
    for lo, hi in windows(lowered, words, langs, [(h.start, h.end) for h in found]):
        for s, e, e164, methods, country in _read_window(text[lo:hi], lowered[lo:hi], region,
                                                         langs, lenient):
            hits.append(PhoneHit(e164, text[lo + s:lo + e], field, lo + s, lo + e, methods, country))
    return hits


@lru_cache(maxsize=4096)
def _read_window(text: str, lowered: str, region: str, langs: tuple[str, ...],
                 lenient: bool) -> tuple[tuple[int, int, str, tuple[str, ...], str], ...]:
    """(start, end, E.164, methods, country) of the numbers in one window. Cached: a seller's
    hidden number recurs verbatim across her ads."""
    out: list[PhoneHit] = []
    for run in runs(tokens(lowered, 0, len(lowered), langs, text)):
        if len(run) > MAX_RUN_TOKENS:
            continue   # a table or junk, not something to call
        if len(run) < 2 and not (run and run[0].kind == "word"):
            continue
        resolve_words(run, langs)
        toks = firm_weak(run)
        best: list[PhoneHit] = []
        best_key = (0, 0, 0, 0)
        best_splits: frozenset[int] = frozenset()
        agreed: set[str] = set()
        for reading in _readings(toks):
            got, unlikely, aparts = _hits(reading, text, "", region, lenient)
            # The most numbers; among as many, the fewest unlikely pieces; then the numbers
            # that take in the most text (no number word left over beside them); then the
            # fewest tens read apart, and of those the first reading, which reads tens with
            # the unit after them furthest to the left.
            key = (len(got), -unlikely, sum(h.end - h.start for h in got), -aparts)
            splits = frozenset(p.start for p in reading if p is not None and p.split)
            if key > best_key:
                best, best_key, best_splits = got, key, splits
                agreed = {h.e164 for h in got}
            elif key[:3] == best_key[:3] and splits != best_splits:
                agreed &= {h.e164 for h in got}
        # A reading as likely as the best that splits another "too" ("too too" as 2 20 or 20 2)
        # and gives other numbers: only the numbers both give are read, a wrong number being
        # worse than none.
        out.extend(h for h in best if h.e164 in agreed)
    return tuple((h.start, h.end, h.e164, h.methods, h.country) for h in out)


def merge_mixed(hits: list[PhoneHit], mixed: list[PhoneHit]) -> list[PhoneHit]:
    """The main reader's numbers plus the mixed reader's, in order. Where they overlap, the
    one that takes in the other's whole span wins (the main reader may read a fragment of a
    mixed number); otherwise the main reader's."""
    out = list(hits)
    for m in mixed:
        overlapping = [h for h in out if h.start < m.end and m.start < h.end]
        if all(m.start <= h.start and h.end <= m.end and (m.end - m.start) > (h.end - h.start)
               for h in overlapping):
            out = [h for h in out if h not in overlapping] + [m]
    return sorted(out, key=lambda h: h.start)
