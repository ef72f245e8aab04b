"""Phone numbers read the way a person reads them, including the ways ads hide them.

A fast regex pass finds digit-bearing tokens (digits in any Unicode style, digit words, look-alike
letters); tokens joined only by separators form runs; phonenumbers validates windows of a run that
start like a phone number (a `+`, `00` or the region's trunk prefix). Nothing else reaches the
parser, so prices, ages, dates and ids never become numbers: they do not validate, or do not
start like a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from videre.extract.normalise import numerals
from videre.extract.normalise.phone_mixed import find_mixed, merge_mixed
from videre.extract.normalise.phone_plain import (
    DATE_OR_TIME,
    DATED,
    MARKS,
    MAX_WINDOW_DIGITS,
    PLAIN_MAX,
    VALIDATE_CACHE,
    in_hours,
    international_length,
    plain_field,
    plain_span,
    readings,
    start_digits,
    validate,
)
from videre.extract.normalise.phone_segments import loose_edge, resolve, runs, segments, stands_apart
from videre.extract.normalise.phone_tokens import (
    HAS_DIGIT,
    LETTERS,
    MIN_WINDOW_DIGITS,
    SPELLED_MIN_WORDS,
    Token,
    clusters,
    count_digit_words,
    lowered_scan,
    pieces,
    tokenize,
)
from videre.extract.normalise.results import PhoneHit

__all__ = ["find_link_phones", "find_phones", "validate"]

MAX_RUN_TOKENS = 200       # a stretch with more digit pieces than this is not read at all
CONTEXT_CHARS = 30          # how far back a messenger keyword makes a bare country code readable

# Separators a plain number may have; anything else in a gap (symbols, zero-width characters)
# is hiding it.
_ODD_GAP = re.compile(r"[^\s\-–./()]")
_KEYCAP = re.compile("\ufe0f?\u20e3")
# Run on lower-cased text. Every branch starts with a letter, which lets the engine skip ahead
# (a leading lookahead would not).
_MESSENGER = re.compile(r"whats\s?app|wa\.me|viber|telegram|t\.me|signal|phone=|number=|tel:|sms:|"
                        r"smsto:|callto:|wapp")
# In a cluster, anything but plain digits and separators: letters, a plus, "!" or "|" for a 1.
_NOT_ONLY_DIGITS = re.compile(r"[^\W\d_]|[+!|]")


def _windows(seg: list[Token], i: int) -> Iterator[int]:
    """End indexes for windows starting at i: longest first, those crossing no strong gap first."""
    total = 0
    ends: list[tuple[int, int]] = []
    crossed = 0
    for j in range(i, len(seg)):
        if j > i and seg[j].gap == "strong":
            crossed += 1
        total += len(seg[j].digits)
        if total > MAX_WINDOW_DIGITS:
            break
        if total >= MIN_WINDOW_DIGITS and not (j + 1 < len(seg) and seg[j + 1].gap == "glued"):
            ends.append((crossed, j))
    ends.sort(key=lambda e: (e[0] > 0, -e[1]))
    for _, j in ends:
        yield j


def _methods(seg: list[Token], text: str, start: int, end: int,
             spelled_plus: bool = False) -> tuple[str, ...]:
    """How the number was hidden: words, look-alike letters, styled digits, separators."""
    methods: list[str] = []
    kinds = {t.kind for t in seg}
    if spelled_plus or "word" in kinds:
        methods.append("words")
    if "look" in kinds:
        methods.append("lookalike")
    raw = text[start:end]
    if not raw.isascii() and any(c in numerals.styled_digits() or c == "\u20e3" for c in raw):
        methods.append("unicode")
    if _hidden_by_separators(seg, text):
        methods.append("separators")
    return tuple(methods)


def _hidden_by_separators(seg: list[Token], text: str) -> bool:
    """Unusual separators: symbols, invisible characters, wide or mixed gaps, or digits spaced
    one by one. Keycap marks are a digit style ("unicode"), not separators."""
    marks: set[str] = set()
    for prev, tok in zip(seg, seg[1:]):
        odd, found = _gap_style(text[prev.end:tok.start])
        if odd:
            return True
        marks |= found
    if len(marks) > 1:
        return True
    singles = sum(1 for t in seg if t.kind == "digits" and len(t.digits) == 1
                  and text[t.end:t.end + 2].lstrip("\ufe0f")[:1] != "\u20e3")
    return singles >= 4


@lru_cache(maxsize=1024)
def _gap_style(gap: str) -> tuple[bool, frozenset[str]]:
    """(unusual, the plain marks in it) for the gap between two digit tokens: at most a few
    characters, and ads use few kinds of gap, hence the cache."""
    if "\u20e3" in gap:
        gap = _KEYCAP.sub("", gap)
    return len(gap) > 3 or bool(_ODD_GAP.search(gap)), MARKS.intersection(gap)


class _Field:
    """One field being read: its text, folded text and what numbers in it may look like."""

    def __init__(self, text: str, scan: str, lowered: str, name: str, region: str,
                 lenient: bool, messengers: tuple[int, ...] | None = None) -> None:
        self.text, self.scan, self.lowered = text, scan, lowered
        self.name, self.region, self.lenient = name, region, lenient
        self._messenger_ends = messengers

    def messengers(self) -> tuple[int, ...]:
        """Where "WhatsApp", "tel:" and the like end in the text."""
        if self._messenger_ends is None:
            self._messenger_ends = tuple(m.end() for m in _MESSENGER.finditer(self.scan.lower()))
        return self._messenger_ends

    def bare_cc_ok(self, pos: int) -> bool:
        """May digits at `pos` start with a country code and no plus (46701740605)? Only in the
        site's phone field, or just after "WhatsApp", "wa.me/", "tel:" and the like."""
        return self.lenient or any(0 <= pos - end <= CONTEXT_CHARS for end in self.messengers())

    def may_hold_number(self, start: int, end: int) -> bool:
        """Can the cluster at start..end hold a number at all? One of plain digits can only if a
        digit group in it starts like a national number, with enough digits from there on, or
        a bare country code may stand in it. Most dates, prices, measurements and ids end here,
        before they are tokenised; `_segment_hits` would find nothing in them."""
        starts = start_digits(self.region)
        chunk = self.lowered[start:end]
        if self.lenient or starts is None or _NOT_ONLY_DIGITS.search(chunk):
            return True
        first = _group_start(starts).search(chunk) if starts else None
        if first and sum(map(str.isdigit, chunk[first.start():])) >= MIN_WINDOW_DIGITS:
            return True
        return any(start - CONTEXT_CHARS <= e < end for e in self.messengers())


