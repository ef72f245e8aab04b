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
from videre.extract.normalise.phone_plain import (
    DATE_OR_TIME,
    DATED,
    MAX_WINDOW_DIGITS,
    readings,
    start_digits,
    validate,
)
from videre.extract.normalise.phone_tokens import MIN_WINDOW_DIGITS, is_quantity
from videre.extract.normalise.phone_windows import windows
from videre.extract.normalise.results import PhoneHit

MAX_READINGS = 16
MAX_GAP = 4
MAX_RUN_TOKENS = 200

_PIECE = re.compile(r"[0-9]+|[^\W\d_]+|\+")
_PLAIN_GAP = frozenset(" -./()")


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    kind: str            # dig | word | look | plus | stop
    text: str            # digits, or the word
    value: int = 0
    wkind: str = ""      # unit | teen | ten | mult | join
    weak: bool = False
    gap: str = "break"   # to the previous token: glued | tight | comma | strong | break
    odd: bool = False    # the gap before holds an unusual separator
    loose: bool = False  # a weak word made a digit only by its neighbours


@lru_cache(maxsize=1024)
def _gap(gap: str) -> tuple[str, bool]:
    if not gap:
        return "glued", False
    if len(gap) > MAX_GAP or gap.count("\n") > 1:
        return "break", False
    odd = any(c not in _PLAIN_GAP for c in gap if c not in ",\n")
    if "\n" in gap or ":" in gap:
        return "strong", odd
    if "," in gap or ";" in gap:   # "noll; sjuttio; sextiosju; ...": a list's separator
        return "comma", odd
    return "tight", odd


def _tokens(text: str, lo: int, hi: int, langs: tuple[str, ...]) -> list[_Tok]:
    lex = nw.lexicon(langs)
    out: list[_Tok] = []
    for m in _PIECE.finditer(text, lo, hi):
        s, e = m.span()
        piece = m.group()
        new: list[_Tok]
        if piece == "+":
            new = [_Tok(s, e, "plus", "+")]
        elif piece[0].isdigit():
            kind = "stop" if is_quantity(text, s, e) else "dig"
            new = [_Tok(s, e, kind, piece)]
        else:
            parts = nw.split_words(piece, langs)
            if parts is None:
                new = [_Tok(s, e, "stop", piece)]
            else:
                new = []
                for i, j in parts:
                    word = piece[i:j]
                    if word in lex:
                        new.append(_Tok(s + i, s + j, "word", word, weak=word in nw.WEAK))
                    else:
                        new.append(_Tok(s + i, s + j, "look", nw.LOOKALIKES[word], weak=True))
        for tok in new:
            if out:
                tok.gap, tok.odd = _gap(text[out[-1].end:tok.start])
            out.append(tok)
    return out


def _runs(tokens: list[_Tok]) -> Iterator[list[_Tok]]:
    run: list[_Tok] = []
    for tok in tokens:
        if tok.kind == "stop" or tok.gap == "break":
            if run:
                yield run
            run = [] if tok.kind == "stop" else [tok]
            continue
        run.append(tok)
    if run:
        yield run


def _resolve_words(run: list[_Tok], langs: tuple[str, ...]) -> None:
    """Give each word its value in the run's language: the one most of its words belong to."""
    lex = nw.lexicon(langs)
    scores: dict[str, float] = {}
    for tok in run:
        if tok.kind == "word":
            for lang in lex[tok.text]:
                scores[lang] = scores.get(lang, 0.0) + (0.5 if tok.weak else 1.0)
    order = {lang: k for k, lang in enumerate(langs)}
    ranked = sorted(scores, key=lambda lang: (-scores[lang], order[lang]))
    # A run mostly in a language allowed for this ad reads that language's short words as
    # digits: Thai "song", "sam", Hungarian "hat", "het" are ordinary words only in English.
    home = ranked[0] if ranked and ranked[0] not in nw.ALWAYS and scores[ranked[0]] >= 4 else None
    for tok in run:
        if tok.kind == "word":
            entries = lex[tok.text]
            lang = next(lang for lang in ranked if lang in entries)
            tok.value, tok.wkind = entries[lang]
            if lang == home and tok.wkind != "join":
                tok.weak = False


