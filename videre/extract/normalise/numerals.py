"""How ads write digits: styled Unicode digits, look-alike letters and digits spelled as words.

The character map is one-to-one (one code point in, one out) so that spans found in the mapped
text are spans of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from videre.extract.normalise.folding import is_latin1

# Digits spelled out, per language. Misspellings seen in ads are listed with the plain forms;
# a word that means something else as well (Swedish "en", English "for") is only read as a
# digit among other digits (see HOMOPHONES). A run of digit words is read in one language: the
# one most of its words belong to, so Spanish "dos" and English "to" do not mix.
DIGIT_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "noll": "0", "nolla": "0", "nol": "0", "nll": "0",
        "ett": "1", "etta": "1", "en": "1",
        "två": "2", "tva": "2", "tvåa": "2", "tvaa": "2", "tvo": "2",
        "tre": "3", "trea": "3",
        "fyra": "4", "fyr": "4", "fyrra": "4",
        "fem": "5", "femma": "5",
        "sex": "6", "sexa": "6",
        "sju": "7", "sjuu": "7", "sjua": "7", "schu": "7",
        "åtta": "8", "atta": "8", "åta": "8", "otta": "8",
        "nio": "9", "nia": "9", "nie": "9",
    },
    "en": {
        "zero": "0", "zeero": "0", "ziro": "0", "zeroo": "0", "oh": "0",
        "one": "1", "won": "1", "wun": "1",
        "two": "2", "to": "2", "too": "2", "tu": "2", "tow": "2",
        "three": "3", "tree": "3", "thre": "3", "threee": "3",
        "four": "4", "for": "4", "fore": "4", "fuor": "4", "fower": "4", "foor": "4",
        "five": "5", "fiev": "5", "fiv": "5", "fife": "5",
        "six": "6", "sixx": "6", "siks": "6", "sicks": "6",
        "seven": "7", "sevn": "7", "sevan": "7", "seben": "7", "sevem": "7",
        "eight": "8", "eigth": "8", "eigt": "8", "eihgt": "8", "ate": "8", "eigh": "8",
        "nine": "9", "nien": "9", "nyne": "9", "nin": "9",
    },
    "de": {
        "null": "0", "eins": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4", "fünf": "5",
        "fuenf": "5", "funf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9",
    },
    "es": {
        "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
        "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
    },
    "ro": {
        "zero": "0", "unu": "1", "doi": "2", "trei": "3", "patru": "4", "cinci": "5", "șase": "6",
        "şase": "6", "sase": "6", "șapte": "7", "şapte": "7", "sapte": "7", "opt": "8", "nouă": "9",
        "noua": "9",
    },
    "pl": {
        "zero": "0", "jeden": "1", "dwa": "2", "trzy": "3", "cztery": "4", "pięć": "5", "piec": "5",
        "sześć": "6", "szesc": "6", "siedem": "7", "osiem": "8", "dziewięć": "9", "dziewiec": "9",
    },
}

# Words that are ordinary words first: digits only with a digit on each side, or at the edge of
# a run of at least three unambiguous digit words ("... noll sex sex").
HOMOPHONES = frozenset({"en", "oh", "to", "too", "tu", "tow", "won", "for", "fore", "ate", "tree",
                        "nie", "una", "dos", "opt", "null", "sex", "nin", "eigh", "fife"})

# Look-alikes for 0 and 1. Only read as digits among digits.
LOOKALIKES: dict[str, str] = {"o": "0", "O": "0", "l": "1", "I": "1", "i": "1", "!": "1", "|": "1"}

# Native-script decimal digits are how some languages write numbers, not a disguise.
_STYLED_NAMES = ("FULLWIDTH", "MATHEMATICAL", "CIRCLED", "SUPERSCRIPT", "SUBSCRIPT", "DINGBAT",
                 "PARENTHESIZED", "FULL STOP", "COMMA", "SEGMENTED", "OUTLINED")
# Cyrillic and Greek capitals/smalls that look like Latin O and I.
_LETTER_LOOKALIKES = {"О": "O", "о": "o", "Ο": "O", "ο": "o", "І": "I", "і": "i", "Ӏ": "I",
                      "Ι": "I", "ι": "i"}
_PLUS_SIGNS = {"＋": "+", "﹢": "+", "➕": "+"}
_SCAN_LIMIT = 0x1FC00


@cache
def char_map() -> dict[int, str]:
    """Code point -> one ASCII character: every Unicode digit style, fullwidth and mathematical
    letters, look-alike O/I from other scripts, and plus signs."""
    table: dict[int, str] = {}
    for cp in range(0x80, _SCAN_LIMIT):
        ch = chr(cp)
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            table[cp] = str(digit)
            continue
        if 0xFF21 <= cp <= 0xFF5A or 0x1D400 <= cp <= 0x1D6A3:
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded.isascii():
                table[cp] = folded
    for src, dst in (_LETTER_LOOKALIKES | _PLUS_SIGNS).items():
        table[ord(src)] = dst
    return table


@cache
def styled_digits() -> frozenset[str]:
    """Characters that write a digit in a decorative style (what a filter-dodger uses)."""
    out = set()
    for cp, mapped in char_map().items():
        if not mapped.isdigit():
            continue
        name = unicodedata.name(chr(cp), "")
        if unicodedata.category(chr(cp)) != "Nd" or any(s in name for s in _STYLED_NAMES):
            out.add(chr(cp))
    return frozenset(out)


def _char_class(cps: list[int]) -> re.Pattern[str]:
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)
    return re.compile(f"[{body}]")


@cache
def _needs_fold() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes of the code points `fold` changes. The Basic Multilingual Plane and the
    rest are kept apart: a class within the BMP compiles to a bitmap, a mixed one to a slow list."""
    cps = sorted(char_map())
    return _char_class([c for c in cps if c <= 0xFFFF]), _char_class([c for c in cps if c > 0xFFFF])


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@cache
def _latin1_folds() -> tuple[str, ...]:
    """The few Latin-1 characters `fold` changes (superscript digits)."""
    return tuple(chr(cp) for cp in char_map() if cp <= 0xFF)


