"""The price an ad states, as SEK per hour: the one-hour price if there is one, otherwise the
first price with a duration next to it, scaled to an hour.

All patterns run on lower-cased text. Each one that scans a whole text starts with a single
character class (a lookbehind goes after it, never before): only then does the regex engine skip
prose at C speed instead of trying a match at every character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Approximate rates for reading foreign prices; good enough to compare ads, not to do accounts.
SEK_PER = {"sek": 1.0, "eur": 11.5, "usd": 10.5, "gbp": 13.5}
MIN_SEK_PER_HOUR, MAX_SEK_PER_HOUR = 200, 50_000
PRICE_REACH = 25   # characters between a price and its duration, on one line

# "2 500" or "2.500", else 2 to 6 digits; written so that it starts with one class.
_AMOUNT = r"([0-9](?:[0-9]?[ .][0-9]{3}|[0-9]{1,5}))(?![0-9.,][0-9])"
_CURRENCY = r"(kr\b|kronor|sek\b|:-|€|eur\b|euros?\b|\$|usd\b|£|gbp\b)"
_PRICE_AFTER = re.compile(rf"{_AMOUNT}\s*{_CURRENCY}")                      # 1500 kr
_PRICE_BEFORE = re.compile(rf"(€|\$|£|eur|usd|sek|gbp)\s*(?<![a-z]{{4}}){_AMOUNT}")   # €200
_CURRENCY_CODE = {"kr": "sek", "kronor": "sek", "sek": "sek", ":-": "sek", "€": "eur", "eur": "eur",
                  "euro": "eur", "euros": "eur", "$": "usd", "usd": "usd", "£": "gbp", "gbp": "gbp"}

# "30 min", "1h", "2 timmar"; not the tail of a longer number ("2026" holds no "26 min")
_DURATION_NUMBER = re.compile(r"([0-9](?<![0-9.,][0-9])[0-9]{0,2}(?:[.,][0-9])?)[ \t]*"
                              r"(h|tim|timme|timmar|hours?|hrs?|min|minuter|minutes|mins)\b")
# "en timme", "one hour", "/h", "per timme": found from the unit, then the words before it.
# The lookbehind drops the most common misses ("och") in the engine; `_durations` checks the rest.
_UNIT = re.compile(r"[th](?<![a-zåäö][th])(?:(?<=t)imm(?:e|ar|en)|(?<=h)(?:our|r)?)(?![a-zåäö])")
_WORD_BEFORE = re.compile(r"\b(en|ett|one|an|a|half|halv)[ \t]+$")
_PER_BEFORE = re.compile(r"(?:/[ \t]*|\bper[ \t]+|\bthe[ \t]+|\bi[ \t]+)$")
_HALF_HOURS = ("halvtimme", "halftimme")
_WORD_NUMBER = {"en": 1.0, "ett": 1.0, "one": 1.0, "an": 1.0, "a": 1.0, "half": 0.5, "halv": 0.5}
# "1h 2500", "2h: 3500" with no currency: read in the ad's currency.
_BARE_AFTER_DURATION = re.compile(r"(\d(?<![\d.,]\d)\d?(?:[.,]5)?)\s*(h|tim|timme|timmar|min)\b\.?"
                                  r"[ \t]*[:=\-]?[ \t]*(\d{3,5})(?![\d])")

# A price needs a number with a currency or a duration next to it (after its last digit).
_PRICE_HINT = re.compile(r"[0-9€$£](?:(?<=[0-9])(?![0-9])[ \t]*(?:kr|sek|:-|eur|usd|gbp|h\b|tim|min|hour)"
                         r"|(?<![0-9]))")
_CODES_BEFORE = ("sek", "eur", "usd", "gbp")


def _hours(count: str | None, unit: str) -> float | None:
    n = 1.0 if count is None else _WORD_NUMBER.get(count) or float(count.replace(",", "."))
    if n <= 0:
        return None
    return n / 60 if unit.startswith("min") else n


def _durations(lowered: str) -> list[tuple[int, int, float]]:
    """(start, end, hours) of every stated duration."""
    out = []
    for m in _DURATION_NUMBER.finditer(lowered):
        hours = _hours(m.group(1), m.group(2))
        if hours:
            out.append((m.start(), m.end(), hours))
    for m in _UNIT.finditer(lowered):
        start = m.start()
        if start and lowered[start - 1].isalpha():
            continue
        before = lowered[max(0, start - 8):start]
        word = _WORD_BEFORE.search(before)
        if word:
            out.append((start - len(word.group()), m.end(), _WORD_NUMBER[word.group(1)]))
        elif _PER_BEFORE.search(before):
            out.append((start, m.end(), 1.0))
    for half in _HALF_HOURS:
        at = lowered.find(half)
        if at >= 0:
            out.append((at, at + len(half), 0.5))
    return out


def _amount(text: str) -> float:
    return float(text.replace(" ", "").replace(".", ""))


def _prices(lowered: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, amount in SEK) for each amount with a currency."""
    for m in _PRICE_AFTER.finditer(lowered):
        if m.start() and lowered[m.start() - 1] in "0123456789.,":
            continue
        yield m.start(), m.end(), _amount(m.group(1)) * SEK_PER[_CURRENCY_CODE[m.group(2)]]
    for m in _PRICE_BEFORE.finditer(lowered):
        yield m.start(), m.end(), _amount(m.group(2)) * SEK_PER[_CURRENCY_CODE[m.group(1)]]


def _near(lowered: str, start: int, end: int, d_start: int, d_end: int) -> bool:
    return ((-PRICE_REACH <= start - d_end <= PRICE_REACH or -PRICE_REACH <= d_start - end <= PRICE_REACH)
            and "\n" not in lowered[min(start, d_start):max(end, d_end)])


def price_sek_per_hour(text: str, default_currency: str = "sek",
                       lowered: str | None = None) -> float | None:
    """The hourly rate in SEK, or None. Bare amounts ("1h 2500") are read in `default_currency`.
    `lowered`: text.lower(), when the caller has it."""
    if lowered is None:
        lowered = text.lower()
    if len(lowered) != len(text) or not (_PRICE_HINT.search(lowered)
                                          or any(map(lowered.__contains__, _CODES_BEFORE))):
        return None
    durations = _durations(lowered)
    if not durations:
        return None
    rates: list[tuple[int, float, float]] = []   # (position, hours, sek per hour)
    for start, end, sek in _prices(lowered):
        near = [(min(abs(start - d_end), abs(d_start - end)), hours)
                for d_start, d_end, hours in durations if _near(lowered, start, end, d_start, d_end)]
        if near:
            hours = min(near)[1]
            rates.append((start, hours, sek / hours))
    if not rates:
        for m in _BARE_AFTER_DURATION.finditer(lowered):
            hours = _hours(m.group(1), m.group(2))
            if hours:
                rates.append((m.start(), hours, float(m.group(3)) * SEK_PER[default_currency] / hours))
    rates = sorted(r for r in rates if MIN_SEK_PER_HOUR <= r[2] <= MAX_SEK_PER_HOUR)
    if not rates:
        return None
    hourly = [r for r in rates if abs(r[1] - 1) < 1e-9]
    return round((hourly or rates)[0][2], 2)