def _strong(tok: _Tok | None) -> bool:
    return tok is not None and tok.kind in ("dig", "word", "look") and not tok.weak and tok.wkind != "join"


def _firm_weak(run: list[_Tok]) -> list[_Tok | None]:
    """Weak tokens (homophones, look-alikes, words of two meanings) count only in a group
    written together with a strong one ("o7o", "won7for"), or between strong groups: with one
    on each side within two groups, or, in a run of three strong tokens or more, next to one
    ("... 2three atetoo"). A lone weak word firmed by its neighbours is `loose`: no number
    starts or ends on it. The rest split the run (None)."""
    groups: list[list[_Tok]] = []
    for tok in run:
        if groups and tok.gap == "glued" and tok.kind != "plus" and groups[-1][-1].kind != "plus":
            groups[-1].append(tok)
        else:
            groups.append([tok])
    # Two or more homophones written together ("ohate", "towonfore") are no English: as strong
    # as a digit.
    strong = [any(_strong(t) for t in grp) or sum(t.kind == "word" for t in grp) >= 2 for grp in groups]
    many = sum(map(_strong, run)) + sum(s and not any(map(_strong, grp)) for s, grp in zip(strong, groups)) >= 3
    for g, grp in enumerate(groups):
        if strong[g]:
            for t in grp:
                t.weak = t.weak and t.wkind == "join"
            continue
        if grp[0].kind == "plus" or all(t.wkind == "join" for t in grp):
            continue
        left = _near(strong, groups, g, -1)
        right = _near(strong, groups, g, 1)
        lone_look = len(grp) == 1 and grp[0].kind == "look"
        if (left and right and left + right <= (2 if lone_look else 3)) or (
                many and min(left or 9, right or 9) == 1 and (not lone_look or right == 1)):
            for t in grp:
                t.weak = False
                t.loose = len(grp) == 1 and (t.kind == "look" or t.text in nw.LOOSE)
    if many:
        _chain(groups)
    return [tok if not tok.weak or tok.wkind == "join" else None for tok in run]


def _chain(groups: list[list[_Tok]]) -> None:
    """Sound-alikes in a row next to a number ("... 63 won fore", "o 7 069 won ate fore 96"):
    each lone one beside a firm group, with no strong gap between, is firm too (and loose)."""
    for _ in range(3):
        changed = False
        for g, grp in enumerate(groups):
            tok = grp[0]
            if len(grp) > 1 or not tok.weak or not (tok.kind == "look" or tok.text in nw.HOMOPHONES):
                continue
            before = g > 0 and not groups[g - 1][-1].weak and tok.gap != "strong"
            after = g + 1 < len(groups) and not groups[g + 1][0].weak and groups[g + 1][0].gap != "strong"
            if before or after:
                tok.weak, tok.loose, changed = False, True, True
        if not changed:
            return


def _near(strong: list[bool], groups: list[list[_Tok]], g: int, step: int) -> int:
    """Steps to a strong group from group g (0: none within two, or a strong gap between)."""
    k = g
    for dist in (1, 2):
        edge = groups[k] if step > 0 else groups[k]
        k += step
        if not 0 <= k < len(groups):
            return 0
        gap_tok = groups[k][0] if step > 0 else edge[0]
        if gap_tok.gap == "strong" or groups[k][0].kind == "plus":
            return 0
        if strong[k]:
            return dist
    return 0


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    digits: str
    mixed: bool          # written with a word, a look-alike or an unusual separator
    plus: bool = False
    glued: bool = False  # nothing between it and the piece before
    loose: bool = False  # no number starts or ends on it, except at the end of a sentence
    split: bool = False  # a homophone read as two pieces ("too" as 20)


def _number(tok: _Tok) -> int | None:
    if tok.kind == "dig" and len(tok.text) <= 3:
        return int(tok.text)
    if tok.kind == "word" and tok.wkind in ("unit", "teen", "ten"):
        return tok.value
    return None


