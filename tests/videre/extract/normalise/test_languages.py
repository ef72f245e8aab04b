"""The small offline language detector."""

from __future__ import annotations

import pytest

from videre.extract.normalise.languages import detect_languages


@pytest.mark.parametrize(("text", "langs"), [
    ("Hej! Jag heter Sofia och är ny i stan. Ring mig gärna.", ("sv",)),
    ("Hello gentlemen, my name is Anna and I am new in town. Call me for a good time.", ("en",)),
    ("Hola, soy nueva en la ciudad. Besos para ti, estoy muy bien.", ("es",)),
    ("Hallo, ich bin neu in der Stadt. Küsse und bis bald, ich bin sehr nett.", ("de",)),
    ("Salut, sunt nouă în oraș. Te aștept cu drag, pupici și sunt foarte dulce.", ("ro",)),
    ("Cześć, jestem nowa w mieście. Zapraszam, jestem bardzo miła.", ("pl",)),
    ("Bonjour, je suis nouvelle en ville. Bisous, je suis très douce avec vous.", ("fr",)),
    ("สวัสดีค่ะ ยินดีต้อนรับทุกท่าน", ("th",)),
    ("Привет, я Аня, новая девушка в городе", ("ru",)),
    ("Привіт, я Аня, нова дівчина у місті", ("uk",)),
    ("", ()),
    ("070-174 06 05", ()),
])
def test_main_language(text: str, langs: tuple[str, ...]) -> None:
    assert detect_languages(text) == langs


def test_mixed_ad_lists_both_most_used_first() -> None:
    text = ("Hej! Jag heter Anna och jag är ny i stan, ring mig. "
            "Hi, I am Anna, new in town and available for you tonight, call me.")
    assert set(detect_languages(text)) == {"sv", "en"}


def test_short_text_still_gets_a_language() -> None:
    assert detect_languages("Ring mig") == ("sv",)
    assert detect_languages("Call me") == ("en",)


def test_huge_text_is_bounded() -> None:
    assert detect_languages("och jag " * 500_000) == ("sv",)
