"""Age, name, incall and outcall."""

from __future__ import annotations

import pytest

from videre.extract.normalise import profile
from videre.extract.normalise.extract import extract, phrase_index
from videre.extract.normalise.wording import words


def _labels(text: str) -> list[str]:
    return [label for label, _, _ in phrase_index().find(words(text))]


@pytest.mark.parametrize(("text", "age"), [
    ("Jag är 23 år", 23), ("23 år gammal", 23), ("23-åring från Malmö", 23), ("Ålder: 19", 19),
    ("age 31", 31), ("I am 22 and new here", 22), ("I'm 27 years old", 27), ("Sweet girl, 24yo", 24),
    ("24 y.o. blonde", 24), ("Anna, 23", 23), ("Anna (23)", 23), ("Soy Lucia, 25 años", 25),
    ("tjugotre år", 23), ("twenty-three years old", 23), ("nitton år och ny", 19),
    ("Hon är 21 år", 21), ("Ålder 18 år", 18), ("16 år", 16),
])
def test_age_in_text(text: str, age: int) -> None:
    assert profile.age_in_text(text, _labels(text)) == age


@pytest.mark.parametrize("text", [
    "jobbat i 10 år", "i 20 år nu", "for 15 years", "170 cm, 55 kg", "2026-11-20", "kl 21:30",
    "1500 kr", "90-60-90", "size 36", "Room 23", "Jag är 165 cm", "5 years in the business",
    "I am 22cm", "24/7", "Ålder: 123", "100% real", "Anna, 23 kr", "I am 99 years old",
])
def test_no_age_in_text(text: str) -> None:
    assert profile.age_in_text(text, _labels(text)) is None


@pytest.mark.parametrize(("value", "age"), [
    ("23", 23), ("23 år", 23), (" 30 years ", 30), ("Ålder: 45", 45), ("tjugo", 20), (27, 27),
    ("nineteen", 19), ("abc", None), ("", None), ("123", None), (None, None), (True, None),
    (5, None), ("9", None),
])
def test_age_field(value: object, age: int | None) -> None:
    assert profile.age_from_field(value) == age


@pytest.mark.parametrize(("text", "name"), [
    ("Hej! Jag heter Sofia och är ny här", "Sofia"), ("My name is Elena, 24", "Elena"),
    ("I'm Bella from Riga", "Bella"), ("Mitt namn är Lina", "Lina"), ("Me llamo Lucia", "Lucia"),
    ("Hi, I am Nina", "Nina"), ("Jag är Maja, 25", "Maja"),
])
def test_name_in_text(text: str, name: str) -> None:
    assert extract({"body": text}).name == name


@pytest.mark.parametrize("text", [
    "I'm new in town", "Jag är ny här", "I am Swedish", "I'm available now", "jag heter",
    "my name is secret", "I am VIP", "Jag är Rumänsk",
])
def test_no_name_in_text(text: str) -> None:
    assert extract({"body": text}).name is None


def test_name_field_wins_and_is_bounded() -> None:
    assert extract({"name": "  Anna   Maria ", "body": "Jag heter Sofia"}).name == "Anna Maria"
    assert len(extract({"name": "A" * 500}).name or "") == profile.MAX_NAME_CHARS


@pytest.mark.parametrize(("text", "incall", "outcall"), [
    ("Incall och outcall", True, True), ("Only incall", True, False), ("Endast outcall", False, True),
    ("Incall only, no outcall", True, False), ("Tar emot i egen lägenhet", True, None),
    ("Hembesök och hotellbesök", None, True), ("I come to you", None, True),
    ("Ingen incall, bara outcall", False, True), ("in-call and out-call", True, True),
    ("Välkommen hem till mig", None, None), ("", None, None), ("Hotel visits only", False, True),
    ("Inget hembesök, bara incall", True, False),
])
def test_incall_outcall(text: str, incall: bool | None, outcall: bool | None) -> None:
    result = extract({"body": text})
    assert (result.incall, result.outcall) == (incall, outcall)