def fold(text: str) -> str:
    """The scan text: same length as `text`, digits and look-alike letters in ASCII."""
    if "<3" in text:   # a heart between digit groups ("07<334<3106"): a separator, not a 3
        text = text.replace("<3", "\u2665\u2665")
    if text.isascii():
        return text
    if is_latin1(text):
        # Western European text (Swedish, German, Spanish): a few substring tests instead of
        # a scan with the large character classes below.
        return text.translate(char_map()) if any(map(text.__contains__, _latin1_folds())) else text
    bmp, astral = _needs_fold()
    if not bmp.search(text) and not (_ASTRAL.search(text) and astral.search(text)):
        return text
    return text.translate(char_map())


def trie_pattern(words: list[str]) -> str:
    """A regex alternation of `words` shaped as a prefix tree, so a miss fails on one branch."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(tree)


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    optional = "" in node
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        return "(?:" + body + ")?"
    return body


@cache
def word_table() -> dict[str, tuple[str, frozenset[str]]]:
    """Lower-case word -> (digit, languages it is a digit word in)."""
    table: dict[str, tuple[str, set[str]]] = {}
    for lang, words in DIGIT_WORDS.items():
        for word, digit in words.items():
            entry = table.setdefault(word, (digit, set()))
            entry[1].add(lang)
    return {w: (d, frozenset(langs)) for w, (d, langs) in table.items()}


@cache
def longest_word() -> int:
    return max(len(w) for w in word_table())


@cache
def word_prefixes() -> frozenset[str]:
    """The first three letters of every digit word of three letters or more."""
    return frozenset(w[:3] for w in word_table() if len(w) >= 3)


@cache
def strong_words() -> frozenset[str]:
    """Digit words that are no ordinary word as well."""
    return frozenset(word_table()) - HOMOPHONES


def split_pieces(chunk: str) -> list[tuple[int, int, str]] | None:
    """Split a run of letters into digit words and look-alikes, or None if it cannot be.

    The whole chunk must be covered, fewest pieces first: "sevenone" is seven+one, "sevenO" is
    seven+O, and Spanish "tengo" or English "someone" are words, not digits.
    """
    lowered = chunk.lower()
    if len(lowered) != len(chunk) or len(chunk) > 60:
        return None
    table = word_table()
    # Most chunks are one word or one letter: no need for the search below.
    if lowered in table:
        return [(0, len(chunk), "word")]
    if len(chunk) == 1:
        return [(0, 1, "look")] if chunk in LOOKALIKES else None
    # best[i]: pieces covering chunk[i:], fewest pieces first.
    best: list[list[tuple[int, int, str]] | None] = [None] * (len(chunk) + 1)
    best[len(chunk)] = []
    longest = longest_word()
    for i in range(len(chunk) - 1, -1, -1):
        options: list[list[tuple[int, int, str]]] = []
        for j in range(min(len(chunk), i + longest), i, -1):
            rest = best[j]
            if rest is None:
                continue
            piece = lowered[i:j]
            if piece in table:
                options.append([(i, j, "word")] + rest)
            elif j == i + 1 and chunk[i] in LOOKALIKES:
                options.append([(i, j, "look")] + rest)
        if options:
            best[i] = min(options, key=len)
    return best[0]
