"""The score separates planted organised groups and agencies from each kind of independent woman
that looks like them: heavy reposters, women touring alone, women using a stock phrase."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import make_settings
from triage.evaluate import evaluate
from triage.evidence import Evidence
from triage.features import FeatureTable
from triage.rescore import rescore
from triage.score import DEFAULT_WEIGHTS, RULES, reasons_for, score, score_all
from videre.config import ScoreRules
from videre.db import Database
from videre.demo.generate import generate_world
from videre.demo.world import SITES
from videre.importer import import_files

BASES = {slug: f"http://127.0.0.1:{8701 + i}" for i, slug in enumerate(SITES)}
CONFOUNDERS = ("independent", "reposter", "tourer", "stock_phrase")


@pytest.mark.parametrize("seed", [7, 19])
def test_planted_groups_top_the_queue_and_no_confounder_reaches_it(tmp_path: Path, seed: int) -> None:
    world = generate_world(seed, 2.5, with_photos=False)
    path = tmp_path / "ads.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in world.iter_records(BASES)),
                    encoding="utf-8")
    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    import_files([path], settings, db)
    rescore(settings, db, full=True)
    with db.session() as s:
        m = evaluate(s, world.truth(), BASES)
    db.dispose()
    assert m.targets >= 8
    assert m.precision_at_k == 1.0 and m.recall == 1.0, m.report()
    assert m.false_items == 0 and m.mixed_items == 0, m.report()
    kinds = {g["kind"] for g in world.truth()["groups"]}
    assert set(CONFOUNDERS) <= kinds
    for kind in CONFOUNDERS:
        assert m.top_confounder.get(kind, 0.0) < settings.triage.threshold, m.report()
    assert m.lowest_found_target >= settings.triage.threshold


def _one_row(**values: float) -> FeatureTable:
    fields = FeatureTable.__dataclass_fields__
    return FeatureTable(**{f: np.array([values.get(f, 0)], dtype=float if f in (
        "moves_per_week", "span_days", "template_share", "obfuscated", "third_person", "several_women",
        "youth_language", "nationality", "trustworthy", "young", "ads_per_week") else np.int64)
        for f in fields})


def test_each_reason_carries_its_weight_and_the_score_is_their_sum() -> None:
    t = _one_row(cids=1, n_ads=12, women=4, women_per_number=4, phones=1, cities=4, stays=5,
                 movers=3, obfuscated=0.5, third_person=1.0, foreign_phones=1, sites=2)
    s = score_all(t, ScoreRules(), {"foreign_number": 0.9})
    ev = Evidence([0], names=["alina", "bianca", "daria", "eva"], phones=["+40721234567"],
                  names_per_phone={"+40721234567": ["alina", "bianca", "daria", "eva"]},
                  route=[("Borås", "2026-03-01"), ("Kungälv", "2026-03-08")], cities=["Borås", "Kungälv"],
                  sites=["kvallsros", "nattfjaril"])
    reasons = reasons_for(t, s, 0, ev, ScoreRules())
    weights = {r.code: r.weight for r in reasons}
    assert weights["many_names_one_number"] == DEFAULT_WEIGHTS["many_names_one_number"] * 1.25
    assert weights["foreign_number"] == 0.9
    assert {"observed_movement", "phone_obfuscated", "third_person", "several_sites"} <= set(weights)
    assert "solo_movement" not in weights and "shared_photos" not in weights
    assert score(reasons) == pytest.approx(float(s.total[0]))
    assert "+40721234567" in next(r.text for r in reasons if r.code == "foreign_number")


def test_a_woman_touring_alone_gets_the_small_solo_weight() -> None:
    t = _one_row(cids=1, n_ads=5, women=1, women_per_number=1, phones=1, cities=4, stays=4, movers=1)
    s = score_all(t, ScoreRules(), {})
    assert s.parts["solo_movement"][0] == DEFAULT_WEIGHTS["solo_movement"]
    assert s.parts["observed_movement"][0] == 0
    assert float(s.total[0]) < 2.0


def test_every_rule_has_a_default_weight() -> None:
    assert {code for code, _, _ in RULES} == set(DEFAULT_WEIGHTS)
