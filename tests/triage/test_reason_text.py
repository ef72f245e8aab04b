"""Reason sentences rendered per language from their template and parameters."""

from __future__ import annotations

import pytest

from triage.reason_text import Writer, decimal, each, listed, percent, render, route
from videre.core.errors import InputError
from videre.web.i18n import translations

SWEDISH = Writer(tr=translations("sv").gettext)
NAMES = ["Alina", "Bianca", "Daria", "Elena", "Ioana", "Maria", "Sara"]
NAMES_TEMPLATE = "The number {phone} is used for {count} women: {names} (ages {ages})."


def _names_params() -> dict[str, object]:
    return {"phone": "+40721234567", "count": 7, "names": listed(NAMES), "ages": listed([19, 21])}


def test_a_list_names_the_first_few_and_counts_the_rest_in_each_language() -> None:
    assert render(NAMES_TEMPLATE, _names_params()) == (
        "The number +40721234567 is used for 7 women: Alina, Bianca, Daria, Elena, Ioana and 2 more (ages 19, 21).")
    assert render(NAMES_TEMPLATE, _names_params(), SWEDISH) == (
        "Numret +40721234567 används för 7 kvinnor: Alina, Bianca, Daria, Elena, Ioana och 2 till (åldrar 19, 21).")
    assert listed(NAMES[:5]) == {"list": NAMES[:5], "more": 0}
    assert render("{x}", {"x": listed(NAMES[:5])}, SWEDISH) == "Alina, Bianca, Daria, Elena, Ioana"


def test_shares_and_decimals_are_written_the_swedish_way() -> None:
    template = "{movers} women seen in {cities} cities, {moves} moves ({per_week} a week): {route}."
    stops = [("Borås", "2026-03-01"), ("Kungälv", "2026-03-08"), ("Göteborg", "2026-03-15")]
    params = {"movers": 2, "cities": 3, "moves": 2, "per_week": decimal(1.25, 1), "route": route(stops, 2)}
    assert render(template, params) == ("2 women seen in 3 cities, 2 moves (1.2 a week): "
                                        "Borås (2026-03-01) → Kungälv (2026-03-08) ….")
    assert render(template, params, SWEDISH) == ("2 kvinnor har setts i 3 städer, 2 förflyttningar (1,2 i veckan): "
                                                 "Borås (2026-03-01) → Kungälv (2026-03-08) ….")
    share = "{share} of the ads offer several women."
    assert render(share, {"share": percent(0.4)}) == "40% of the ads offer several women."
    assert render(share, {"share": percent(0.4)}, SWEDISH) == "40\u00a0% av annonserna erbjuder flera kvinnor."
    assert render("{x}", {"x": decimal(3, 0)}, SWEDISH) == "3"


def test_sub_sentences_are_translated_and_joined() -> None:
    template = "{count} photo(s) used for several women: {examples}."
    params = {"count": 2, "examples": each("photo {label} under {names}",
                                           [{"label": "P11", "names": listed(NAMES, 4)},
                                            {"label": "P12", "names": listed(NAMES[:2], 4)}], "; ")}
    assert render(template, params, SWEDISH) == ("2 foto(n) används för flera kvinnor: foto P11 under namnen Alina, "
                                                 "Bianca, Daria, Elena och 3 till; foto P12 under namnen Alina, Bianca.")


def test_a_value_is_never_read_as_a_placeholder() -> None:
    params = {**_names_params(), "names": listed(["{phone}", "{count}"])}
    assert "women: {phone}, {count} (ages" in render(NAMES_TEMPLATE, params)
    assert "kvinnor: {phone}, {count} (åldrar" in render(NAMES_TEMPLATE, params, SWEDISH)


@pytest.mark.parametrize("template, params", [
    (None, {}), ("", {}), (NAMES_TEMPLATE, None), (NAMES_TEMPLATE, "x"),
    (NAMES_TEMPLATE, {"phone": "+4670"}),                                   # a placeholder without value
    ("{x}", {"x": 1.5}), ("{x}", {"x": True}), ("{x}", {"x": {"list": [1, 2]}}),
    ("{x}", {"x": {"route": [["Borås"]]}}), ("{x}", {"x": {"each": "{y}", "items": [{}]}}),
    ("{x}", {"x": {"percent": "40%"}}), ("{x}", {"x": ["Alina"]}),
])
def test_a_malformed_reason_is_refused_so_the_caller_shows_its_text(template: object, params: object) -> None:
    with pytest.raises(InputError):
        render(template, params)
