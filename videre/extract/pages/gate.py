"""Is this page an age gate or a cookie consent instead of the page asked for?

A page that shows a gate means the site's `setup` did not get in (docs/sites.md, "Getting in"): the
crawl says so by name and stops, rather than reporting the layout as changed.
"""

from __future__ import annotations

import re

from parsel import Selector

from videre.core.site_config import SiteSettings
from videre.extract.pages.fields import element_text, select

_AGE = re.compile(r"\b(18\s*år|över\s*18|arton\s*år|åldersgräns|ålderskontroll|myndig|"
                  r"18\s*years|over\s*18|are\s*you\s*18|age\s*verification|adults?\s*only)",
                  re.IGNORECASE)
_CONSENT = re.compile(r"\b(cookies?|kakor|samtycke|consent|godkänn\s*alla|accept\s*all)\b",
                      re.IGNORECASE)
MAX_TEXT = 20_000


def gate_on_page(sel: Selector, site: SiteSettings) -> str | None:
    """The gate's name when the page is one: the site's `setup.gate` selector matches, or (for a
    page that gave nothing) a form or button sits beside age or consent wording."""
    if site.setup.gate and select(sel, site.setup.gate):
        return site.setup.gate_name
    return None


def looks_like_gate(sel: Selector) -> str | None:
    """For a page where no configured selector matched: an age gate or consent page by its wording."""
    if not sel.css("form, button, input[type=submit]"):
        return None
    body = sel.css("body")
    text = element_text(body[0].root)[:MAX_TEXT] if body else ""
    if _AGE.search(text):
        return "age gate"
    if _CONSENT.search(text):
        return "cookie consent"
    return None
