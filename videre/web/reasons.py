"""Reason sentences in the analyst's language: the stored template translated, then filled in.

Every parameter that came from an ad (names, cities, numbers, labels) is escaped and has its
direction controls marked, exactly like stored text elsewhere (videre.web.bidi); our own words are
escaped too. A reason stored by an older run, without template and parameters, or with ones that
do not fit, is shown as its stored English text.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from triage.reason_text import Writer, render
from videre.core.errors import InputError
from videre.web import bidi, i18n


def _escaped(text: str) -> str:
    return str(escape(text))


def _marked(text: str) -> str:
    return str(bidi.marked(text))


HTML = Writer(tr=i18n.gettext, value=_marked, literal=_escaped)
PLAIN = Writer(tr=i18n.gettext, value=bidi.plain)


def sentence(reason: object) -> Markup:
    """Jinja filter `reason`: the sentence as markup for a page."""
    if not isinstance(reason, Mapping):
        return Markup("")
    try:
        return Markup(render(reason.get("template"), reason.get("params"), HTML))
    except InputError:
        return bidi.marked(reason.get("text", ""))


def sentence_plain(reason: object) -> str:
    """Jinja filter `reasonplain`, where no element may go (a title attribute): plain text with the
    direction markers as text, left to autoescape."""
    if not isinstance(reason, Mapping):
        return ""
    try:
        return render(reason.get("template"), reason.get("params"), PLAIN)
    except InputError:
        return bidi.plain(reason.get("text", ""))
