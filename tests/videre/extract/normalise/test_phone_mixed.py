"""Numbers written in mixed digits and number words (docs/phones.md), the independent table in
mixed_cases.jsonl, and the parser-free validation path."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from mixed_cases import generate, load, score

from videre.extract.normalise.extract import extract
from videre.extract.normalise.number_words import allowed_languages
from videre.extract.normalise.phone_plain import _validate_digits, _validate_parsed

SE = "+46701740630"


@pytest.mark.parametrize("text", [
    "0 7 0 ett seven 4 noll 6 three 0",
    "070one7four06three0",
    "zero7zero 17four0 six30",
    "o7o won7for o6 3o",
    "noll sjuttio, sjutton, fyrtio, sex, trettio",
    "zero seventy, seventeen, forty, six, thirty",
    "noll-sju-noll 1740 sex 30",
    "0!70!17!40!63!0",
])
def test_the_issues_examples(text: str) -> None:
    (hit,) = extract({"text": f"Ring {text} nu"}).phones
    assert hit.e164 == SE
    assert hit.raw == text


def test_thousands_in_a_us_number() -> None:
    (hit,) = extract({"text": "Call 310 555 2thousand"}, "US").phones
    assert hit.e164 == "+13105552000"


def test_two_numbers_joined_by_a_word_are_both_found() -> None:
    for joiner in ("eller", "or", "och", "alt.", "/"):
        text = f"noll sju noll ett sju fyra noll sex tre ett {joiner} 070 one 7 four 06 three 2"
        assert [h.e164 for h in extract({"text": text}).phones] == ["+46701740631", "+46701740632"]


def test_a_language_s_words_need_its_ad_or_its_region() -> None:
    thai = "sun chet sun nueng jet si sun hok sam sun"   # 070 174 06 30 in Thai number words
    assert extract({"text": f"Call {thai}"}).phones == ()
    assert [h.e164 for h in extract({"text": f"สวัสดีค่ะ โทร {thai}"}).phones] == [SE]
    at_home = "sun paet nueng song sam si ha hok jet paet"   # 081 234 5678, a Thai mobile
    assert extract({"text": f"Call {at_home}"}, "SE").phones == ()
    assert [h.e164 for h in extract({"text": f"Call {at_home}"}, "TH").phones] == ["+66812345678"]
    assert "th" not in allowed_languages(("en",), "SE")


@pytest.mark.parametrize(("text", "e164"), [
    # a lone to/for after a hidden number ends it before a clause, not before prose it governs
    ("reach me at o7o 174 o6 3 to no withheld numbers", "+46701740632"),
    ("reach me at o7o 174 o6 3 for and I will tell you more", "+46701740634"),
    ("Text oh7 60 too 8forate 5 for details", "+46760208485"),   # "too" as 20 instead
    # a lone sound-alike beside plain digits is a cause to look
    ("Bookings oh 701 74 063 0 (I answer)", SE),
    ("My number: 070 174 063 won", "+46701740631"),
    # digits glued to a sound-alike before what the main reader read
    ("reach me at oh7 017 406 30 now", SE),
    # a capital after a small letter starts a word: "toO" is 2 0, not "too"
    ("Send a message to o 7toO won9 Otoo 69 and I will", "+46720190269"),
    # "sixty-six" with a hyphen is 66; "sixty - five" may be 60 5
    ("zero - seventy-nine - sixty-six - sixty - five - eighty-three", "+46796660583"),
])
def test_homophones_and_compounds(text: str, e164: str) -> None:
    assert [h.e164 for h in extract({"text": text}).phones] == [e164]


def test_equally_likely_readings_that_disagree_give_no_number() -> None:
    # "too9 too3to": either "too" may be "to" + "o" (20); both give a valid number
    assert extract({"text": "My number: 07 too9 too3to 5 4"}).phones == ()


def test_a_look_alike_letter_inside_a_word_is_a_letter() -> None:
    text = "zero 7 zero oito 1 4 6 4 0 6"   # "oito" is no o + i + to (0 1 2)
    assert extract({"text": f"Write to {text} thanks"}).phones == ()
    assert [h.e164 for h in extract({"text": f"Menina nova, escreve-me para {text} obrigada"}).phones] \
        == ["+46708146406"]


@pytest.mark.parametrize("text", [
    "open 08-10, 14-22", "from 08 to 12, 14 to 20", "OPEN 08 TO 10 AND 14 TO 22",
    "1h 2000, 2h 3500", "Mått 90-60-90, 163 cm", "ninety-sixty-ninety", "Jag är tjugotre år",
    "kl sju till elva", "2026-11-20 21:30", "413 03 Göteborg", "Annons-ID 4821337019",
    "two thousand for one hour, three thousand for two", "I see the sun, a song for sam",
    "0 7 0", "zero seven zero", "seventeen, eighteen, nineteen", "3some, 2nite, 4ever, b4, gr8",
])
def test_negatives_stay_negative(text: str) -> None:
    assert extract({"text": text}).phones == ()


def test_the_table_file_is_what_the_generator_writes() -> None:
    assert load() == generate()


def test_the_table_is_large_with_a_held_out_half() -> None:
    cases = load()
    held = [c for c in cases if c["half"] == "heldout"]
    assert len(cases) >= 300 and len(held) >= 250
    assert sum(1 for c in held if c["family"] == "negative") >= 30


# The issue's target (F1 >= 0.99, no false number) on both halves. The held-out half has since
# been seen (docs/phones.md): phone_heldout_cases.py is the clean yardstick now.
@pytest.mark.parametrize("half", ["tune", "heldout"])
def test_precision_and_f1_per_family(half: str) -> None:
    for family, row in score(load(half), by_language=False).items():
        assert row["fp"] == 0, (half, family, row)
        if family != "negative":
            assert row["f1"] >= 0.99, (half, family, row)


def test_validation_without_the_parser_agrees_with_it() -> None:
    rng = random.Random(14)
    regions = ["SE", "RO", "BG", "HU", "PL", "ES", "PT", "TH", "GB", "DE", "US", "RU", "BR", "CO"]
    for _ in range(4000):
        region = rng.choice(regions)
        example = phonenumbers.example_number_for_type(rng.choice(regions),
                                                       phonenumbers.PhoneNumberType.MOBILE)
        digits = str(example.national_number)
        digits = digits[:-3] + "".join(rng.choice("0123456789") for _ in range(3))
        prefix = rng.choice(["+" + str(example.country_code), "0", "", "8", "06", "+0"])
        candidate = prefix + digits
        quick = _validate_digits(candidate, region)
        if quick is not None:
            assert (quick or None) == _validate_parsed(candidate, region), (candidate, region)


def test_the_second_held_out_table_is_what_its_generator_writes() -> None:
    import phone_heldout_cases as second

    cases = second.load()
    assert cases == second.generate()
    assert len(cases) >= 300
    families = {c["family"] for c in cases}
    assert {"homophones", "tens", "separators", "two_numbers", "negative"} <= families
    assert {f"words_{lang}" for lang in ("ro", "bg", "hu", "pl", "es", "pt", "th")} <= families


# Issue 14's target on the held-out table in the file (docs/phones.md, "Accuracy"): scored once
# when it was generated; from then on this keeps it from slipping.
def test_the_held_out_table_meets_the_issue_s_target() -> None:
    import phone_heldout_cases as second

    for family, row in score(second.load()).items():
        assert row["fp"] == 0, (family, row)
        if family != "negative":
            assert row["precision"] >= 0.995 and row["f1"] >= 0.99, (family, row)
