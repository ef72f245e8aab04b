"""What the ad says about the person and the service: age, name, incall and outcall.

Word-based readers work on the shared word pass (`wording.Words`) and the phrase matches that
`extract` finds once for all readers; labels here start with "age:", "name" and "call:".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from videre.extract.normalise.wording import PhraseIndex, Words, words

MIN_AGE, MAX_AGE = 15, 75          # what free text may state; a site's age field may say more
FIELD_MIN_AGE, FIELD_MAX_AGE = 10, 99
MAX_NAME_CHARS = 60

_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60,
         "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_TEENS = {"femton": 15, "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_ONES_SV = {"ett": 1, "en": 1, "två": 2, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
            "sju": 7, "åtta": 8, "atta": 8, "nio": 9}
_ONES_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9}
AGE_UNITS = "år|års|åring|yo|years|year|yrs|jahre|ani|lat|años"
_AGE_AFTER = re.compile(r"\s*(?:år(?:s|ing)?|-åring|yo\b|y\.?o\b\.?|y/o|yrs?\b|years?\b|jahre\b|ani\b"
                        r"|lat\b|años\b)", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?:ålder|age|alder|edad|vârsta|varsta|wiek|alter)\s*[:=\-]?\s*$"
                         r"|(?:jag\s+är|i\s+am|i'm|im|soy|sunt|mam)\s+$", re.IGNORECASE)
# "jobbat i 10 år", "for 20 years": a duration, not an age.
_DURATION_BEFORE = re.compile(r"(?:\bi|\bin|\bfor|\bsince|\bsedan|\bpå|\bunder|\bover|\böver|"
                              r"\bsenaste|\blast|\bpast|\befter|\bom)\s+$", re.IGNORECASE)
_NOT_AGE_AFTER = re.compile(r"\s*(?:cm|kg|min|kr|sek|%|h\b|st\b|:|\.\d|,\d)", re.IGNORECASE)
# Two digits not inside a longer number, date, time or word; the class comes first for speed.
_TWO_DIGITS = re.compile(r"([0-9]{2})(?<![\w.,:/+\-][0-9]{2})(?![\w.,:/-][0-9]|[0-9])")
_FIELD_AGE = re.compile(r"(?<!\d)(\d{2})(?!\d)")
# "Anna, 23" / "Anna (23)" opening a field; "Room 23" (no comma) is no age.
_TITLE_NAME_AGE = re.compile(r"^\s*[A-ZÅÄÖ][a-zåäöé]+\s*(?:,\s*|\(\s*)$")
_TITLE_AGE_END = re.compile(r"\s*(?:\)|$|[,.!\-])")

NAME_CUES = ["jag heter", "mitt namn är", "my name is", "my name's", "call me", "i am", "i'm",
             "jag är", "me llamo", "ich heiße", "ich bin", "mă numesc", "ma numesc",
             "nazywam się", "mam na imię", "hej jag är", "hi i'm"]
NOT_NAMES = frozenset({
    "new", "ny", "here", "available", "back", "hot", "sweet", "young", "real", "ready", "waiting",
    "tillgänglig", "här", "tillbaka", "söt", "het", "sexig", "sexy", "the", "a", "an", "your",
    "din", "en", "ett", "very", "not", "so", "only", "just", "bara", "nu", "now", "inte", "from",
    "från", "in", "i", "open", "discreet", "diskret", "verified", "verifierad", "ung", "unga",
})

_IN = ["incall", "in call", "hos mig", "egen lägenhet", "i min lägenhet", "tar emot", "my place",
       "my apartment", "privat lägenhet", "min lägenhet"]
_OUT = ["outcall", "out call", "hembesök", "hotellbesök", "kommer till dig", "come to you",
        "your place", "your hotel", "besöker dig", "hotel visit|visits", "hotell|hotel och|and hem"]
_NEG = "no|not|ingen|inga|inte|ej"
_ONLY = "only|bara|endast|enbart"


def _spelled_ages() -> Iterator[tuple[str, int]]:
    """'tjugotre' (Swedish writes one word), 'twenty three' / 'twentythree' / 'twenty-three'."""
    yield from _TEENS.items()
    for tens, t in _TENS.items():
        yield tens, t
        if tens.endswith("ty"):
            for one, o in _ONES_EN.items():
                yield f"{tens} {one}", t + o
                yield f"{tens}{one}", t + o
        else:
            for one, o in _ONES_SV.items():
                yield f"{tens}{one}", t + o


@cache
def _spelled_index() -> PhraseIndex:
    by_age: dict[str, list[str]] = {}
    for spelled, age in _spelled_ages():
        by_age.setdefault(f"age:{age}", []).append(spelled)
    return PhraseIndex(by_age)


def phrases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"name": NAME_CUES}
    for spelled, age in _spelled_ages():
        out.setdefault(f"age:{age}", []).append(f"{spelled} {AGE_UNITS}")
    out["call:in"] = _IN
    out["call:out"] = _OUT
    out["call:noin"] = [f"{_NEG} {p}" for p in _IN] + [f"{p} ej|not möjligt|possible" for p in _IN]
    out["call:noout"] = [f"{_NEG} {p}" for p in _OUT]
    out["call:onlyin"] = [f"{_ONLY} {p}" for p in _IN] + [f"{p} only" for p in _IN]
    out["call:onlyout"] = [f"{_ONLY} {p}" for p in _OUT] + [f"{p} only" for p in _OUT]
    return out


def age_from_field(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if FIELD_MIN_AGE <= value <= FIELD_MAX_AGE else None
    if not isinstance(value, str):
        return None
    m = _FIELD_AGE.search(value[:200])
    if m:
        age = int(m.group(1))
    else:
        found = _spelled_index().find(words(value[:200]))
        age = int(found[0][0][4:]) if found else None
    return age if age is not None and FIELD_MIN_AGE <= age <= FIELD_MAX_AGE else None


def age_in_text(text: str, labels: Iterable[str] = ()) -> int | None:
    """A stated age: '23 år', 'age: 23', 'I am 23', 'Anna, 23' (a title), or spelled out."""
    for m in _TWO_DIGITS.finditer(text):
        before = text[max(0, m.start() - 14):m.start()]
        after = text[m.end():m.end() + 12]
        if _NOT_AGE_AFTER.match(after):
            continue
        if _AGE_AFTER.match(after):
            if _DURATION_BEFORE.search(before):
                continue
        elif not (_AGE_BEFORE.search(before) or (
                _TITLE_NAME_AGE.match(text[:m.start()]) and _TITLE_AGE_END.match(after))):
            continue
        age = int(m.group(1))
        if MIN_AGE <= age <= MAX_AGE:
            return age
    for label in labels:
        if label.startswith("age:"):
            return int(label[4:])
    return None


def name_from_field(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    name = " ".join(value.split())[:MAX_NAME_CHARS]
    return name or None


def name_after(ws: Words, j: int, not_names: frozenset[str] = frozenset()) -> str | None:
    """The capitalised word after a name cue ('jag heter' Anna), if it can be a name.
    `not_names` adds words that are capitalised but no name (nationalities: "I'm Swedish")."""
    if j >= len(ws):
        return None
    word = ws.original(j)
    if (word[:1].isupper() and word.isalpha() and 2 <= len(word) <= 20
            and ws.lower[j] not in NOT_NAMES and ws.lower[j] not in not_names
            and not word.isupper()):
        if ws.between(j - 1, j).strip(" ,:") == "":
            return word
    return None


def call_modes(labels: Iterable[str]) -> tuple[bool | None, bool | None]:
    """(incall, outcall): True when offered, False when refused or excluded, None when unsaid."""
    incall: bool | None = None
    outcall: bool | None = None
    for label in labels:
        if label == "call:noin":
            incall = False
        elif label == "call:noout":
            outcall = False
        elif label == "call:onlyin":
            incall, outcall = (True if incall is None else incall), False
        elif label == "call:onlyout":
            incall, outcall = False, (True if outcall is None else outcall)
        elif label == "call:in" and incall is None:
            incall = True
        elif label == "call:out" and outcall is None:
            outcall = True
    return incall, outcall
