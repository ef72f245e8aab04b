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


def test_a_copied_template_under_a_common_name_does_not_bridge_two_rings() -> None:
    # Ring B copied ring A's house template; each ring has its own number, its own women and
    # photos, and each happens to have a "Kristina" (Cristina folds to the same name). The text
    # under the same name is the only thing the two numbers share: it is a copy, not a person.
    names = ["Kristina", "Kristina", "Honey", "Honey", "Cristina", "Cristina", "Alva", "Alva"]
    phones = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 1), (5, 1), (6, 1), (7, 1)]
    photos = [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3), (7, 3)]
    templates = [(0, 0), (1, 0), (4, 0), (5, 0)]
    labels = _labels(_frame(names, phones, photos=photos, templates=templates), min_weight=0.0)
    assert labels[0] == labels[2] and labels[4] == labels[6]
    assert labels[0] != labels[4]


def test_the_same_woman_on_two_numbers_by_photo_still_bridges() -> None:
    # The same case, but the Kristina of both numbers shows the same photo: one woman, one hand.
    names = ["Kristina", "Kristina", "Honey", "Cristina", "Cristina"]
    phones = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)]
    photos = [(0, 0), (1, 0), (2, 1), (3, 0), (4, 0)]
    labels = _labels(_frame(names, phones, photos=photos), min_weight=0.0)
    assert labels[0] == labels[2] == labels[3]


def _flat_ads(women: list[str], lines: list[int], first_photo: dict[str, int]) -> list[tuple[str, int, int]]:
    """One ad per woman per line: (name, line, photo)."""
    return [(w, line, first_photo[w]) for line in lines for w in women]


def test_bridges_do_not_chain_two_flats_through_a_woman_who_moved() -> None:
    # Flat A rotates lines 0 and 1 over Anna, Bea, Cleo and Dora. Anna moves to flat B, which
    # rotates lines 2 and 3 over Eva, Fia, Gun and her, and keeps line 4 for her alone. Line 4
    # shares all its women with either flat; chained bridges would make A and B one item.
    photo = {w: i for i, w in enumerate(["Anna", "Bea", "Cleo", "Dora", "Eva", "Fia", "Gun"])}
    ads = (_flat_ads(["Anna", "Bea", "Cleo", "Dora"], [0, 1], photo) + [("Anna", 4, photo["Anna"])] * 2
           + _flat_ads(["Eva", "Fia", "Gun", "Anna"], [2, 3], photo))
    frame = _frame([a[0] for a in ads], [(i, a[1]) for i, a in enumerate(ads)],
                   photos=[(i, a[2]) for i, a in enumerate(ads)])
    labels = _labels(frame, min_weight=0.0)
    flat_a = {labels[i] for i, a in enumerate(ads) if a[1] in (0, 1)}
    flat_b = {labels[i] for i, a in enumerate(ads) if a[1] in (2, 3)}
    assert len(flat_a) == 1 and len(flat_b) == 1
    assert flat_a != flat_b


def test_a_ring_that_switches_phones_over_time_stays_one_group() -> None:
    # Line 0 carries women 1-4, line 1 women 3-7, line 2 women 6-8: each switch keeps a few women.
    women = {0: range(1, 5), 1: range(3, 8), 2: range(6, 9)}
    ads = [(f"w{w}", line) for line, ws in women.items() for w in ws]
    frame = _frame([a[0] for a in ads], [(i, a[1]) for i, a in enumerate(ads)],
                   photos=[(i, int(a[0][1:])) for i, a in enumerate(ads)])
    labels = _labels(frame, min_weight=0.0)
    assert len(set(labels)) == 1