def find_phones(text: str, field: str, region: str, hint: tuple[str, ...] = (),
                lenient: bool = False, words: Sequence[str] | None = None,
                lowered: str | None = None) -> list[PhoneHit]:
    """Every phone number in `text`, in order.

    `hint`: the ad's languages, to read ambiguous digit words. `lenient` (the site's own phone
    field) also reads a bare country code such as 46701740605. `words` and `lowered`:
    `wording.Words(text).lower` and text.lower(), when the caller has them.
    """
    if len(text) > PLAIN_MAX:
        return _find_phones(text, field, region, hint, lenient, words, lowered)
    return list(_short_field(text, field, region, tuple(hint), lenient,
                             None if words is None else tuple(words)))


@lru_cache(maxsize=VALIDATE_CACHE)
def _short_field(text: str, field: str, region: str, hint: tuple[str, ...], lenient: bool,
                 words: tuple[str, ...] | None) -> tuple[PhoneHit, ...]:
    """`find_phones` for a short field, cached: a site's phone field (and often the title) is
    the same in every ad of one seller, and its numbers are what links those ads."""
    return tuple(plain_field(text, field, region, lenient)
                 or _find_phones(text, field, region, hint, lenient, words, None))


def _find_phones(text: str, field: str, region: str, hint: tuple[str, ...], lenient: bool,
                 words: Sequence[str] | None, lowered: str | None) -> list[PhoneHit]:
    scan = numerals.fold(text)
    if words is None or scan is not text:
        words = LETTERS.findall(scan.lower())
    lowered, fast = lowered_scan(scan, lowered if scan is text else None)
    spelled = lenient or count_digit_words(words) >= SPELLED_MIN_WORDS
    hits: list[PhoneHit] = []
    if spelled or HAS_DIGIT.search(scan):
        ctx: _Field | None = None
        for start, end in clusters(lowered, fast, spelled):
            plain = plain_span(text, scan, start, end, field, region)
            if plain:
                hits.append(plain)
                continue
            if ctx is None:
                ctx = _Field(text, scan, lowered, field, region, lenient)
            hits.extend(_cluster_hits(ctx, start, end, hint, fast))
    if not fast:
        return hits   # lower-casing changed the text's length: spans would not line up
    mixed = find_mixed(text, lowered, words, field, region, hint, lenient, hits)
    return merge_mixed(hits, mixed) if mixed else hits


MEMO_MAX_CHARS = 120   # longer clusters (a whole text of spelled digits) are read directly
MEMO_AFTER = 9         # characters after a cluster that reading it looks at ("23 år", "24/7")
MEMO_SIZE = 4096       # excerpts of up to ~130 characters: a few megabytes at most