def _options(toks: list[_Tok | None], k: int) -> list[tuple[int, _Piece | None]]:
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
            if end == k + 2 and toks[k + 1].gap != "glued":  # type: ignore[union-attr]
                out.append((k + 1, _Piece(tok.start, tok.end, str(tok.value), True)))
            return out
    out.append((k + 1, _Piece(tok.start, tok.end, str(tok.value), True)))
    if tok.text in nw.TWO_PIECES:
        out.append((k + 1, _Piece(tok.start, tok.end, nw.TWO_PIECES[tok.text], True, split=True)))
    return out


def _glue(tok: _Tok, k: int, options: list[tuple[int, _Piece | None]]) -> list[tuple[int, _Piece | None]]:
    """Mark the pieces starting at token k: written together with the one before; loose."""
    for end, piece in options:
        if piece is not None:
            piece.glued = tok.gap == "glued"
            piece.loose = tok.loose and end == k + 1
    return options


def _end(toks: list[_Tok | None], end: int) -> int:
    return toks[end - 1].end  # type: ignore[union-attr]


def _readings(toks: list[_Tok | None]) -> list[list[_Piece | None]]:
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


def _at(toks: list[_Tok | None], k: int) -> _Tok | None:
    return toks[k] if 0 <= k < len(toks) else None


def _unit_after(toks: list[_Tok | None], k: int) -> tuple[int | None, int]:
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


def _multiplied(toks: list[_Tok | None], k: int, base: int) -> Iterator[tuple[int, str]]:
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
          lenient: bool) -> tuple[list[PhoneHit], int]:
    """Numbers in one reading, left to right: at each start, the longest window that validates;
    and how many pieces they read the less likely way (a lone homophone ending a number, "too"
    as 20)."""
    out: list[PhoneHit] = []
    unlikely = 0
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
            j, e164, country, intl = found
            unlikely += seg[i].loose + seg[j].loose + sum(p.split for p in seg[i:j + 1])
            start = seg[i].start
            raw = text[start:seg[j].end]
            out.append(PhoneHit(e164, raw, field, start, seg[j].end, _methods(raw),
                                country))
            i = j + 1
    return out, unlikely


def _window(seg: list[_Piece], i: int, starts: frozenset[str] | None, region: str, lenient: bool,
            text: str) -> tuple[int, str, str, bool] | None:
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
    # A number ends on a lone homophone ("... 9too ate") only when it cannot end before it, and
    # on anything but "ate", "fore", "won", "oh" only where the sentence ends: "... 06 05 for
    # details" keeps ten digits, "... 3 (I answer" too.
    tries = [j for j in reversed(ends) if not seg[j].loose] + [
        j for j in reversed(ends) if seg[j].loose and (
            text[seg[j].start:seg[j].end].lower() in nw.TRAILING_HOMOPHONES
            or _SENTENCE_END.match(text, seg[j].end))]
    for j in tries:
        if j + 1 < len(seg) and seg[j + 1].glued:
            continue
        if whole_only and j < last:
            continue
        window = seg[first:j + 1]
        if not any(p.mixed for p in window):
            continue   # plain digits: the main reader's (and its negatives')
        digits = "".join(p.digits for p in window)
        raw = text[seg[i].start:seg[j].end]
        if not intl and (DATE_OR_TIME.fullmatch(raw) or DATED.match(raw)):
            continue
        for candidate in readings(digits, intl, lambda: lenient, region):
            found = validate(candidate, region)
            if found:
                return j, found[0], found[1], intl
    return None


_SENTENCE_END = re.compile(r"\s*(?:$|[^\w\s])")
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
    for run in _runs(_tokens(lowered, 0, len(lowered), langs)):
        if len(run) > MAX_RUN_TOKENS:
            continue   # a table or junk, not something to call
        if len(run) < 2 and not (run and run[0].kind == "word"):
            continue
        _resolve_words(run, langs)
        toks = _firm_weak(run)
        best: list[PhoneHit] = []
        best_key = (0, 0, 0)
        for reading in _readings(toks):
            got, unlikely = _hits(reading, text, "", region, lenient)
            # The most numbers; among as many, the reading with the fewest unlikely pieces,
            # then the one whose numbers take in the most text.
            key = (len(got), -unlikely, sum(h.end - h.start for h in got))
            if key > best_key:
                best, best_key = got, key
        out.extend(best)
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
