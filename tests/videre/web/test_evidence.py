"""Evidence marking escapes hostile text and only ever adds our own <mark> elements."""

from __future__ import annotations

from videre.web.bidi import marked
from videre.web.marked_text import Span, find_all, highlight, spans_for


def test_marks_are_added_and_everything_else_is_escaped() -> None:
    text = "Ring <b>070-174 06 05</b> eller <script>alert(1)</script>"
    out = str(highlight(text, find_all(text, "070-174 06 05", "ev-phone")))
    # A number is marked left to right, so that text around it cannot reverse its digit groups.
    assert out == ('Ring &lt;b&gt;<mark class="ev-phone" dir="ltr" title="">070-174 06 05</mark>&lt;/b&gt; eller '
                   "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_a_needle_holding_markup_is_escaped_inside_the_mark() -> None:
    text = 'Namn: <img src=x onerror=alert(1)> hej'
    out = str(highlight(text, find_all(text, "<img src=x onerror=alert(1)>", "ev-name", note='"><x>')))
    assert "<img" not in out and 'title="&#34;&gt;&lt;x&gt;"' in out


def test_overlapping_spans_keep_the_first_and_longest() -> None:
    text = "Anna Andersson"
    out = str(highlight(text, [Span(0, 4, "ev-name"), Span(0, 14, "ev-place"), Span(5, 9, "ev-phone")]))
    assert out == '<mark class="ev-place" title="">Anna Andersson</mark>'


def test_long_text_is_cut_and_marks_beyond_the_cut_are_dropped() -> None:
    text = "a" * 100 + " 0701740605"
    out = str(highlight(text, find_all(text, "0701740605", "ev-phone"), limit=50))
    assert "mark" not in out and out.endswith('<span class="cut">…</span>')


def test_stored_offsets_are_used_only_when_they_still_fit() -> None:
    body = "Ring noll sju noll 174 06 05 nu"
    ex = {"phones": [{"field": "body", "start": 5, "end": 28, "raw": "noll sju noll 174 06 05", "methods": ["words"]},
                     {"field": "body", "start": 0, "end": 4, "raw": "XXXX", "methods": []}],
          "indicators": [{"code": "urgency", "evidence": [{"field": "body", "start": 29, "end": 31, "text": "nu"}]}]}
    spans = spans_for(body, "body", ex, [], "", [])
    kinds = {(s.start, s.end, s.kind, s.note) for s in spans}
    assert kinds == {(5, 28, "ev-hidden", ""), (29, 31, "ev-indicator", "urgency")}


def test_case_insensitive_search_keeps_offsets_for_changing_case() -> None:
    text = "STRASSE och strasse"
    assert [(s.start, s.end) for s in find_all(text, "strasse", "ev-place")] == [(0, 7), (12, 19)]
    text = "Straße"  # casefold would lengthen it; search as written instead
    assert [(s.start, s.end) for s in find_all(text, "Straße", "ev-place")] == [(0, 6)]


def test_evidence_marks_stay_on_the_stored_offsets() -> None:
    text = "مرحبا \u202e070-174 06 06\u202c <b>\u2066Anna\u2069</b>"
    spans = find_all(text, "070-174 06 06", "ev-phone") + find_all(text, "\u2066Anna", "ev-name")
    out = str(highlight(text, spans))
    rlo, pdf, lri, pdi = (str(marked(c)) for c in "\u202e\u202c\u2066\u2069")
    assert out == (f'مرحبا {rlo}<mark class="ev-phone" dir="ltr" title="">070-174 06 06</mark>{pdf} &lt;b&gt;'
                   f'<mark class="ev-name" title="">{lri}Anna</mark>{pdi}&lt;/b&gt;')
