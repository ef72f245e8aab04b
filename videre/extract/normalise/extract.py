"""Everything Videre reads out of one ad's text: numbers, place, age, languages and indicators.

`extract` is the single entry point shared by `videre extract`, imports and crawls. It is pure:
the gazetteer and word tables are loaded once, lazily, from package data.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from videre.extract.normalise import contacts, indicators, profile
from videre.extract.normalise.languages import detect_languages
from videre.extract.normalise.phones import find_link_phones, find_phones
from videre.extract.normalise.places import place_from_field, place_in_text
from videre.extract.normalise.prices import price_sek_per_hour
from videre.extract.normalise.results import Evidence, Extraction, Indicator, PhoneHit, Place
from videre.extract.normalise.wording import PhraseIndex, Words, words

__all__ = ["Evidence", "Extraction", "Indicator", "Place", "PhoneHit", "extract"]

DEFAULT_MAX_CHARS = 100_000
HTML_FACTOR = 10   # a page may be this many times longer than a text field; only its links are read
PROSE_KEYS = ("title", "body", "text")
PHONE_KEYS = ("title", "body", "text", "phone")


def _strings(record: Mapping[str, Any], keys: tuple[str, ...], limit: int) -> dict[str, str]:
    """The string-valued fields among `keys`, each cut at `limit` characters."""
    out: dict[str, str] = {}
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value and not value.isspace():
            out[key] = value[:limit]
    return out


def _region(record: Mapping[str, Any], default: str) -> str:
    value = record.get("region")
    if isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha():
        return value.upper()
    return (default or "SE").upper()


def _phones(texts: Mapping[str, str], split: Mapping[str, Words], html: str | None, region: str,
            langs: tuple[str, ...]) -> tuple[PhoneHit, ...]:
    """Numbers from every field and the page's links, one per E.164 number: the first hit is
    kept, with the ways every hit of it was hidden."""
    hits: list[PhoneHit] = []
    for field, text in texts.items():
        ws = split.get(field)
        if ws is None:
            hits.extend(find_phones(text, field, region, langs, lenient=field == "phone"))
        else:
            hits.extend(find_phones(text, field, region, langs, words=ws.lower, lowered=ws.lowered))
    if html:
        hits.extend(find_link_phones(html, region))
    merged: dict[str, PhoneHit] = {}
    for hit in hits:
        first = merged.get(hit.e164)
        if first is None:
            merged[hit.e164] = hit
        elif hit.methods and not set(hit.methods) <= set(first.methods):
            methods = tuple(dict.fromkeys(first.methods + hit.methods))
            merged[hit.e164] = PhoneHit(first.e164, first.raw, first.field, first.start, first.end,
                                        methods, first.country)
    return tuple(merged.values())


@cache
def phrase_index() -> PhraseIndex:
    """Every phrase any reader looks for, so each field's words are walked once."""
    return PhraseIndex({**indicators.phrases(), **profile.phrases()})


@cache
def _nationality_words() -> frozenset[str]:
    return frozenset(w for forms in indicators.NATIONALITIES.values() for w in forms)


def _place(record: Mapping[str, Any], prose: Mapping[str, Words]) -> Place | None:
    location = record.get("location")
    if isinstance(location, str) and location.strip():
        found = place_from_field(location)
        if found:
            return found
    for ws in prose.values():
        found = place_in_text(ws)
        if found:
            return found
    return None


def _name(record: Mapping[str, Any], prose: Mapping[str, Words],
          matches: list[tuple[str, str, int, int]]) -> str | None:
    name = profile.name_from_field(record.get("name"))
    if name:
        return name
    for field, label, _, j in matches:
        if label == "name":
            found = profile.name_after(prose[field], j, _nationality_words())
            if found:
                return found
    return None


def _age(record: Mapping[str, Any], prose: Mapping[str, str], labels: list[str]) -> int | None:
    age = profile.age_from_field(record.get("age"))
    if age is not None:
        return age
    for text in prose.values():
        age = profile.age_in_text(text)
        if age is not None:
            return age
    return profile.age_in_text("", labels)


def extract(record: Mapping[str, Any], region: str = "SE",
            max_chars: int = DEFAULT_MAX_CHARS) -> Extraction:
    """Read one ad record, or any mapping with some of title/body/text/phone/name/age/location/html.

    `region` is the country for national-format numbers when the record names none. Every text
    field is cut at `max_chars`; values that are not strings are ignored.
    """
    region = _region(record, region)
    contact = _strings(record, PHONE_KEYS, max_chars)
    prose = {key: text for key, text in contact.items() if key in PROSE_KEYS}
    html = record.get("html")
    html = html[:max_chars * HTML_FACTOR] if isinstance(html, str) else None

    split = {field: words(text) for field, text in prose.items()}
    index = phrase_index()
    matches = [(field, label, i, j) for field, ws in split.items() for label, i, j in index.find(ws)]
    labels = [label for _, label, _, _ in matches]
    joined = "\n".join(prose.values())
    # Lower-cased once per field (Words), then shared: joining lower-cased parts gives the
    # same text as lower-casing the joined text.
    lowered = [ws.lowered for ws in split.values()]
    joined_lower = "\n".join(lowered)
    all_words: list[str] = []
    for ws in split.values():
        all_words += ws.lower
    langs = detect_languages(joined, all_words)
    phones = _phones(contact, split, html, region, langs)
    evidence, nations = indicators.scan(split, matches)
    contact_text = "\n".join(contact.values())   # the prose fields, then the phone field
    phone = contact.get("phone")
    contact_lower = "\n".join(lowered + [phone.lower()]) if phone else joined_lower
    incall, outcall = profile.call_modes(labels)
    return Extraction(
        phones=phones,
        emails=tuple(contacts.emails(contact_text)),
        handles=tuple(contacts.handles(contact_text, contact_lower)),
        location=_place(record, split),
        age=_age(record, prose, labels),
        name=_name(record, split, matches),
        languages=langs,
        nationalities=nations,
        indicators=indicators.find_indicators(split, phones, evidence),
        incall=incall,
        outcall=outcall,
        price_sek_per_hour=price_sek_per_hour(joined, lowered=joined_lower),
    )