def _cluster_hits(ctx: _Field, start: int, end: int, hint: tuple[str, ...],
                  fast: bool) -> list[PhoneHit]:
    """Numbers in one cluster, through a memo: hidden numbers recur verbatim in a seller's ads
    ("O7O-l7 4O 6O 8"), and reading them (tokens, windows, validation) is the costliest step.
    The memo is keyed on the cluster with everything around it that reading it looks at: one
    character before, a few after, and where messenger names end nearby."""
    if end - start > MEMO_MAX_CHARS:
        return list(_read_cluster(ctx, start, end, hint, fast))
    lo, hi = max(0, start - 1), end + MEMO_AFTER
    near = tuple(e - lo for e in ctx.messengers() if start - CONTEXT_CHARS <= e < end)
    scan = None if ctx.scan is ctx.text else ctx.scan[lo:hi]
    found = _memo_cluster(ctx.text[lo:hi], scan, ctx.lowered[lo:hi], start - lo, end - lo, near,
                          hint, ctx.region, ctx.lenient, fast)
    return [PhoneHit(e164, ctx.text[lo + s:lo + e], ctx.name, lo + s, lo + e, methods, country)
            for s, e, e164, methods, country in found]


@lru_cache(maxsize=MEMO_SIZE)
def _memo_cluster(text: str, scan: str | None, lowered: str, start: int, end: int,
                  messengers: tuple[int, ...], hint: tuple[str, ...], region: str, lenient: bool,
                  fast: bool) -> tuple[tuple[int, int, str, tuple[str, ...], str], ...]:
    """`_read_cluster` on an excerpt: (start, end, E.164, methods, country) of each number."""
    ctx = _Field(text, text if scan is None else scan, lowered, "", region, lenient, messengers)
    return tuple((h.start, h.end, h.e164, h.methods, h.country)
                 for h in _read_cluster(ctx, start, end, hint, fast))


def _read_cluster(ctx: _Field, start: int, end: int, hint: tuple[str, ...],
                  fast: bool) -> Iterator[PhoneHit]:
    """The general path: tokens, runs, segments, then windows validated with phonenumbers."""
    if not ctx.may_hold_number(start, end):
        return
    cluster = pieces(ctx.lowered, fast, start, end)
    if len(cluster) > MAX_RUN_TOKENS:
        return  # hundreds of digits in a row: junk or a table, not something to call
    for run in runs(tokenize(ctx.scan, cluster)):
        if sum(len(t.digits) for t in run) < MIN_WINDOW_DIGITS:
            continue
        claims = _Claims(run)
        for seg, plus in segments(resolve(run, hint)):
            yield from _segment_hits(seg, plus, ctx, claims)


class _Claims:
    """Numbers written as international ("+35 988 …", "OO-4O-7l-…", "noll noll fyra sex …") in
    one run, each with the stretch its digits take. Until a number is read from where one is
    written, no number may start inside it: its digits would give a number the ad never gives,
    "0" and the digits after it as a Swedish number ("OO-4O-7l-2O…" as 040-712 0…) or a
    country code found inside it ("+35 988 787 O64 l" as +98 878…).

    The run's tokens are counted, not its segments': a look-alike left out as unsure still
    stands where the number is written. A start at the country code stays open ("WhatsApp
    OO-48-5l-…" read from "48" when the O's are unsure): that is the same number."""

    def __init__(self, run: list[Token]) -> None:
        self._spans: list[tuple[int, int, int]] = []   # (start, country code start, end)
        for k, tok in enumerate(run):
            if tok.kind == "plus":
                if k == 0 or tok.end - run[k - 1].end > 2:   # not 070+174+06+05
                    self._stake(run, k, k + 1, 0)
            elif (k == 0 or tok.gap == "strong") and _digits_from(run, k, 2) == "00":
                self._stake(run, k, k, 2)

    def _stake(self, run: list[Token], at: int, first: int, prefix: int) -> None:
        """Claim the digits from run[first] on, after `prefix` digits of "00": as many as the
        longest number of their country code has, up to a strong gap."""
        length = international_length(_digits_from(run, first, prefix + 3)[prefix:])
        if length is None:
            return
        count, code, end = 0, -1, -1
        for k in range(first, len(run)):
            tok = run[k]
            if tok.kind in ("unit", "plus") or (k > first and tok.gap == "strong"):
                break
            if count == prefix:
                code = tok.start
            count += len(tok.digits)
            end = tok.end
            if count >= length + prefix:
                break
        if end > 0:
            self._spans.append((run[at].start, code, end))

    def covers(self, start: int) -> bool:
        """Is `start` inside a claimed stretch (and neither where it begins nor at its country
        code)?"""
        return any(s < start < e and start != code for s, code, e in self._spans)

    def read(self, start: int) -> None:
        """A number was read from `start`: if one is written as international there (or its
        country code is there), that is the number, and the digits after it are free."""
        if self._spans:
            self._spans = [span for span in self._spans if start not in span[:2]]


