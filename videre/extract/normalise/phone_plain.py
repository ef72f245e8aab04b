"""Plainly written numbers and validation: the fast path of phone extraction.

A field or cluster that is just digits, a leading plus and plain separators ("070-174 06 05",
"+46 70 174 06 05") is read here without tokenising; anything less plain takes the general
path in `phones`. Every candidate is validated with phonenumbers, through a cache: the same
numbers recur across thousands of ads (that is what links them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, NumberParseException, PhoneNumber, PhoneNumberFormat

from videre.extract.normalise.phone_tokens import MIN_WINDOW_DIGITS, is_quantity
from videre.extract.normalise.results import PhoneHit

MAX_WINDOW_DIGITS = 17      # 15 E.164 digits plus "00"
VALIDATE_CACHE = 16_384
MARKS = frozenset("-–./")   # the separators of a plainly written number
# "kl 09.00-17.00", "01.02.2026": digits that validate by chance but are a time or a date.
_TIME_OR_DAY = (r"(?:[0-9]{1,2}[.:][0-9]{2}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}"
                r"|[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2})")
DATE_OR_TIME = re.compile(rf"{_TIME_OR_DAY}(?:\s*[-–/,]?\s*{_TIME_OR_DAY})*")
# Opening hours, two ranges or more: "08-10, 14-22", "08 to 10 and 14 to 22".
_HOUR = r"(?:[01]?[0-9]|2[0-4])(?![0-9])"
_HOURS = rf"{_HOUR}\s*(?:[-–]|to|till)\s*{_HOUR}"
_HOUR_RANGES = re.compile(rf"{_HOURS}(?:\s*(?:,|and|och|&)?\s*{_HOURS})+", re.IGNORECASE)


def in_hours(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies within opening hours that start at `start`."""
    m = _HOUR_RANGES.match(text, start)
    return m is not None and m.end() >= end


# A window that starts with a whole date, year and all ("01.12.2026 - 15..."), is a date range.
DATED = re.compile(r"(?:[0-9]{1,2}[./][0-9]{1,2}[./](?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}-[0-9]{1,2}-[0-9]{1,2})"
                   r"(?![0-9])")
# A field or stretch that is just one plainly written number.
PLAIN_MAX = 40
_PLAIN = re.compile(r"\s*(\+?[0-9][0-9 \-./()]{5,30}[0-9])\s*")
_GROUPS = re.compile(r"[0-9]+")
# A gap in a plain stretch that splits it (`_classify_gap` calls it strong or a break).
_LOOSE_GAP = re.compile(r"[^0-9+]{4}|/[^0-9+]* | [^0-9+]*/")


@cache
def prefix_regex(region: str) -> re.Pattern[str] | None:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.country_code == 1 or not meta.national_prefix_for_parsing:
        return None
    return re.compile(meta.national_prefix_for_parsing)


def readings(digits: str, intl: bool, bare_cc: Callable[[], bool], region: str) -> Iterator[str]:
    """The ways to read `digits` as a number, most natural first. `bare_cc` is asked only when
    no other reading is left: may the digits start with a country code and no plus?"""
    if intl:
        yield "+" + digits
        return
    if digits.startswith("00"):
        yield "+" + digits[2:]
        return
    prefix = prefix_regex(region)
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
    quick = _validate_digits(candidate, region)
    if quick is not None:
        return quick or None
    return _validate_parsed(candidate, region)


def _validate_parsed(candidate: str, region: str) -> tuple[str, str] | None:
    """`validate` through phonenumbers' full parser."""
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return (phonenumbers.format_number(number, PhoneNumberFormat.E164),
            phonenumbers.region_code_for_number(number) or "")


