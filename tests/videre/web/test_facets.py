"""The filter index's values: words of names, titles and bodies, whole contacts, and their bounds."""

from __future__ import annotations

import random

from tests.videre.web.seed import XSS_TEXT
from videre.services.facets import MAX_CONTACTS, MAX_VALUE, MAX_WORDS, contact_words, item_facets, query_terms

SUMMARY = {"phones": ["+46701740605"], "cities": ["Göteborg"], "names": ["lina"], "n_ads": 3}
BODY = ("Hej! Jag heter Lina, 23 år, rumänska tjej ny i Göteborg. Bor på Hotell Kungsträdgården nära "
        "Drottninggatan. Ring 070-174 06 05, mejla lina.k@example.test eller Snap: lina_k92. "
        "Insta @lina.k. Kram!")


def _words(facets: set[tuple[str, str]]) -> set[str]:
    return {v for k, v in facets if k == "word"}


def _found(facets: set[tuple[str, str]], typed: str) -> bool:
    """What the queue's text filter does: every term is the prefix of some word of the item."""
    found = _words(facets)
    return all(any(w.startswith(t) for w in found) for t in query_terms(typed))


def test_body_words_and_contacts_are_indexed_as_typed() -> None:
    facets = item_facets(SUMMARY, [], ["escortguide"], ["Lina 23 – ny i Göteborg"], [BODY])
    for typed in ("rumänska", "kungsträdg", "drottninggatan", "lina.k@example.test", "lina.k@ex",
                  "LINA.K@EXAMPLE.TEST", "@lina_k92", "lina_k", "@lina.k", "snap lina_k92"):
        assert _found(facets, typed), typed
    # The address is one value: another item's "lina" and "example" words do not make it match.
    other = item_facets({**SUMMARY, "names": ["lina"]}, [], [], ["Lina"], ["Mejla anna@example.test"])
    assert not _found(other, "lina.k@example.test")
    assert _found(other, "lina example")  # the words themselves are still found as before


def test_query_terms_keep_contacts_whole_and_split_the_rest() -> None:
    assert query_terms("Lina.K@Example.test") == ["lina.k@example.test"]
    assert query_terms("@lina_k carla göteborg") == ["lina_k", "carla", "göteborg"]
    assert query_terms("@lina.k,") == ["lina.k"]
    assert query_terms("@ . @@") == []
    assert all(len(t) <= MAX_VALUE for t in query_terms("x" * 60 + "@" + "y." * 300))


def test_hidden_addresses_are_indexed_as_plain_ones() -> None:
    assert "maja.s@example.test" in contact_words(["skriv till maja.s (at) example (dot) test"])


def test_hostile_bodies_are_only_stored_as_bounded_words() -> None:
    facets = item_facets(SUMMARY, [], [], [], [XSS_TEXT, "{{ 7*7 }} " + "a" * 5000])
    words = _words(facets)
    assert {"script", "alert", "onerror"} <= words and "49" not in words
    assert all(len(v) <= MAX_VALUE for _, v in facets)


def test_many_distinct_bodies_stay_within_the_bound_and_keep_names_and_contacts() -> None:
    rng = random.Random(3)
    bodies = [" ".join(f"ord{rng.randrange(10**9)}" for _ in range(120)) + f" snap: kontakt_{i}"
              for i in range(40)]
    facets = item_facets(SUMMARY, [], ["escortguide"], ["Lina ny i stan"], bodies)
    words = _words(facets) - {"46701740605", "0701740605"}
    assert len(words) == MAX_WORDS
    assert {"lina", "göteborg", "escortguide", "ny", "stan"} <= words
    assert sum(w.startswith("kontakt_") for w in words) == MAX_CONTACTS