def _digits_from(run: list[Token], k: int, n: int) -> str:
    """The first `n` digits that run[k:] reads as (fewer if it has fewer)."""
    out = ""
    for tok in run[k:]:
        out += tok.digits
        if len(out) >= n:
            break
    return out[:n]


@cache
def _group_start(starts: frozenset[str]) -> re.Pattern[str]:
    """A digit group whose first digit is one of `starts`."""
    return re.compile(f"(?<![0-9])[{''.join(sorted(starts))}]")


def _segment_hits(seg: list[Token], plus: Token | None, ctx: _Field,
                  claims: _Claims) -> Iterator[PhoneHit]:
    """Numbers in one stretch of digit tokens, left to right: at each start, the longest window
    that validates, preferring windows that cross no strong gap. No number starts inside one
    written as international that was not read (`claims`)."""
    i = 0
    after_hit = False
    starts = start_digits(ctx.region)
    while i < len(seg):
        first = seg[i]
        intl = plus is not None and i == 0
        if i > 0 and first.gap == "glued":
            i += 1
            continue
        if claims.covers(plus.start if intl and plus is not None else first.start):
            i, after_hit = i + 1, False
            continue
        bare_cc = False
        if not intl and starts is not None and first.digits[0] not in starts:
            bare_cc = ctx.bare_cc_ok(first.start)
            if not bare_cc:
                i += 1
                after_hit = False
                continue
        # Starting inside a stretch of numbers ("413 03 90-60-90 24/7") is only believable when
        # the number then runs to the end of the stretch, or stands apart from its neighbours by
        # wider gaps than any inside it ("24/7 0701740605 100%").
        # A change from digits to spelled digits ("24/7 noll sju noll ...") is a boundary too.
        mid = (i > 0 and first.gap == "weak" and not after_hit
               and (seg[i - 1].kind == "word") == (first.kind == "word"))
        found = None
        for j in _windows(seg, i):
            if loose_edge(seg, i, j):
                continue
            if (mid and j + 1 < len(seg) and seg[j + 1].gap != "strong"
                    and not stands_apart(seg, i, j, ctx.scan)):
                continue
            digits = "".join(t.digits for t in seg[i:j + 1])
            # The lambda runs inside this iteration (readings asks at most once), never later.
            for candidate in readings(digits, intl, lambda: bare_cc or ctx.bare_cc_ok(first.start),  # noqa: B023
                                      ctx.region):
                number = validate(candidate, ctx.region)
                if number is not None:
                    found = (j, number)
                    break
            if found:
                break
        if found is None:
            i += 1
            after_hit = False
            continue
        j, (e164, country) = found
        if not intl and (DATE_OR_TIME.fullmatch(ctx.scan, first.start, seg[j].end)
                         or DATED.match(ctx.scan, first.start, seg[j].end)
                         or in_hours(ctx.scan, first.start, seg[j].end)):
            i, after_hit = j + 1, False   # "kl 09.00-17.00", "01.02.2026": a time or a date
            continue
        start = first.start
        if intl and plus is not None:
            start = plus.start
        end = seg[j].end
        spelled_plus = intl and ctx.scan[start] != "+"   # "plus fyra sex ..."
        claims.read(start)
        yield PhoneHit(e164=e164, raw=ctx.text[start:end], field=ctx.name, start=start, end=end,
                       methods=_methods(seg[i:j + 1], ctx.text, start, end, spelled_plus),
                       country=country)
        i = j + 1
        after_hit = True


_PCT_PLUS = re.compile("%2b", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]{1,500})"|'([^']{1,500})'|([^\s>"']{1,500}))""", re.IGNORECASE)


def find_link_phones(html: str, region: str) -> list[PhoneHit]:
    """Numbers in the links of a page: tel:, sms:, wa.me/, WhatsApp, Viber and Telegram links."""
    hits: list[PhoneHit] = []
    for m in _HREF.finditer(html):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        href, offset = m.group(group), m.start(group)
        # Same-length decoding keeps spans valid in the page: "%2B" -> "+  ", "%20" -> "   ".
        decoded = _PCT_PLUS.sub("+  ", href).replace("%20", "   ")
        for hit in find_phones(decoded, "html", region):
            hits.append(PhoneHit(hit.e164, html[offset + hit.start:offset + hit.end], "html",
                                 offset + hit.start, offset + hit.end, hit.methods, hit.country))
    return hits
