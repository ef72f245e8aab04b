"""Indicators with their evidence; movement wording is recorded but never counts."""

from __future__ import annotations

import pytest

from videre.extract.normalise.extract import extract


def _codes(text: str) -> dict[str, list[str]]:
    return {ind.code: [e.text for e in ind.evidence] for ind in extract({"body": text}).indicators}


@pytest.mark.parametrize(("text", "code", "evidence"), [
    ("Hon är 22 och ny i Sverige. Hon väntar på dig.", "third_person", ["Hon", "Hon"]),
    ("She is sweet and she loves to meet you", "third_person", ["She", "she"]),
    ("Vi är två söta tjejer som väntar", "several_women", ["Vi är två"]),
    ("Two hot girls available, choose between us", "several_women", ["Two hot girls", "choose between"]),
    ("Nya tjejer varje vecka", "several_women", ["Nya tjejer"]),
    ("Min väninna och jag tar emot", "several_women", ["Min väninna och jag"]),
    ("Ung tjej, nyss fyllt 18", "youth_language", ["Ung", "nyss fyllt 18"]),
    ("Young fresh teen, barely legal", "youth_language", ["Young", "fresh", "teen", "barely legal"]),
    ("Söt rumänsk tjej", "nationality", ["rumänsk"]),
    ("Thai girl, new", "nationality", ["Thai"]),
    ("Latina from Colombia", "nationality", ["Latina", "Colombia"]),
    ("100% real photos, no fake", "trustworthy_provider", ["100% real", "no fake"]),
    ("Verifierad, äkta bilder", "trustworthy_provider", ["Verifierad", "äkta bilder"]),
    ("Ny i stan! Bara här några dagar", "movement_wording", ["Ny i stan", "Bara här några"]),
    ("New in Malmö, on tour", "movement_wording", ["New in Malmö", "on tour"]),
])
def test_indicator_evidence(text: str, code: str, evidence: list[str]) -> None:
    found = _codes(text)
    assert found.get(code) == evidence


@pytest.mark.parametrize(("text", "code"), [
    ("Jag heter Anna. Jag älskar att träffa nya vänner. Hon som ringde fick svar.", "third_person"),
    ("I am Anna and I love to meet you, her friends say I am sweet", "third_person"),
    ("Jag är en tjej som väntar", "several_women"),
    ("Mogen kvinna, 45 år", "youth_language"),
    ("Jag talar svenska och engelska", "nationality"),
    ("I speak English and Spanish", "nationality"),
    ("Thai massage, Swedish massage", "nationality"),
    ("Diskret och trevlig", "trustworthy_provider"),
    ("Ny i branschen? Nej, ny i huset", "movement_wording"),
])
def test_no_indicator(text: str, code: str) -> None:
    assert code not in _codes(text)


def test_nationalities_are_canonical_and_ordered() -> None:
    result = extract({"title": "Söt rumänsk tjej", "body": "From Romania and Bulgaria, Thai friend"})
    assert result.nationalities == ("romanian", "bulgarian", "thai")


def test_movement_wording_does_not_count() -> None:
    (ind,) = extract({"body": "New in town!"}).indicators
    assert (ind.code, ind.counts) == ("movement_wording", False)
    counted = [i for i in extract({"body": "Ung tjej, ny i stan"}).indicators if i.counts]
    assert [i.code for i in counted] == ["youth_language"]


def test_phone_obfuscation_is_an_indicator_with_the_hidden_spans() -> None:
    result = extract({"title": "Ring 070-174 06 18", "body": "eller noll sju noll ett sju fyra noll sex noll fem"})
    (ind,) = [i for i in result.indicators if i.code == "phone_obfuscated"]
    assert [e.text for e in ind.evidence] == ["noll sju noll ett sju fyra noll sex noll fem"]
    assert ind.counts and result.phone_obfuscated


def test_evidence_spans_point_into_their_field() -> None:
    record = {"title": "Ung tjej", "body": "Hon är ny. Hon väntar. 100% real."}
    for ind in extract(record).indicators:
        for e in ind.evidence:
            assert record[e.field][e.start:e.end] == e.text


def test_evidence_is_capped() -> None:
    (ind,) = [i for i in extract({"body": "young " * 50}).indicators if i.code == "youth_language"]
    assert len(ind.evidence) == 5
