"""Fictional phone numbers for the demo world and the many ways ads write them.

Swedish numbers come first from PTS's range reserved for fiction (070-174 06 05 … 99, and the
landline ranges used for the site support lines). A world too big for that range (the benchmark
worlds) continues with synthetic mobile numbers; every number is generated, none is looked up.
"""

from __future__ import annotations

import random

# PTS reserves these for films, books and examples; they can never reach anyone.
FICTION_MOBILE_FIRST = 1740605
FICTION_MOBILE_LAST = 1740699
SUPPORT_RANGES = {"031": 3900600, "08": 46500400, "040": 6280400}

# Country code, E.164 prefix after the country code, digits that follow (valid per phonenumbers).
FOREIGN_PLANS: dict[str, tuple[str, str, int]] = {
    "RO": ("40", "72", 7),
    "BG": ("359", "88", 7),
    "PL": ("48", "51", 7),
    "HU": ("36", "20", 7),
    "UA": ("380", "50", 7),
    "NG": ("234", "803", 7),
    "TH": ("66", "81", 7),
}

_WORDS_SV = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio")
_WORDS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_LOOKALIKE = str.maketrans({"0": "O", "1": "l"})


class PhoneAllocator:
    """Hands out distinct numbers in a deterministic order."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._next_fiction = FICTION_MOBILE_FIRST
        self._overflow = 0
        self._foreign_used: set[str] = set()

    def swedish(self) -> str:
        if self._next_fiction <= FICTION_MOBILE_LAST:
            subscriber = self._next_fiction
            self._next_fiction += 1
            return f"+4670{subscriber}"
        # Past the fiction range: synthetic 07x numbers above the fiction block (never clash).
        k = self._overflow
        self._overflow += 1
        prefix = ("70", "72", "73", "76", "79")[k // 8_000_000 % 5]
        return f"+46{prefix}{1_750_000 + k % 8_000_000}"

    def foreign(self, country: str) -> str:
        cc, lead, digits = FOREIGN_PLANS[country]
        while True:
            number = f"+{cc}{lead}{self._rng.randrange(10 ** (digits - 1), 10**digits)}"
            if number not in self._foreign_used:
                self._foreign_used.add(number)
                return number


def support_number(area: str, rng: random.Random) -> str:
    """A landline from the fiction range of one Swedish area code, as E.164."""
    return f"+46{area.lstrip('0')}{SUPPORT_RANGES[area] + rng.randrange(100)}"


def swedish_national(e164: str) -> str:
    """'+46701740605' -> '0701740605'."""
    return "0" + e164[3:]


def _split_sv(e164: str) -> tuple[str, str]:
    """Area code and subscriber digits of a Swedish number."""
    national = swedish_national(e164)
    area_len = 2 if national.startswith("08") else 3
    return national[:area_len], national[area_len:]


def _group_sub(sub: str) -> str:
    """Swedish style grouping: 1740605 -> '174 06 05', 6500400 -> '650 04 00'."""
    if len(sub) == 7:
        return f"{sub[:3]} {sub[3:5]} {sub[5:]}"
    if len(sub) == 8:
        return f"{sub[:3]} {sub[3:6]} {sub[6:]}"
    return f"{sub[:2]} {sub[2:4]} {sub[4:]}"


def format_plain(e164: str, style: int) -> str:
    """One of the ordinary ways a number is written; style picks which (any int)."""
    if not e164.startswith("+46"):
        cc = _country_code(e164)
        rest = e164[1 + len(cc):]
        return (
            f"+{cc} {rest[:3]} {rest[3:6]} {rest[6:]}",
            f"00{e164[1:]}",
            e164,
            f"+{cc}-{rest}",
        )[style % 4]
    area, sub = _split_sv(e164)
    return (
        f"{area}-{_group_sub(sub)}",
        f"+46 {area[1:]} {_group_sub(sub)}",
        f"00{e164[1:]}",
        f"{area}{sub}",
        f"{area}-{sub}",
        f"{area} {_group_sub(sub)}",
        e164,
    )[style % 7]


def support_display(e164: str) -> str:
    """The way a site prints its own support line."""
    return format_plain(e164, 0)


def _country_code(e164: str) -> str:
    for cc, _, _ in FOREIGN_PLANS.values():
        if e164.startswith("+" + cc):
            return cc
    return e164[1:3]


def _digits_as_written(e164: str) -> str:
    return swedish_national(e164) if e164.startswith("+46") else "00" + e164[1:]


def obfuscate(e164: str, style: int) -> str:
    """A number written to slip past filters, the way organised ads do it."""
    digits = _digits_as_written(e164)
    match style % 6:
        case 0:
            words = [_WORDS_SV[int(d)] for d in digits]
            return " ".join(words[:3]) + " - " + " ".join(words[3:6]) + " - " + " ".join(words[6:])
        case 1:
            pairs = " ".join(digits[i : i + 2] for i in range(3, len(digits), 2))
            return f"{digits[:3]}-{pairs}".translate(_LOOKALIKE)
        case 2:
            return " ".join(digits)
        case 3:
            return digits.translate(_FULLWIDTH)
        case 4:
            return " ".join(_WORDS_EN[int(d)] for d in digits)
        case _:
            return " * ".join(digits[i : i + 3] for i in range(0, len(digits), 3)).replace("0", "O")
