"""The tokens of the mixed phone reader (`phone_mixed`): digits, number words, look-alikes and
the gaps between them, grouped in runs; and which weak words (homophones, look-alikes, words of
two meanings) count as digits where they stand (docs/phones.md, "Weak words").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from videre.extract.normalise import number_words as nw
from videre.extract.normalise.phone_tokens import is_quantity

MAX_GAP = 4
HOME_SCORE = 2.5   # a run's words in one allowed language, weak ones counting half
_PIECE = re.compile(r"[0-9]+|[^\W\d_]+|\+")
_PLAIN_GAP = frozenset(" -./()")


@dataclass(slots=True)
class Tok:
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
    hyphen: bool = False  # the gap before is a hyphen alone ("seventy-four")


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


def tokens(text: str, lo: int, hi: int, langs: tuple[str, ...], cased: str = "") -> list[Tok]:
    """`text` lower-cased; `cased`, when given, as written, as long as `text`."""
    lex = nw.lexicon(langs)
    out: list[Tok] = []
    for m in _PIECE.finditer(text, lo, hi):
        s, e = m.span()
        piece = m.group()
        new: list[Tok]
        if piece == "+":
            new = [Tok(s, e, "plus", "+")]
        elif piece[0].isdigit():
            kind = "stop" if is_quantity(text, s, e) else "dig"
            new = [Tok(s, e, kind, piece)]
        else:
            parts = _case_split(piece, cased[s:e], langs) if cased else None
            parts = parts or nw.split_words(piece, langs)
            if parts is None:
                new = [Tok(s, e, "stop", piece)]
            else:
                new = []
                for i, j in parts:
                    word = piece[i:j]
                    if word in lex:
                        new.append(Tok(s + i, s + j, "word", word, weak=word in nw.WEAK))
                    else:
                        new.append(Tok(s + i, s + j, "look", nw.LOOKALIKES[word], weak=True))
        for tok in new:
            if out:
                gap = text[out[-1].end:tok.start]
                tok.gap, tok.odd = _gap(gap)
                tok.hyphen = gap == "-"
            out.append(tok)
    return out


def _case_split(piece: str, written: str, langs: tuple[str, ...]) -> tuple[tuple[int, int], ...] | None:
    """Number words written together where a capital after a small letter starts each
    ("7toO" is "to" and "O", not "too"), or None when the case tells nothing."""
    if written.islower() or written.isupper():
        return None
    cuts = [k for k in range(1, len(written)) if written[k].isupper() and written[k - 1].islower()]
    if not cuts:
        return None
    out: list[tuple[int, int]] = []
    for a, b in zip([0, *cuts], [*cuts, len(piece)]):
        parts = nw.split_words(piece[a:b], langs)
        if parts is None:
            return None
        out += [(a + i, a + j) for i, j in parts]
    return tuple(out)


def runs(tokens: list[Tok]) -> Iterator[list[Tok]]:
    run: list[Tok] = []
    for tok in tokens:
        if tok.kind == "stop" or tok.gap == "break":
            if run:
                yield run
            run = [] if tok.kind == "stop" else [tok]
            continue
        run.append(tok)
    if run:
        yield run


def resolve_words(run: list[Tok], langs: tuple[str, ...]) -> None:
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
    home = ranked[0] if ranked and ranked[0] not in nw.ALWAYS and scores[ranked[0]] >= HOME_SCORE else None
    for tok in run:
        if tok.kind == "word":
            entries = lex[tok.text]
            lang = next(lang for lang in ranked if lang in entries)
            tok.value, tok.wkind = entries[lang]
            if lang == home and tok.wkind != "join":
                tok.weak = False


def _strong(tok: Tok | None) -> bool:
    return tok is not None and tok.kind in ("dig", "word", "look") and not tok.weak and tok.wkind != "join"


def firm_weak(run: list[Tok]) -> list[Tok | None]:
    """Weak tokens (homophones, look-alikes, words of two meanings) count only in a group
    written together with a strong one ("o7o", "won7for"), or between strong groups: with one
    on each side within two groups, or, in a run of three strong tokens or more, next to one
    ("... 2three atetoo"). A lone weak word firmed by its neighbours is `loose`: no number
    starts or ends on it. The rest split the run (None)."""
    groups: list[list[Tok]] = []
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
    # Once firmed, lone words count as strong ones do: "oh70 ate won 74won won won".
    if many or sum(not t.weak and t.wkind != "join" for t in run) >= 3:
        _chain(groups)
    return [tok if not tok.weak or tok.wkind == "join" else None for tok in run]


def _chain(groups: list[list[Tok]]) -> None:
    """Sound-alikes in a row next to a number ("... 63 won fore", "o 7 069 won ate fore 96"):
    each lone one beside a firm group, with no strong gap between, is firm too (and loose)."""
    for _ in range(3):
        changed = False
        for g, grp in enumerate(groups):
            tok = grp[0]
            if len(grp) > 1 or not tok.weak or tok.wkind == "join":
                continue
            before = g > 0 and not groups[g - 1][-1].weak and tok.gap != "strong"
            after = g + 1 < len(groups) and not groups[g + 1][0].weak and groups[g + 1][0].gap != "strong"
            if before or after:
                tok.weak, tok.loose, changed = False, True, True
        if not changed:
            return


def _near(strong: list[bool], groups: list[list[Tok]], g: int, step: int) -> int:
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
