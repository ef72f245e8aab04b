"""Fictional phone numbers and the ways ads write them (plainly, or hidden from scrapers).

Numbers are drawn at random in valid mobile ranges (Swedish 07x, and the foreign ranges that
published studies of Nordic escort ads report for organisers: Romania, Bulgaria, Hungary, Poland,
Nigeria, Thailand). Each actor keeps its numbers, so a number is an identity in this world exactly
as far as its owner uses it.
"""

from __future__ import annotations

import random

# (country code, national prefixes, digits after the prefix, grouping for display)
MOBILE = {
    "+46": (("70", "72", "73", "76", "79"), 7),
    "+40": (("72", "73", "74", "75", "76"), 7),
    "+359": (("87", "88", "89"), 7),
    "+36": (("20", "30", "70"), 7),
    "+48": (("51", "60", "66", "69", "72", "78", "79"), 7),
    "+234": (("803", "806", "810", "813", "703", "706", "903"), 7),
    "+66": (("81", "82", "86", "89", "91", "94"), 7),
}
SUPPORT_PREFIX = "+46771"  # Swedish non-geographic numbers: a site's support line, a switchboard

DIGIT_WORDS_SV = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio")
DIGIT_WORDS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
LOOKALIKE = {"0": "O", "1": "l"}  # the classic look-alikes; Videre reads them


class NumberBook:
    """Hands out distinct fictional numbers (E.164) for one world."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def mobile(self, cc: str = "+46") -> str:
        prefixes, rest = MOBILE[cc]
        while True:
            n = cc + self.rng.choice(prefixes) + "".join(str(self.rng.randrange(10)) for _ in range(rest))
            if n not in self.used:
                self.used.add(n)
                return n

    def service(self) -> str:
        while True:
            n = SUPPORT_PREFIX + "".join(str(self.rng.randrange(10)) for _ in range(6))
            if n not in self.used:
                self.used.add(n)
                return n


def national(e164: str) -> str:
    """A Swedish number as Swedes write it (070-123 45 67); others in international form."""
    if e164.startswith("+46"):
        d = "0" + e164[3:]
        if d.startswith("0771"):
            return f"{d[:4]}-{d[4:6]} {d[6:8]} {d[8:]}"
        return f"{d[:3]}-{d[3:6]} {d[6:8]} {d[8:]}"
    for cc in sorted(MOBILE, key=len, reverse=True):
        if e164.startswith(cc):
            rest = e164[len(cc):]
            return f"{cc} {rest[:3]} {rest[3:6]} {rest[6:]}".strip()
    return e164


def written(e164: str, style: str, rng: random.Random) -> str:
    """The number as an ad writes it. Styles: plain, compact, spaced, words, lookalike, mixed."""
    shown = national(e164)
    digits = "".join(c for c in shown if c.isdigit())
    lead = "+" if shown.startswith("+") else ""
    if style == "plain":
        return shown
    if style == "compact":
        return lead + digits
    if style == "spaced":
        return lead + " ".join(digits)
    if style == "words":
        words = DIGIT_WORDS_SV if not lead else DIGIT_WORDS_EN
        return (lead + " " if lead else "") + " ".join(words[int(c)] for c in digits)
    if style == "lookalike":
        return "".join(LOOKALIKE.get(c, c) if rng.random() < 0.7 else c for c in shown)
    if style == "dots":
        return lead + ".".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    raise ValueError(f"unknown number style {style!r}")


HIDDEN_STYLES = ("spaced", "words", "lookalike", "dots")
