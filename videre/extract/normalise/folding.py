"""Folding text for lookups: case, diacritics and punctuation stop mattering."""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "ł": "l", "Ł": "l",
                        "đ": "d", "ı": "i"})
_NON_WORD = re.compile(r"[\W_]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_name(text: str) -> str:
    """'Göteborg - Majorna' -> 'goteborg majorna'."""
    return _NON_WORD.sub(" ", strip_accents(text).casefold()).strip()


def is_latin1(text: str) -> bool:
    """Is every character of `text` in Latin-1 (most Western European text)? At C speed: a
    cheap test before a scan for characters of other scripts."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
