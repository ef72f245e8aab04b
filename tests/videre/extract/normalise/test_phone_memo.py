"""Hidden numbers are read once and then remembered (they recur in a seller's ads); what is
around them still decides: a messenger name before, a unit after, another field or place."""

from __future__ import annotations

import pytest

from videre.extract.normalise.phones import find_phones

# Longer than a short field, so that the number is read as part of a text.
PAD = "Hej! Jag är ny i stan och tar emot i en lugn miljö. "
NUMBER = "+46701740605"


@pytest.mark.parametrize("texts", [
    # A bare country code is read only just after a messenger name.
    {f"{PAD}WhatsApp: 46 70 174 O6 O5": [NUMBER], f"{PAD}Order: 46 70 174 O6 O5": []},
    # The last group with a unit after it is a quantity, not part of a number.
    {f"{PAD}Ring O7O-l74 O6 O5": [NUMBER], f"{PAD}Ring O7O-l74 O6 O5 kr": [],
     f"{PAD}Ring O7O-l74 O6 O5 år": [], f"{PAD}Ring O7O-l74 O6 O5 24/7": [NUMBER]},
])
@pytest.mark.parametrize("order", [1, -1])
def test_the_context_decides_however_often_a_number_was_read(texts: dict[str, list[str]],
                                                             order: int) -> None:
    for _ in range(2):
        for text, expected in list(texts.items())[::order]:
            assert [hit.e164 for hit in find_phones(text, "body", "SE")] == expected, text


def test_a_remembered_number_gets_the_span_and_field_of_where_it_is() -> None:
    first = f"{PAD}Ring O7O-l74 O6 O5"
    second = f"Ring O7O-l74 O6 O5. {PAD}"
    for text, field in ((first, "body"), (second, "title"), (first, "text")):
        (hit,) = find_phones(text, field, "SE")
        assert (hit.e164, hit.field, hit.methods) == (NUMBER, field, ("lookalike",))
        assert text[hit.start:hit.end] == hit.raw == "O7O-l74 O6 O5"
