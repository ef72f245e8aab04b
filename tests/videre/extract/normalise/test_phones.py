"""Phone extraction, table-driven: every case of phone_cases.py, then the finer points."""

from __future__ import annotations

import pytest
from phone_cases import SE_MOBILE, Case, all_cases, national

from videre.extract.normalise.extract import extract
from videre.extract.normalise.phones import find_link_phones, find_phones

CASES = all_cases()


def _record(case: Case) -> dict[str, str]:
    if case.field == "body":
        return {"text": case.text, "html": case.html}
    return {case.field: case.text}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    hits = extract(_record(case), case.region).phones
    assert {h.e164 for h in hits} == set(case.expected)
    reported = {m for h in hits for m in h.methods}
    assert case.methods <= reported
    if case.plain:
        assert reported == set()


def test_the_set_is_large_and_covers_every_family() -> None:
    families = {c.family for c in CASES}
    assert len(CASES) >= 500
    assert families == {"plain_national", "plain_international", "foreign", "words", "lookalike",
                        "separators", "unicode", "links", "several", "whole_ads", "negative"}
    assert sum(1 for c in CASES if c.family == "negative") >= 90


def test_raw_is_the_exact_span() -> None:
    text = "Hej! Ring noll sju noll 174 06 05 efter kl 18."
    (hit,) = find_phones(text, "body", "SE")
    assert hit.raw == "noll sju noll 174 06 05" == text[hit.start:hit.end]
    assert (hit.field, hit.country, hit.methods) == ("body", "SE", ("words",))


def test_international_raw_starts_at_the_plus() -> None:
    (hit,) = find_phones("Tel: +46 (0)70 174 06 05.", "body", "SE")
    assert hit.raw == "+46 (0)70 174 06 05"


def test_spelled_plus_counts_as_words() -> None:
    (hit,) = find_phones("plus fyra sex sju noll ett sju fyra noll sex noll fem", "body", "SE")
    assert hit.e164 == "+46701740605" and hit.raw.startswith("plus") and "words" in hit.methods


def test_same_number_in_every_field_is_one_result_with_all_methods() -> None:
    record = {"title": "Ring O7O-174 O6 O5", "body": "Nummer: noll sju noll ett sju fyra noll sex noll fem",
              "phone": "070-174 06 05", "html": '<a href="tel:+46701740605">x</a>'}
    (hit,) = extract(record).phones
    assert hit.field == "title" and hit.raw == "O7O-174 O6 O5"
    assert set(hit.methods) == {"lookalike", "words"}


def test_order_follows_the_fields_then_the_text() -> None:
    a, b, c = SE_MOBILE[:3]
    record = {"title": national(b), "body": f"{national(c)} och {national(a)}"}
    assert [h.e164 for h in extract(record).phones] == [b, c, a]


def test_region_of_the_record_wins_over_the_default() -> None:
    assert [h.e164 for h in extract({"text": "0712 034 567", "region": "RO"}, "SE").phones] == ["+40712034567"]
    assert [h.e164 for h in extract({"text": "0712 034 567"}, "RO").phones] == ["+40712034567"]
    # Read as Swedish, 0712 034 567 is no valid number.
    assert extract({"text": "0712 034 567"}, "SE").phones == ()


def test_a_bare_country_code_is_read_only_in_the_phone_field_or_after_a_messenger() -> None:
    assert [h.e164 for h in find_phones("46701740605", "phone", "SE", lenient=True)] == ["+46701740605"]
    assert find_phones("Ordernummer 46701740605", "body", "SE") == []
    assert [h.e164 for h in find_phones("WhatsApp 46701740605", "body", "SE")] == ["+46701740605"]


def test_links_carry_their_span_in_the_page() -> None:
    html = '<p>x</p><a href="viber://chat?number=%2B46701740605">v</a>'
    (hit,) = find_link_phones(html, "SE")
    assert hit.field == "html" and html[hit.start:hit.end] == hit.raw == "%2B46701740605"


def test_only_links_are_read_from_a_page() -> None:
    html = "<html><body><p>Ring 070-174 06 05</p><a href='/annons/12'>mer</a></body></html>"
    assert find_link_phones(html, "SE") == []


def test_language_decides_ambiguous_words() -> None:
    # Swedish "sex" is six inside a Swedish spelled number ...
    (hit,) = find_phones("noll sju noll ett sju fyra noll sex noll fem", "body", "SE", ("sv",))
    assert hit.e164 == "+46701740605"
    # ... and no digit in front of a plain number.
    (hit,) = find_phones("sex 0701740605", "body", "SE", ("en",))
    assert hit.raw == "0701740605"


@pytest.mark.parametrize("text", ["tengo 0701740605", "Tengo 070 174 06 05 amor"])
def test_spanish_tengo_is_not_ten_go(text: str) -> None:
    (hit,) = find_phones(text, "body", "SE", ("es",))
    assert hit.e164 == "+46701740605" and not hit.raw.lower().startswith("tengo")


def test_two_glued_lookalikes_before_digits() -> None:
    (hit,) = find_phones("OO46 7O l74 O6 O5", "body", "SE")
    assert hit.e164 == "+46701740605" and hit.raw == "OO46 7O l74 O6 O5"


@pytest.mark.parametrize("text", [
    "kl 09.00-17.00", "öppet 08.30 - 22.00", "01.02.2026", "20/11/2026 kl 21:30", "2026-11-20",
])
def test_times_and_dates_are_not_numbers(text: str) -> None:
    assert find_phones(text, "body", "SE") == []


def test_a_long_id_never_yields_a_number_hidden_inside_it() -> None:
    assert find_phones("Annons 4807017406051234", "body", "SE") == []
    assert find_phones("ref 12O701740605", "body", "SE") == []


def test_misspelt_words_need_digits_around_them() -> None:
    (hit,) = find_phones("zero seven zero one sevn four zero six zero five", "body", "SE")
    assert hit.e164 == "+46701740605"
    assert find_phones("fine, none of that", "body", "SE") == []


@pytest.mark.parametrize("text, e164", [
    ("OO-4O-7l-2O-34-56-7", "+40712034567"),          # not 040-712 034 from its middle
    ("OOl-2O l5 55 Ol Ol", "+12015550101"),           # was missed: "OOl" and "Ol" left unsure
    ("OO2 * 348 * O21 * 234 * 567", "+2348021234567"),
])
def test_a_hidden_foreign_number_is_read_whole_from_its_prefix(text: str, e164: str) -> None:
    (hit,) = find_phones(f"Ring {text} ikväll", "body", "SE")
    assert (hit.e164, hit.raw) == (e164, text)


def test_no_number_starts_inside_an_unread_international_one() -> None:
    # The lone O's are unsure, so the Ukrainian number is not read; from "050" on, its digits
    # would read as the Swedish 050-123 45 67.
    assert find_phones("Ring OO 38 050 l 234567", "body", "SE") == []
    # A number written after it, past the longest a Ukrainian number can be, is read.
    (hit,) = find_phones("Ring OO 38 050 l 234567 0701740618", "body", "SE")
    assert hit.e164 == "+46701740618"
