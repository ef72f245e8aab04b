"""Swedish and English: gettext catalogues compiled in memory from the .po files at start-up.

No build step: the .po files under translations/ are the source and are read directly. The
language of the request being rendered lives in a context variable, so one Jinja environment
serves every user.

To add strings: write them in templates as {{ _("...") }} or {% trans %}, and in Python as N_("...");
`tests/videre/web/test_i18n.py` fails until every one of them has a Swedish translation.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from models.users import LANGUAGES

DEFAULT_LANGUAGE = "sv"
CATALOGUES = Path(__file__).parent / "translations"
DOMAIN = "messages"

_current: ContextVar[NullTranslations] = ContextVar("videre_translations", default=NullTranslations())  # noqa: B039  (never mutated)


def po_path(language: str) -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(language: str) -> NullTranslations:
    with po_path(language).open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    return _compile(language)


def pick_language(wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def language(code: str) -> Iterator[None]:
    token = _current.set(translations(pick_language(code)))
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return _current.get().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message
