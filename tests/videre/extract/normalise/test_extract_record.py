"""`extract` on whole records: the output contract, bounds and hostile input."""

from __future__ import annotations

import json
import time

import pytest

from videre.extract.normalise.extract import Extraction, extract

AD = {
    "url": "https://nattfjaril.example/annons/1",
    "title": "Sofia, 23 - ny i Göteborg",
    "body": ("Hej! Jag heter Sofia, ung rumänsk tjej. Incall och outcall. 30 min 1500 kr, 1h 2500 kr.\n"
             "Ring noll sju noll 174 06 05. 100% riktiga bilder. Hon väntar på dig! snap: sofia_gbg"),
    "location": "GBG - Majorna",
    "age": "23 år",
    "phone": "O7O-174 O6 O5",
    "html": '<a href="tel:+46701740618">Ring</a>',
}


def test_output_line_is_exactly_the_contract() -> None:
    out = extract(AD).to_output("ad-1")
    assert list(out) == ["id", "phones", "phone_obfuscated", "emails", "location", "age", "languages",
                         "indicators"]
    assert out == {
        "id": "ad-1",
        "phones": ["+46701740605", "+46701740618"],
        "phone_obfuscated": True,
        "emails": [],
        "location": {"city": "Göteborg", "raw": "GBG - Majorna"},
        "age": 23,
        "languages": ["sv"],
        # One "Hon" against "Jag heter": written in the first person, so no third_person.
        "indicators": ["phone_obfuscated", "youth_language", "nationality", "trustworthy_provider",
                       "movement_wording"],
    }
    json.dumps(out)


def test_stored_json_has_everything_and_round_trips_through_json() -> None:
    data = extract(AD).to_json()
    assert json.loads(json.dumps(data)) == data
    (first, second) = data["phones"]
    assert first == {"e164": "+46701740605", "raw": "noll sju noll 174 06 05", "field": "body",
                     "start": AD["body"].index("noll sju"), "end": AD["body"].index("noll sju") + 23,
                     "methods": ["words", "lookalike"], "country": "SE"}
    assert second["field"] == "html" and second["methods"] == []
    assert data["location"]["district"] == "Majorna" and data["location"]["country"] == "SE"
    assert (data["name"], data["age"], data["handles"]) == ("Sofia", 23, ["snapchat:sofia_gbg"])
    assert (data["incall"], data["outcall"], data["price_sek_per_hour"]) == (True, True, 2500.0)
    assert data["nationalities"] == ["romanian"]
    movement = [i for i in data["indicators"] if i["code"] == "movement_wording"]
    assert movement and movement[0]["counts"] is False


def test_empty_and_irrelevant_records() -> None:
    for record in ({}, {"url": "x"}, {"title": ""}, {"body": "   "}, {"images": ["a.jpg"]}):
        result = extract(record)
        assert result.phones == () and result.location is None and result.indicators == ()
        assert result.to_output(1)["phones"] == []


@pytest.mark.parametrize("bad", [None, 5, 3.5, ["070-174 06 05"], {"a": 1}, b"0701740605", True])
def test_values_that_are_not_strings_are_ignored(bad: object) -> None:
    result = extract({"title": bad, "body": bad, "phone": bad, "location": bad, "name": bad,
                      "html": bad, "region": bad, "text": "Ring 070-174 06 05"})
    assert [h.e164 for h in result.phones] == ["+46701740605"]
    assert result.location is None and result.name is None


def test_unknown_or_malformed_region_falls_back() -> None:
    assert [h.e164 for h in extract({"text": "070-174 06 05", "region": "Sverige"}).phones] == ["+46701740605"]
    assert extract({"text": "070-174 06 05", "region": "XX"}).phones == ()
    assert [h.e164 for h in extract({"text": "070-174 06 05", "region": "se"}, "RO").phones] == ["+46701740605"]


def test_text_is_cut_at_the_limit() -> None:
    filler = "x " * 600
    record = {"body": filler + "070-174 06 05"}
    assert extract(record, max_chars=1000).phones == ()
    assert [h.e164 for h in extract(record, max_chars=5000).phones] == ["+46701740605"]


def test_huge_and_binary_input_is_bounded_and_survives() -> None:
    junk = bytes(range(256)).decode("latin-1") * 2000 + "\x00\ud800" + "0" * 200_000
    start = time.perf_counter()
    result = extract({"title": junk, "body": junk * 3, "html": "<a href='" + "9" * 10**6, "phone": junk})
    assert time.perf_counter() - start < 20
    assert isinstance(result, Extraction)
    json.dumps(result.to_json())


@pytest.mark.parametrize("text", ["1" * 100_000, "noll " * 20_000, "O" * 50_000, "0 " * 50_000,
                                  "+" * 50_000, "sevenO" * 10_000, "(" * 50_000, "\u20e3" * 50_000,
                                  "zeroo" * 20_000 + "x", "zeroone " * 12_000, "o l i " * 15_000])
def test_pathological_text_is_linear(text: str) -> None:
    start = time.perf_counter()
    extract({"body": text})
    assert time.perf_counter() - start < 3


def test_extraction_is_pure() -> None:
    assert extract(AD) == extract(dict(AD))
    assert extract(AD).to_json() == extract(AD).to_json()
