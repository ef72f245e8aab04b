"""Template words: names, numbers, places and prices removed; hashes stable across runs."""

from __future__ import annotations

import numpy as np

from triage.templates import leaders, lsh_pairs, template_display
from triage.text import MinHashShape, Vocabulary, clean_batch, split_words

SHAPE = MinHashShape()
TEXT = ("Nyanländ i {city}!! {name} är {age} år och kommer från Rumänien. Hon är söt och väntar "
        "på dig. Alla tjänster, {price} kr/h. Ring {phone}")


def batch(texts: list[str], slots: list[str], vocab: Vocabulary | None = None):  # type: ignore[no-untyped-def]
    vocab = vocab or Vocabulary()
    return clean_batch(texts, slots, vocab, SHAPE, min_tokens=8), vocab


def test_names_numbers_places_and_prices_are_removed() -> None:
    text = TEXT.format(city="Borås", name="Alina", age=19, price=1500, phone="noll sju noll 17 40 6O5")
    b, vocab = batch([text], ["Alina Borås - Norrby"])
    words = b.cleaned(vocab)[0].split()
    assert words == split_words("Nyanländ i är år och kommer från Rumänien. Hon är söt och väntar "
                                "på dig. Alla tjänster, kr h. Ring")
    assert "alina" not in words and "borås" not in words and "1500" not in words


def test_one_template_with_other_slots_gives_the_same_key_and_bands() -> None:
    a = TEXT.format(city="Borås", name="Alina", age=19, price=1500, phone="070-174 06 05")
    b = TEXT.format(city="Kungälv", name="Bianca", age=23, price=2000, phone="zero seven zero 1740606")
    other = "Hej! Jag heter Emma och bor i Göteborg. Jag tränar mycket och älskar god mat, ring mig."
    res, _ = batch([a, b, other], ["Alina Borås", "Bianca Kungälv", "Emma Göteborg"])
    assert res.doc_keys[0] == res.doc_keys[1] != res.doc_keys[2]
    assert (res.bands[0] == res.bands[1]).all() and not (res.bands[0] == res.bands[2]).any()


def test_signatures_do_not_depend_on_the_run_or_the_batch() -> None:
    texts = [TEXT.format(city="Borås", name=n, age=20, price=1000, phone="") for n in ("Ioana", "Daria")]
    first, _ = batch(texts, ["Ioana", "Daria"])
    vocab = Vocabulary()
    batch(["Helt andra ord först i den här körningen så att ordnumren blir andra"], [""], vocab)
    second, _ = batch(texts[::-1], ["Daria", "Ioana"], vocab)
    assert first.doc_keys.tolist() == second.doc_keys[::-1].tolist()
    assert (first.bands == second.bands[::-1]).all()


def test_short_texts_get_no_bands() -> None:
    res, _ = batch(["Ring mig", ""], ["", ""])
    assert not res.bands.any() and res.n_tokens.tolist() == [2, 0]


def test_lsh_pairs_are_stars_per_bucket_deduplicated() -> None:
    bands = np.array([[5, 1], [5, 2], [6, 2], [5, 0]], dtype=np.uint64)
    assert lsh_pairs(bands).tolist() == [[0, 1], [0, 3], [1, 2]]


def test_leaders_do_not_chain() -> None:
    # 1 matches 0, 2 matches 1 only: 2 does not join 0's template through 1.
    pairs = np.array([[0, 1], [1, 2]])
    leader, strength = leaders(3, pairs, np.array([0.9, 0.95], dtype=np.float32))
    assert leader.tolist() == [0, 0, 2]
    assert strength.tolist() == [1.0, np.float32(0.9), 1.0]


def test_template_display_shows_shared_words_and_per_ad_slots() -> None:
    texts = ["Unga Nok, 19, från Ukraina. Ring 070-17 40 608",
             "Unga Joy, 21, från Ukraina. Ring O7O-l7 4O 6O8",
             "Unga Ploy, 20, från Ukraina. Ring 0701740608"]
    text, slots = template_display(texts)
    assert text == "Unga {1}, {2}, från Ukraina. Ring {3}"
    assert slots[0] == ["Nok", "19", "070-17 40 608"]
    assert slots[1][:2] == ["Joy", "21"] and slots[2][:2] == ["Ploy", "20"]
