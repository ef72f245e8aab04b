"""Linking that cannot chain, on small hand-made graphs: numbers anchor clusters; a photo or a text
alone never merges two numbers' groups; rare keys weigh more than common ones; one woman on two
numbers is one woman."""

from __future__ import annotations

import numpy as np

from triage.anchor import key_weights, link
from triage.frame import Codes, Frame, Keys
from triage.hubs import mark_hubs
from videre.core.config import HubSettings

HUBS = HubSettings()


def _keys(kind: str, pairs: list[tuple[int, int]]) -> Keys:
    n = max((k for _, k in pairs), default=-1) + 1
    return Keys(kind, np.arange(1, n + 1), [f"{kind}{i}" for i in range(n)],
                np.array([a for a, _ in pairs], dtype=np.int64), np.array([k for _, k in pairs], dtype=np.int64),
                [None] * n)


def _frame(names: list[str | None], phones: list[tuple[int, int]], photos: list[tuple[int, int]] = (),
           templates: list[tuple[int, int]] = (), sites: list[int] | None = None) -> Frame:
    n = len(names)
    frame = Frame(ad_ids=np.arange(1, n + 1), site=np.array(sites or [1] * n, dtype=np.int64),
                  names=Codes.build(names, n), cities=Codes.build(["Göteborg"] * n, n),
                  ages=np.zeros(n, np.int16), seen=np.arange(n, dtype=np.int64) * 86_400,
                  obfuscated=np.zeros(n, bool), old_cluster=np.zeros(n, np.int64), version=np.ones(n, np.int64))
    frame.keys["phone"] = _keys("phone", list(phones))
    frame.keys["photo"] = _keys("photo", list(photos))
    frame.keys["template"] = _keys("template", list(templates))
    return frame


def _labels(frame: Frame, min_weight: float = 0.3) -> list[int]:
    spreads = {kind: mark_hubs(frame, keys, HUBS) for kind, keys in frame.keys.items()}
    return link(frame, spreads, HUBS, min_weight).labels.tolist()


def test_a_shared_text_or_photo_never_merges_two_numbers_groups() -> None:
    # Three agencies, each with its own booking line and roster, copy one brand text and one photo.
    names = [f"w{i}" for i in range(12)]
    phones = [(i, i // 4) for i in range(12)]
    shared = [(i, 0) for i in range(12)]
    labels = _labels(_frame(names, phones, photos=shared, templates=shared), min_weight=0.0)
    assert len({labels[i] for i in range(12)}) == 3
    assert all(labels[i] == labels[4 * (i // 4)] for i in range(12))


def test_weak_links_do_not_chain_through_unanchored_ads() -> None:
    # Two numbers' groups and, between them, ads with no number, each sharing a photo with the
    # next: a chain that union-find would close into one component.
    names = ["Anna", "Anna", "Bo", "Cleo", "Dana", "Eva", "Eva"]
    phones = [(0, 0), (1, 0), (5, 1), (6, 1)]
    photos = [(1, 0), (2, 0), (2, 1), (3, 1), (3, 2), (4, 2), (4, 3), (5, 3)]
    labels = _labels(_frame(names, phones, photos=photos), min_weight=0.0)
    assert labels[0] == labels[1] and labels[5] == labels[6]
    assert labels[0] != labels[5]


def test_an_unanchored_ad_joins_the_number_it_is_most_tied_to() -> None:
    names = ["Mia", "Mia", "Mia", "Lo", "Lo", "Mia"]
    phones = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)]
    # Ad 5 shows no number; two of Mia's photos and one of Lo's.
    photos = [(0, 0), (5, 0), (1, 1), (5, 1), (3, 2), (5, 2)]
    labels = _labels(_frame(names, phones, photos=photos), min_weight=0.0)
    assert labels[5] == labels[0] != labels[3]


def test_key_weight_falls_with_the_numbers_names_and_sites_that_use_it() -> None:
    # Photo 0: one woman, one number, one site. Photo 1: ten women on ten numbers and three sites.
    names = ["Nina"] * 2 + [f"w{i}" for i in range(10)]
    phones = [(0, 0), (1, 0)] + [(2 + i, 1 + i) for i in range(10)]
    photos = [(0, 0), (1, 0)] + [(2 + i, 1) for i in range(10)]
    frame = _frame(names, phones, photos=photos, sites=[1, 1] + [1 + i % 3 for i in range(10)])
    anchor = np.array([0, 0] + list(range(2, 12)))
    w = key_weights(frame, frame.keys["photo"], anchor)
    assert w[0] == 1.0
    assert 0.2 < w[1] < 0.3
    # Below the minimum link weight a stock photo links nothing: ten women stay ten clusters.
    labels = _labels(frame)
    assert len(set(labels[2:])) == 10


def test_one_woman_on_two_numbers_is_one_woman_but_a_thief_of_her_photos_is_not() -> None:
    # Ruby changes her number and keeps her photo; a scammer posts the same photo as "Lina" and
    # "Tess" on a WhatsApp number of its own.
    names = ["Ruby", "Ruby", "Ruby", "Lina", "Tess"]
    phones = [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2)]
    photos = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)]
    labels = _labels(_frame(names, phones, photos=photos))
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] != labels[0]


def test_a_line_printed_beside_other_numbers_is_no_anchor() -> None:
    # A switchboard printed next to three women's own numbers joins none of them.
    names = ["Ada", "Ada", "Bea", "Bea", "Cid", "Cid"]
    phones = [(i, i // 2) for i in range(6)] + [(0, 3), (2, 3), (4, 3)]
    labels = _labels(_frame(names, phones))
    assert len({labels[0], labels[2], labels[4]}) == 3
