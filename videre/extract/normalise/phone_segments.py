"""From tokens to digit segments: which tokens are digits here, and where numbers may start.

Ambiguous tokens (a lone "O", English "to", Swedish "sex") count only among other digits; the
run's language decides which word tables apply.
"""

from __future__ import annotations

from collections.abc import Iterator

from videre.extract.normalise.phone_tokens import Token

PREFERRED_LANGS = ("sv", "en")


def runs(tokens: list[Token]) -> Iterator[list[Token]]:
    """Split a cluster's tokens where a gap breaks them apart (letters between, too wide)."""
    run: list[Token] = []
    for tok in tokens:
        if run and tok.gap == "break":
            yield run
            run = []
        run.append(tok)
    if run:
        yield run


def _pick_language(run: list[Token], hint: tuple[str, ...]) -> str | None:
    """The language most of the run's digit words belong to; ties go to the ad's languages,
    then Swedish and English."""
    scores: dict[str, float] = {}
    for tok in run:
        if tok.kind == "word":
            for lang in tok.langs:
                scores[lang] = scores.get(lang, 0) + (0.5 if tok.weak else 1)
    if not scores:
        return None
    order = list(hint) + [lang for lang in PREFERRED_LANGS if lang not in hint]
    return max(scores, key=lambda lang: (scores[lang], -order.index(lang) if lang in order else -99))


def _is_digit(tok: Token | None) -> bool:
    return tok is not None and tok.kind != "plus" and bool(tok.digits)


def resolve(run: list[Token], hint: tuple[str, ...]) -> list[Token | None]:
    """Keep the tokens that are digits in this run; None marks a split."""
    lang = _pick_language(run, hint)
    out: list[Token | None] = [
        None if tok.kind == "unit" or (tok.kind == "word" and tok.langs and lang not in tok.langs)
        else tok for tok in run]
    _firm_up_lookalikes(out)
    strong_words = sum(1 for t in out if t is not None and t.kind == "word" and not t.weak)
    resolved: list[Token | None] = []
    for i, tok in enumerate(out):
        if tok is None or not tok.weak:
            resolved.append(tok)
            continue
        ok = _strong_neighbour(out, i, -1) and _strong_neighbour(out, i, 1)
        if not ok and tok.kind == "word" and strong_words >= 3:
            # Among spelled digits, "sex sex sex" at the end of a number is still sixes.
            ok = _strong_neighbour(out, i, -1, reach=3) or _strong_neighbour(out, i, 1, reach=3)
        resolved.append(tok if ok else None)
    return resolved


def _firm_up_lookalikes(out: list[Token | None]) -> None:
    """Mark look-alikes that are surely digits as no longer weak (in place)."""
    # Each rule can firm up a token the other then builds on: the lone O of "OO-4O-7l" becomes
    # a digit by the second rule, and the O glued to it only then by the first; "22 Ol" the
    # other way round. Hence the repeat until neither changes anything.
    while _firm_glued(out) | _firm_styled(out):
        pass


def _firm_glued(out: list[Token | None]) -> bool:
    """Look-alikes glued to a digit or a spelled digit, or to such a look-alike ("OO46"),
    hence the repeat until nothing changes. True if any changed."""
    changed, any_changed = True, False
    while changed:
        changed = False
        for i, tok in enumerate(out):
            if tok is None or tok.kind != "look" or not tok.weak:
                continue
            left = out[i - 1] if i else None
            right = out[i + 1] if i + 1 < len(out) else None
            if (tok.gap == "glued" and _is_digit(left) and not left.weak) or (
                    right is not None and right.gap == "glued" and _is_digit(right) and not right.weak):
                tok.weak = False
                changed = any_changed = True
    return any_changed


def _firm_styled(out: list[Token | None]) -> bool:
    """A writer who glues O for 0 ("O7O-l7 4O 67 O") means 0 by a lone O next to the number
    too. True if any changed."""
    styled = {t.digits for t in out if t is not None and t.kind == "look" and not t.weak}
    changed = False
    for i, tok in enumerate(out):
        if (tok is not None and tok.kind == "look" and tok.weak and tok.digits in styled
                and (_strong_neighbour(out, i, -1, reach=1) or _strong_neighbour(out, i, 1, reach=1))):
            tok.weak = False
            changed = True
    return changed


def _strong_neighbour(tokens: list[Token | None], i: int, step: int, reach: int = 2) -> bool:
    """A non-weak digit within `reach` steps (weak ones between are allowed)."""
    j = i + step
    for _ in range(reach):
        if not 0 <= j < len(tokens):
            return False
        tok = tokens[j]
        if tok is None or tok.kind == "plus":
            return False
        if not tok.weak:
            return True
        j += step
    return False


def segments(resolved: list[Token | None]) -> Iterator[tuple[list[Token], Token | None]]:
    """Stretches of digit tokens, each with the `+` (or "plus") standing right before it."""
    seg: list[Token] = []
    plus: Token | None = None
    for tok in resolved:
        if tok is not None and tok.kind == "plus":
            if seg and tok.end - seg[-1].end <= 2:
                continue  # a plus between digits is a separator: 070+174+06+05
            if seg:
                yield seg, plus
            seg, plus = [], tok
            continue
        if tok is None:
            if seg:
                yield seg, plus
            seg, plus = [], None
            continue
        seg.append(tok)
    if seg:
        yield seg, plus


def loose_edge(seg: list[Token], i: int, j: int) -> bool:
    """Does the window start or end on a token that is a digit only thanks to digits beyond the
    window (a lone "O" between numbers)? Then its raw span would not read back the same."""
    if not (seg[i].weak or seg[j].weak):
        return False
    strong_words = sum(1 for t in seg[i:j + 1] if t.kind == "word" and not t.weak)
    return any(t.weak and (t.kind == "look" or strong_words < 3) for t in (seg[i], seg[j]))


def _gap_rank(seg: list[Token], k: int, scan: str) -> int:
    """How wide the gap before seg[k] is: glued 0, tight ("-", ".") 1, spaced 2, strong 3."""
    tok = seg[k]
    if tok.gap == "glued":
        return 0
    if tok.gap == "strong":
        return 3
    return 2 if any(c.isspace() for c in scan[seg[k - 1].end:tok.start]) else 1


def stands_apart(seg: list[Token], i: int, j: int, scan: str) -> bool:
    """Are the gaps around window i..j wider than every gap inside it?"""
    inside = max((_gap_rank(seg, k, scan) for k in range(i + 1, j + 1)), default=0)
    return _gap_rank(seg, i, scan) > inside and _gap_rank(seg, j + 1, scan) > inside
