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
