"""Ad text with the evidence behind the reasons marked: numbers, hidden numbers, names, places, indicators.

The text is hostile. It is escaped piece by piece and only our own <mark> elements are added, so
nothing from the ad can close or open a tag. Direction-control characters become visible markers
(videre.web.bidi) piece by piece too, so the marks stay on the stored offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from videre.web.bidi import marked

MAX_SHOWN = 5000
MAX_HITS = 50
# A number reads left to right whatever surrounds it: after Arabic or Hebrew words, its digit
# groups would otherwise be drawn in reverse order.
LTR_KINDS = frozenset({"ev-phone", "ev-hidden"})


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str       # ev-phone, ev-hidden, ev-name, ev-place, ev-indicator
    note: str = ""


def find_all(text: str, needle: str, kind: str, note: str = "") -> list[Span]:
    needle = needle.strip()
    if len(needle) < 2:
        return []
    hay, pin = text.casefold(), needle.casefold()
    # casefold can change lengths (ß -> ss); then offsets would be wrong, so search as written.
    if len(hay) != len(text) or len(pin) != len(needle):
        hay, pin = text, needle
    out, at = [], hay.find(pin)
    while at >= 0 and len(out) < MAX_HITS:
        out.append(Span(at, at + len(pin), kind, note))
        at = hay.find(pin, at + len(pin))
    return out


def _stored_spans(text: str, field: str, hits: Iterable[Mapping[str, Any]], kind: str,
                  note_key: str = "") -> list[Span]:
    """Spans the extractor recorded for this field, when they still fit the stored text."""
    out = []
    for h in hits:
        start, end, raw = h.get("start"), h.get("end"), h.get("raw", h.get("text"))
        if h.get("field") != field or not isinstance(start, int) or not isinstance(end, int):
            continue
        if 0 <= start < end <= len(text) and (raw is None or text[start:end] == raw):
            out.append(Span(start, end, kind, str(h.get(note_key, "")) if note_key else ""))
    return out


def spans_for(text: str, field: str, extraction: Mapping[str, Any], phone_raws: Sequence[tuple[str, bool]],
              name: str, places: Sequence[str]) -> list[Span]:
    spans: list[Span] = []
    phones = [p for p in extraction.get("phones", []) if isinstance(p, dict)]
    for p in phones:
        kind = "ev-hidden" if p.get("methods") else "ev-phone"
        spans += _stored_spans(text, field, [p], kind)
    for raw, hidden in phone_raws:
        spans += find_all(text, raw, "ev-hidden" if hidden else "ev-phone")
    for ind in extraction.get("indicators", []):
        if isinstance(ind, dict):
            evidence = [e for e in ind.get("evidence", []) if isinstance(e, dict)]
            spans += [Span(s.start, s.end, "ev-indicator", str(ind.get("code", "")))
                      for s in _stored_spans(text, field, evidence, "ev-indicator")]
    if name:
        spans += find_all(text, name, "ev-name")
    for place in places:
        if place:
            spans += find_all(text, place, "ev-place")
    return spans


def highlight(text: str, spans: Iterable[Span], limit: int = MAX_SHOWN) -> Markup:
    shown = text[:limit]
    out: list[str] = []
    pos = 0
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if s.start < pos or s.start >= len(shown):
            continue  # overlaps one already marked, or beyond what is shown
        end = min(s.end, len(shown))
        out.append(marked(shown[pos:s.start]))
        mark = (Markup('<mark class="{}" dir="ltr" title="{}">{}</mark>') if s.kind in LTR_KINDS
                else Markup('<mark class="{}" title="{}">{}</mark>'))
        out.append(mark.format(s.kind, s.note, marked(shown[s.start:end])))
        pos = end
    out.append(marked(shown[pos:]))
    if len(text) > limit:
        out.append(Markup("<span class=\"cut\">…</span>"))
    return Markup("").join(out)