def _validate_digits(candidate: str, region: str) -> tuple[str, str] | Literal[False] | None:
    """`validate` for the common case, without phonenumbers' parser: digits after "+" and a
    country code, or after the region's trunk prefix when that is plain digits ("0", "06",
    "8"). phonenumbers still judges the number (`is_valid_number`); only the parsing, which
    costs more than the judging, is skipped. None: not such a case, parse it. A test checks
    that this agrees with the parser on many random candidates."""
    if candidate[0] == "+":
        digits = candidate[1:]
        if digits[:1] == "0":
            return None
        for width in (1, 2, 3):
            code = int(digits[:width]) if len(digits) > width and digits[:width].isdigit() else 0
            if code in COUNTRY_CODE_TO_REGION_CODE:
                break
        else:
            return None
        prefix = _plain_prefix(COUNTRY_CODE_TO_REGION_CODE[code][0])
        national = digits[width:]
        if prefix is None or national.startswith(prefix):
            return None
    else:
        prefix = _plain_prefix(region)
        if not prefix or not candidate.startswith(prefix):
            return None
        national = candidate[len(prefix):]
        code = _country_code(region)
        if national.startswith(str(code)):
            return None   # the parser may read a country code here
    if not national.isdigit() or national[0] == "0" or not 2 <= len(national) <= 17:
        return None
    number_region = _judge(code, national)
    if number_region is None:
        # The parser keeps a trunk prefix that a valid-looking number starts with (Russian
        # 8 445 ...); let it judge those.
        return None if candidate[0] != "+" and _whole_is_national(candidate, region) else False
    return f"+{code}{national}", number_region


@lru_cache(maxsize=VALIDATE_CACHE)
def _judge(code: int, national: str) -> str | None:
    """The number's region ("" if none) when phonenumbers finds it valid, else None. Cached
    apart from `validate`: an ad often writes one number in two forms (national in the text,
    international in the phone field), and judging is the costly part."""
    number = PhoneNumber(country_code=code, national_number=int(national))
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_number(number) or ""


@cache
def _plain_prefix(region: str) -> str | None:
    """The region's trunk prefix when phonenumbers strips it as plain digits; "" if it has
    none; None when stripping is more than that (a pattern, a rewrite) or unknown."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.national_prefix_transform_rule:
        return None
    prefix = meta.national_prefix_for_parsing or ""
    return prefix if prefix.isdigit() or not prefix else None


def _whole_is_national(digits: str, region: str) -> bool:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    pattern = meta.general_desc.national_number_pattern if meta and meta.general_desc else None
    return pattern is None or re.fullmatch(pattern, digits) is not None


@cache
def _country_code(region: str) -> int:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return meta.country_code if meta is not None else 0


def plain_span(text: str, scan: str, start: int, end: int, field: str, region: str) -> PhoneHit | None:
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


def plain_field(text: str, field: str, region: str, lenient: bool) -> list[PhoneHit]:
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
    if (len(MARKS.intersection(raw)) > 1 or sum(1 for g in groups if len(g) == 1) >= 4
            or "  " in raw):
        return None
    digits = "".join(groups)
    if not MIN_WINDOW_DIGITS <= len(digits) <= MAX_WINDOW_DIGITS or DATE_OR_TIME.fullmatch(raw):
        return None
    for candidate in readings(digits, raw.startswith("+"), lambda: lenient, region):
        found = validate(candidate, region)
        if found:
            return found
    return None


def international_length(digits: str) -> int | None:
    """How many digits, country code included, the longest mobile or fixed-line number that
    begins with `digits` (what follows a "+" or "00") may have; None when no country code
    begins them. Rarer kinds of number run longer (Bulgaria's 12 digits); counting them would
    stretch a number over the next one written after it."""
    if digits.startswith("0"):
        return None
    for width in (1, 2, 3):   # country codes are prefix-free
        if len(digits) >= width and int(digits[:width]) in COUNTRY_CODE_TO_REGION_CODE:
            return width + _longest_national(int(digits[:width]))
    return None


@cache
def _longest_national(country_code: int) -> int:
    lengths = [0]
    for region in COUNTRY_CODE_TO_REGION_CODE[country_code]:
        meta = (phonenumbers.PhoneMetadata.metadata_for_nongeo_region(country_code)
                if region == "001" else phonenumbers.PhoneMetadata.metadata_for_region(region))
        if meta is None:
            continue
        usual = [n for desc in (meta.mobile, meta.fixed_line) if desc is not None
                 for n in desc.possible_length]
        if max(usual, default=-1) <= 0 and meta.general_desc is not None:
            usual = list(meta.general_desc.possible_length)
        lengths.extend(usual)
    return max(lengths)


@cache
def start_digits(region: str) -> frozenset[str] | None:
    """First digits a national-format number can have in `region`; None: any."""
    prefix = prefix_regex(region)
    if prefix is None:
        return None
    return frozenset(d for d in "0123456789"
                     if any(prefix.match(d + e + "000000000") for e in "0123456789"))
