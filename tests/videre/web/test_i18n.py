"""Every string the UI shows has a Swedish translation; both catalogues load; placeholders agree."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from videre.web import i18n

WEB = Path(i18n.__file__).parent
ROOT = WEB.parent.parent
# Templates use %(name)s; reason sentences (triage.reason_text) use {name}.
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _used() -> set[str]:
    # The extraction map pybabel uses (web UI and triage's reason sentences), so the two agree.
    with (WEB / "translations" / "babel.cfg").open() as fh:
        method_map, options = parse_mapping_cfg(fh)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options, keywords={"_": None, "N_": None,
                                                                                           "gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(lang: str) -> dict[str, str]:
    with i18n.po_path(lang).open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and not m.fuzzy}


def test_every_shown_string_has_a_swedish_translation() -> None:
    used = _used()
    assert len(used) > 200
    sv = _catalogue("sv")
    missing = sorted(m for m in used if not sv.get(m))
    assert not missing, f"add Swedish for: {missing} (see videre/web/translations/README.md)"
    assert set(_catalogue("en")) >= used


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in _catalogue("sv").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_reason_sentences_are_extracted() -> None:
    used = _used()
    assert "The number {phone} is used for {count} women: {names}." in used
    assert "{names} and {count} more" in used


def test_languages_switch_per_context() -> None:
    with i18n.language("sv"):
        assert i18n.gettext("Sign in") == "Logga in"
        with i18n.language("en"):
            assert i18n.gettext("Sign in") == "Sign in"
        assert i18n.gettext("Queue") == "Kö"
    with i18n.language("xx"):  # unknown codes fall back to Swedish, the default
        assert i18n.gettext("Sign in") == "Logga in"
