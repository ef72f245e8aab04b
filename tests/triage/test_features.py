"""Every cluster feature on small hand-built cases."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from triage.features import DAY, FeatureTable, compute_features, personas
from triage.frame import Codes, Frame, Keys
from triage.signals import FLAGS, Signals
from videre.core.config import ScoreRules

HOUR = 3600


@dataclass
class A:
    """One hand-built ad."""

    cluster: int
    name: str | None = None
    age: int = 0
    city: str | None = None
    day: float = 0.0
    site: int = 1
    phones: tuple[str, ...] = ()
    photo: int | None = None
    template: int | None = None
    flags: tuple[str, ...] = ()
    nations: str = ""
    obfuscated: bool = False
    extra: dict = field(default_factory=dict)


def keys(kind: str, pairs: list[tuple[int, object]]) -> Keys:
    labels = sorted({k for _, k in pairs}, key=str)
    index = {k: i for i, k in enumerate(labels)}
    return Keys(kind, np.arange(1, len(labels) + 1), [str(k) for k in labels],
                np.array([a for a, _ in pairs], dtype=np.int64),
                np.array([index[k] for _, k in pairs], dtype=np.int64), [None] * len(labels))


def table(ads: list[A], rules: ScoreRules = ScoreRules(),
          hubs: tuple[str, ...] = ()) -> tuple[FeatureTable, dict[int, int]]:
    n = len(ads)
    frame = Frame(
        ad_ids=np.arange(1, n + 1), site=np.array([a.site for a in ads]),
        names=Codes.build([a.name for a in ads], n), cities=Codes.build([a.city for a in ads], n),
        ages=np.array([a.age for a in ads], dtype=np.int16),
        seen=np.array([int(a.day * DAY) for a in ads], dtype=np.int64),
        obfuscated=np.array([a.obfuscated for a in ads]), old_cluster=np.zeros(n, np.int64),
        version=np.ones(n, np.int64))
    frame.keys["phone"] = keys("phone", [(i, p) for i, a in enumerate(ads) for p in a.phones])
    frame.keys["photo"] = keys("photo", [(i, a.photo) for i, a in enumerate(ads) if a.photo is not None])
    frame.keys["template"] = keys("template", [(i, a.template) for i, a in enumerate(ads) if a.template is not None])
    for kind_keys in frame.keys.values():
        kind_keys.hub = np.array([label in hubs for label in kind_keys.labels], dtype=bool)
    flags = np.array([sum(FLAGS[f] for f in a.flags) for a in ads], dtype=np.int64)
    signals = Signals(np.zeros(n, np.int64), np.zeros(n, np.int32), np.zeros((n, 8), np.uint64),
                      flags, [a.nations for a in ads])
    t = compute_features(frame, signals, np.array([a.cluster for a in ads]), "+46", rules)
    return t, {int(c): i for i, c in enumerate(t.cids)}


def test_women_are_names_split_where_stated_ages_differ() -> None:
    ads = [A(1, "Alina", 19), A(1, "Alina", 20), A(1, "Alina", 31), A(1, "Alina"), A(1, "Joy", 22),
           A(2, "Emma", 30), A(2, None, 30)]
    t, row = table(ads)
    assert t.women[row[1]] == 3 and t.women[row[2]] == 1
    assert personas.__doc__


def test_women_per_number_and_numbers_per_woman() -> None:
    p1, p2, p3 = "+46701740605", "+46701740606", "+46701740607"
    ads = [A(1, "Alina", phones=(p1,)), A(1, "Bianca", phones=(p1,)), A(1, "Daria", phones=(p1,)),
           A(1, "Daria", phones=(p2,)), A(1, "Daria", phones=(p3,)), A(2, "Emma", phones=("+46701740608",))]
    t, row = table(ads)
    assert t.women_per_number[row[1]] == 3
    assert t.numbers_per_woman[row[1]] == 3
    assert t.phones[row[1]] == 3 and t.women_per_number[row[2]] == 1


def test_foreign_numbers_are_counted() -> None:
    ads = [A(1, "Ioana", phones=("+40721234567",)), A(1, "Ioana", phones=("+46701740605",))]
    t, row = table(ads)
    assert t.foreign_phones[row[1]] == 1


def test_observed_movement_route_moves_per_week_and_movers() -> None:
    # Two women moved together Borås -> Kungälv -> Alingsås over two weeks; a third stays put.
    ads = [A(1, "Alina", city="Borås", day=0), A(1, "Bianca", city="Borås", day=0.5),
           A(1, "Alina", city="Kungälv", day=7), A(1, "Bianca", city="Kungälv", day=7.2),
           A(1, "Alina", city="Alingsås", day=14), A(1, "Daria", city="Borås", day=1)]
    t, row = table(ads)
    r = row[1]
    assert t.cities[r] == 3 and t.movers[r] == 2
    # Time order: Borås, Borås, Borås(Daria), Kungälv, Kungälv, Alingsås: three stays.
    assert t.stays[r] == 3
    assert t.span_days[r] == pytest.approx(14) and t.moves_per_week[r] == pytest.approx(1.0)


def test_sites_photo_reuse_and_template_reuse() -> None:
    ads = [A(1, "Alina", site=1, photo=5, template=9), A(1, "Bianca", site=2, photo=5, template=9),
           A(1, "Bianca", site=2, photo=6), A(1, "Bianca", site=3, photo=6, template=8),
           A(2, "Emma", photo=7, template=3), A(2, "Emma", photo=7, template=3)]
    t, row = table(ads)
    assert t.sites[row[1]] == 3
    assert t.photo_reuse[row[1]] == 1 and t.template_reuse[row[1]] == 1
    assert t.template_share[row[1]] == pytest.approx(0.5)
    # One woman reusing her own photo and text is not reuse across women.
    assert t.photo_reuse[row[2]] == 0 and t.template_reuse[row[2]] == 0


def test_wording_shares_obfuscation_nationality_and_youth() -> None:
    ads = [A(1, "Alina", 19, flags=("third_person", "youth_language", "nationality"), obfuscated=True),
           A(1, "Bianca", 24, flags=("third_person", "several_women")),
           A(1, "Daria", 30, flags=("trustworthy_provider",)), A(1, "Eva", 0, flags=("phone_obfuscated",))]
    t, row = table(ads)
    r = row[1]
    assert t.third_person[r] == pytest.approx(0.5)
    assert t.several_women[r] == pytest.approx(0.25)
    assert t.youth_language[r] == pytest.approx(0.25)
    assert t.nationality[r] == pytest.approx(0.25)
    assert t.trustworthy[r] == pytest.approx(0.25)
    assert t.obfuscated[r] == pytest.approx(0.5)
    assert t.min_age[r] == 19 and t.young[r] == pytest.approx(1 / 3)


def test_posting_rhythm_and_batches() -> None:
    base = 10.0
    ads = [A(1, "Alina", day=base), A(1, "Bianca", day=base + 5 * 60 / DAY),
           A(1, "Daria", day=base + 9 * 60 / DAY), A(1, "Alina", day=base + 3),
           A(1, "Alina", day=base + 3 + 2 * 60 / DAY), A(1, "Eva", day=base + 13)]
    t, row = table(ads)
    r = row[1]
    # Three women within nine minutes: two close pairs; the same woman twice is no batch.
    assert t.batches[r] == 2
    assert t.busiest_day[r] == 3
    assert t.ads_per_week[r] == pytest.approx(6 / (13 / 7))
    assert t.row(r)["n_ads"] == 6


def test_hub_keys_are_left_out_of_the_features() -> None:
    support = "+46313900672"
    ads = [A(1, "Alina", phones=(support, "+46701740605")), A(1, "Bianca", phones=(support,)),
           A(1, "Daria", phones=(support,))]
    t, row = table(ads)
    assert t.women_per_number[row[1]] == 3 and t.phones[row[1]] == 2
    t, row = table(ads, hubs=(support,))
    assert t.women_per_number[row[1]] == 1 and t.phones[row[1]] == 1
