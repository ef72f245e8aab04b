"""Phone numbers read the way a person reads them, including the ways ads hide them.

A fast regex pass finds digit-bearing tokens (digits in any Unicode style, digit words, look-alike
letters); tokens joined only by separators form runs; phonenumbers validates windows of a run that
start like a phone number (a `+`, `00` or the region's trunk prefix). Nothing else reaches the
parser, so prices, ages, dates and ids never become numbers: they do not validate, or do not
start like a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from crawler.normalise import numerals
from crawler.normalise.phone_segments import loose_edge, resolve, runs, segments, stands_apart
from crawler.normalise.phone_tokens import (HAS_DIGIT, LETTERS, MIN_WINDOW_DIGITS, SPELLED_MIN_WORDS,
                                            Token, clusters, count_digit_words, is_quantity,
                                            lowered_scan, pieces, tokenize)
from crawler.normalise.results import PhoneHit

__all__ = ["find_link_phones", "find_phones", "validate"]

MAX_WINDOW_DIGITS = 17      # 15 E.164 digits plus "00"
MAX_RUN_TOKENS = 200       # a stretch with more digit pieces than this is not read at all
CONTEXT_CHARS = 30          # how far back a messenger keyword makes a bare country code readable
VALIDATE_CACHE = 16_384

# Separators a plain number may have; anything else in a gap (symbols, zero-width characters)
# is hiding it.
_ODD_GAP = re.compile(r"[^\s\-–./()]")
_KEYCAP = re.compile("\ufe0f?\u20e3")
_MARKS = frozenset("-–./")
# "kl 09.00-17.00", "01.02.2026": digits that validate by chance but are a time or a date.
_TIME_OR_DAY = (r"(?:[0-9]{1,2}[.:][0-9]{2}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}"
                r"|[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2})")
_DATE_OR_TIME = re.compile(rf"{_TIME_OR_DAY}(?:\s*[-–/,]?\s*{_TIME_OR_DAY})*")
# A field or stretch that is just one plainly written number.
PLAIN_MAX = 40
_PLAIN = re.compile(r"\s*(\+?[0-9][0-9 \-./()]{5,30}[0-9])\s*")
_GROUPS = re.compile(r"[0-9]+")
# A gap in a plain stretch that splits it (`_classify_gap` calls it strong or a break).
_LOOSE_GAP = re.compile(r"[^0-9+]{4}|/[^0-9+]* | [^0-9+]*/")
# Run on lower-cased text. Every branch starts with a letter, which lets the engine skip ahead
# (a leading lookahead would not).
_MESSENGER = re.compile(r"whats\s?app|wa\.me|viber|telegram|t\.me|signal|phone=|number=|tel:|sms:|"
                        r"smsto:|callto:|wapp")
# In a cluster, anything but plain digits and separators: letters, a plus, "!" or "|" for a 1.
_NOT_ONLY_DIGITS = re.compile(r"[^\W\d_]|[+!|]")


@cache
def _prefix_regex(region: str) -> re.Pattern[str] | None:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.country_code == 1 or not meta.national_prefix_for_parsing:
        return None
    return re.compile(meta.national_prefix_for_parsing)


def _readings(digits: str, intl: bool, bare_cc: Callable[[], bool], region: str) -> Iterator[str]:
    """The ways to read `digits` as a number, most natural first. `bare_cc` is asked only when
    no other reading is left: may the digits start with a country code and no plus?"""
    if intl:
        yield "+" + digits
        return
    if digits.startswith("00"):
        yield "+" + digits[2:]
        return
    prefix = _prefix_regex(region)
    if prefix is None or prefix.match(digits):
        yield digits
    if bare_cc():
        yield "+" + digits


@lru_cache(maxsize=VALIDATE_CACHE)
def validate(candidate: str, region: str) -> tuple[str, str] | None:
    """(E.164, region of the number) if `candidate` is a valid number read in `region`.

    Cached: the same few numbers recur across thousands of ads (that is what links them), and
    parsing is the costliest step here.
    """
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return (phonenumbers.format_number(number, PhoneNumberFormat.E164),
            phonenumbers.region_code_for_number(number) or "")


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
    return len(gap) > 3 or bool(_ODD_GAP.search(gap)), _MARKS.intersection(gap)


class _Field:
    """One field being read: its text, folded text and what numbers in it may look like."""

    def __init__(self, text: str, scan: str, lowered: str, name: str, region: str,
                 lenient: bool) -> None:
        self.text, self.scan, self.lowered = text, scan, lowered
        self.name, self.region, self.lenient = name, region, lenient
        self._messenger_ends: tuple[int, ...] | None = None

    def _messengers(self) -> tuple[int, ...]:
        if self._messenger_ends is None:
            self._messenger_ends = tuple(m.end() for m in _MESSENGER.finditer(self.scan.lower()))
        return self._messenger_ends

    def bare_cc_ok(self, pos: int) -> bool:
        """May digits at `pos` start with a country code and no plus (46701740605)? Only in the
        site's phone field, or just after "WhatsApp", "wa.me/", "tel:" and the like."""
        return self.lenient or any(0 <= pos - end <= CONTEXT_CHARS for end in self._messengers())

    def may_hold_number(self, start: int, end: int) -> bool:
        """Can the cluster at start..end hold a number at all? One of plain digits can only if a
        digit group in it starts like a national number, with enough digits from there on, or
        a bare country code may stand in it. Most dates, prices, measurements and ids end here,
        before they are tokenised; `_segment_hits` would find nothing in them."""
        starts = _start_digits(self.region)
        chunk = self.lowered[start:end]
        if self.lenient or starts is None or _NOT_ONLY_DIGITS.search(chunk):
            return True
        first = _group_start(starts).search(chunk) if starts else None
        if first and sum(map(str.isdigit, chunk[first.start():])) >= MIN_WINDOW_DIGITS:
            return True
        return any(start - CONTEXT_CHARS <= e < end for e in self._messengers())


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
    return tuple(_plain_field(text, field, region, lenient)
                 or _find_phones(text, field, region, hint, lenient, words, None))


