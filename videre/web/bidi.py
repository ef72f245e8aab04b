"""Direction-control characters in ad text, shown as visible markers instead of obeyed.

Embeddings, overrides, isolates and direction marks change the order in which text is drawn, not
the text: an ad can make a number or a name read differently on screen than it is stored. Every
view of stored text (pages and the printable case page, not the CSV/JSON exports) shows each
such character as a marker such as ⟨RLO⟩, so what is drawn follows the stored order and the
analyst sees that the character was there.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

CONTROLS: dict[str, str] = {
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
    "\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM",
}


def describe(char: str) -> str:
    """"U+202E RIGHT-TO-LEFT OVERRIDE"."""
    return f"U+{ord(char):04X} {unicodedata.name(char)}"


def _span(char: str, short: str) -> str:
    # dir="ltr": the marker reads left to right anywhere, and the dir="auto" of the text around
    # it skips it (elements with their own dir do not count when a direction is guessed).
    return f'<span class="bidi" dir="ltr" title="{describe(char)}">⟨{short}⟩</span>'


_AS_MARKUP = str.maketrans({c: _span(c, short) for c, short in CONTROLS.items()})
_AS_TEXT = str.maketrans({c: f"⟨{short}⟩" for c, short in CONTROLS.items()})


def marked(value: object) -> Markup:
    """Jinja filter `adtext`: the value escaped, each control character replaced by a marker element.

    Only constant markup of ours is added, after escaping, so nothing from the value can reach it.
    """
    return Markup(str(escape(value)).translate(_AS_MARKUP))


def plain(value: object) -> str:
    """Jinja filter `adplain`, where no element may go (attributes, <option>, SVG text): the
    markers as text, left to autoescape like any other value."""
    if isinstance(value, Markup):
        return Markup(str(value).translate(_AS_TEXT))
    return str(value).translate(_AS_TEXT)
