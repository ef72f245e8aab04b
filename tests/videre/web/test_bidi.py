"""Direction-control characters in ad text are shown as escaped markers, never obeyed."""

from __future__ import annotations

import re

from markupsafe import Markup

from videre.web.bidi import CONTROLS, describe, marked, plain

# The characters that reorder how text is drawn: embeddings and overrides, isolates, marks.
ALL = {"\u202a": ("LRE", "LEFT-TO-RIGHT EMBEDDING"), "\u202b": ("RLE", "RIGHT-TO-LEFT EMBEDDING"),
       "\u202c": ("PDF", "POP DIRECTIONAL FORMATTING"), "\u202d": ("LRO", "LEFT-TO-RIGHT OVERRIDE"),
       "\u202e": ("RLO", "RIGHT-TO-LEFT OVERRIDE"), "\u2066": ("LRI", "LEFT-TO-RIGHT ISOLATE"),
       "\u2067": ("RLI", "RIGHT-TO-LEFT ISOLATE"), "\u2068": ("FSI", "FIRST STRONG ISOLATE"),
       "\u2069": ("PDI", "POP DIRECTIONAL ISOLATE"), "\u200e": ("LRM", "LEFT-TO-RIGHT MARK"),
       "\u200f": ("RLM", "RIGHT-TO-LEFT MARK"), "\u061c": ("ALM", "ARABIC LETTER MARK")}
SPAN = re.compile(r"<span\b[^>]*>")


def test_every_control_character_becomes_a_visible_marker() -> None:
    assert set(CONTROLS) == set(ALL)
    for char, (short, name) in ALL.items():
        out = str(marked(f"Ring {char}0701740606 nu"))
        code = f"U+{ord(char):04X} {name}"
        assert describe(char) == code
        assert out == f'Ring <span class="bidi" dir="ltr" title="{code}">⟨{short}⟩</span>0701740606 nu'
        assert plain(f"a{char}b") == f"a⟨{short}⟩b"


def test_text_is_still_escaped_around_the_markers() -> None:
    out = marked("<b onmouseover=alert(1)>\u202egnp.exe</b> & 'x'")
    assert str(out) == ('&lt;b onmouseover=alert(1)&gt;<span class="bidi" dir="ltr" '
                        'title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨RLO⟩</span>gnp.exe&lt;/b&gt; &amp; &#39;x&#39;')
    assert marked(None) == "None" and marked(19) == "19"
    assert plain("<b>\u202e</b>") == "<b>⟨RLO⟩</b>"  # escaping is autoescape's job there


def test_markup_cannot_be_injected_through_a_marker() -> None:
    forged = '<span class="bidi" title="x" onmouseover="alert(1)">⟨RLO⟩</span>\u202e"><script>alert(2)</script>'
    out = str(marked(forged))
    # One element, ours, for the one control character; the forged one is text.
    assert SPAN.findall(out) == ['<span class="bidi" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">']
    assert "<script" not in out and 'onmouseover="' not in out
    # Already-escaped markup (highlighted text) is not escaped twice and still gets its markers.
    assert str(marked(Markup("<mark>\u202c</mark>"))).startswith('<mark><span class="bidi"')
    assert isinstance(plain(Markup("<b>\u200f</b>")), Markup)