def _find_phones(text: str, field: str, region: str, hint: tuple[str, ...], lenient: bool,
                 words: Sequence[str] | None, lowered: str | None) -> list[PhoneHit]:
    scan = numerals.fold(text)
    if words is None or scan is not text:
        words = LETTERS.findall(scan.lower())
    spelled = lenient or count_digit_words(words) >= SPELLED_MIN_WORDS
    if not spelled and not HAS_DIGIT.search(scan):
        return []
    hits: list[PhoneHit] = []
    ctx: _Field | None = None
    lowered, fast = lowered_scan(scan, lowered if scan is text else None)
    for start, end in clusters(lowered, fast, spelled):
        plain = _plain_span(text, scan, start, end, field, region)
        if plain:
            hits.append(plain)
            continue
        if ctx is None:
            ctx = _Field(text, scan, lowered, field, region, lenient)
        if not ctx.may_hold_number(start, end):
            continue
        cluster = pieces(lowered, fast, start, end)
        if len(cluster) > MAX_RUN_TOKENS:
            continue  # hundreds of digits in a row: junk or a table, not something to call
        for run in runs(tokenize(scan, cluster)):
            if sum(len(t.digits) for t in run) < MIN_WINDOW_DIGITS:
                continue
            for seg, plus in segments(resolve(run, hint)):
                hits.extend(_segment_hits(seg, plus, ctx))
    return hits


def _plain_span(text: str, scan: str, start: int, end: int, field: str, region: str) -> PhoneHit | None:
    """A cluster that is one plainly written number as a whole, read without tokenising it.
    The general path would read it the same; anything less plain goes there."""
    if end - start > PLAIN_MAX:
        return None
    raw = text[start:end]
    # Only digits, a leading plus and plain separators, hence only digit pieces (and the same
    # characters in the scan text); no gap between them wide enough to split two numbers.
    if not _PLAIN.fullmatch(raw) or _LOOSE_GAP.search(raw):
        return None
    last = start + len(raw.rstrip("0123456789"))
    if is_quantity(scan, last, end):
        return None
    found = _read_plain(raw, region, False)
    return PhoneHit(found[0], raw, field, start, end, (), found[1]) if found else None


def _plain_field(text: str, field: str, region: str, lenient: bool) -> list[PhoneHit]:
    """The common case, a field that is one plainly written number ("070-174 06 05"), read
    without the general machinery. Anything else returns [] and takes the general path."""
    m = _PLAIN.fullmatch(text)
    if not m:
        return []
    found = _read_plain(m.group(1), region, lenient)
    return [PhoneHit(found[0], m.group(1), field, m.start(1), m.end(1), (), found[1])] if found else []


@lru_cache(maxsize=VALIDATE_CACHE)
def _read_plain(raw: str, region: str, lenient: bool) -> tuple[str, str] | None:
    """(E.164, region) of a plainly written number, or None when it is not one or its digits
    are spaced out, mixed or shaped like a date or time. Cached like `validate`: a number
    recurs across ads, mostly written the same way, and `raw` is at most PLAIN_MAX long."""
    groups = _GROUPS.findall(raw)
    if (len(_MARKS.intersection(raw)) > 1 or sum(1 for g in groups if len(g) == 1) >= 4
            or "  " in raw):
        return None
    digits = "".join(groups)
    if not MIN_WINDOW_DIGITS <= len(digits) <= MAX_WINDOW_DIGITS or _DATE_OR_TIME.fullmatch(raw):
        return None
    for candidate in _readings(digits, raw.startswith("+"), lambda: lenient, region):
        found = validate(candidate, region)
        if found:
            return found
    return None


@cache
def _start_digits(region: str) -> frozenset[str] | None:
    """First digits a national-format number can have in `region`; None: any."""
    prefix = _prefix_regex(region)
    if prefix is None:
        return None
    return frozenset(d for d in "0123456789"
                     if any(prefix.match(d + e + "000000000") for e in "0123456789"))


@cache
def _group_start(starts: frozenset[str]) -> re.Pattern[str]:
    """A digit group whose first digit is one of `starts`."""
    return re.compile(f"(?<![0-9])[{''.join(sorted(starts))}]")


def _segment_hits(seg: list[Token], plus: Token | None, ctx: _Field) -> Iterator[PhoneHit]:
    """Numbers in one stretch of digit tokens, left to right: at each start, the longest window
    that validates, preferring windows that cross no strong gap."""
    i = 0
    after_hit = False
    starts = _start_digits(ctx.region)
    while i < len(seg):
        first = seg[i]
        intl = plus is not None and i == 0
        if i > 0 and first.gap == "glued":
            i += 1
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
            for candidate in _readings(digits, intl, lambda: bare_cc or ctx.bare_cc_ok(first.start),
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
        if not intl and _DATE_OR_TIME.fullmatch(ctx.scan, first.start, seg[j].end):
            i, after_hit = j + 1, False   # "kl 09.00-17.00", "01.02.2026": a time or a date
            continue
        start = first.start
        if intl and plus is not None:
            start = plus.start
        end = seg[j].end
        spelled_plus = intl and ctx.scan[start] != "+"   # "plus fyra sex ..."
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
