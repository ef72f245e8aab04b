"""A transparent score: a sum of weighted reasons, each a sentence an analyst can check.

Every rule is evaluated for all clusters at once (a weight per cluster, 0 where it does not apply),
so the score of a million ads is a few numpy operations; the sentences are written only for
clusters that reach the queue. The score is the sum of the weights of the reasons shown.

Evidence base (DESIGN.md §5): several women behind one number, observed movement of a group,
shared photos and templates (InfoShield), a hidden number, youth language, stated ethnicity and
"trustworthy provider" wording (NIJ/JIRN). Movement wording is never scored; one woman touring on
her own scores little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from triage.evidence import Evidence
from triage.features import FeatureTable
from videre.config import ScoreRules

# Defaults; config.yaml `triage.weights` overrides any of them. Chosen on the evaluation world
# (bench/triage_eval.py); see bench/README.md for the figures behind each.
DEFAULT_WEIGHTS: dict[str, float] = {
    "many_names_one_number": 2.0,    # several women behind one number: the core of organised ads
    "shared_template": 1.0,          # several women's ads written from one template
    "shared_photos": 1.5,            # one photo under several names
    "observed_movement": 1.5,        # several women seen moving between cities
    "solo_movement": 0.25,           # one woman touring: common among independents
    "phone_obfuscated": 1.0,         # NIJ/JIRN: significant predictor
    "foreign_number": 0.5,
    "stated_nationality": 0.5,       # NIJ/JIRN: stated ethnicity significant
    "third_person": 1.0,             # someone else writes the ad
    "several_women_wording": 0.75,   # "new girls", "choose between"
    "youth": 0.5,                    # NIJ/JIRN: youth language significant
    "trustworthy_provider": 0.5,     # NIJ/JIRN: "100 % real, not fake"
    "several_sites": 0.25,
    "batch_posting": 1.0,            # different women's ads posted minutes apart
    "numbers_per_woman": 0.5,        # one woman behind several numbers (rotated phones)
}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    weight: float

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text, "weight": round(self.weight, 3)}


def _list(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _pct(x: float) -> str:
    return f"{x:.0%}"


Rule = tuple[str, Callable[[FeatureTable, ScoreRules], np.ndarray], Callable[[FeatureTable, int, Evidence], str]]


def _names_text(t: FeatureTable, i: int, ev: Evidence) -> str:
    phone, names = max(ev.names_per_phone.items(), key=lambda kv: (len(kv[1]), kv[0]),
                       default=("?", []))
    return (f"The number {phone} is used for {t.women_per_number[i]} women: {_list(names)}"
            + (f" (ages {_list([str(a) for a in ev.ages])})." if ev.ages else "."))


def _shared_text(kind: str, what: str) -> Callable[[FeatureTable, int, Evidence], str]:
    def text(t: FeatureTable, i: int, ev: Evidence) -> str:
        shared = ev.shared(kind, 2)
        examples = "; ".join(f"{what} {lk.label} under {_list(lk.names, 4)}" for lk in shared[:3])
        return f"{len(shared)} {what}(s) used for several women: {examples}."
    return text


def _movement_text(t: FeatureTable, i: int, ev: Evidence) -> str:
    path = " → ".join(f"{c} ({d})" for c, d in ev.route[:6]) + (" …" if len(ev.route) > 6 else "")
    who = f"{t.movers[i]} women" if t.movers[i] >= 2 else "one woman"
    return (f"{who.capitalize()} seen in {t.cities[i]} cities, {t.stays[i] - 1} moves "
            f"({t.moves_per_week[i]:.1f} a week): {path}.")


RULES: list[Rule] = [
    ("many_names_one_number",
     lambda t, r: np.where(t.women_per_number >= r.women_per_number,
                           1 + 0.25 * np.minimum(t.women_per_number - r.women_per_number, 4), 0),
     _names_text),
    ("shared_template", lambda t, r: (t.template_reuse >= 1).astype(float),
     lambda t, i, ev: _shared_text("template", "template")(t, i, ev)
     + f" {_pct(t.template_share[i])} of the ads follow a shared template."),
    ("shared_photos", lambda t, r: (t.photo_reuse >= 1).astype(float), _shared_text("photo", "photo")),
    ("observed_movement",
     lambda t, r: ((t.cities >= r.movement_cities) & (t.stays >= r.movement_cities)
                   & (t.movers >= 2)).astype(float), _movement_text),
    ("solo_movement",
     lambda t, r: ((t.cities >= r.movement_cities) & (t.stays >= r.movement_cities)
                   & (t.movers < 2)).astype(float), _movement_text),
    ("phone_obfuscated", lambda t, r: (t.obfuscated >= r.wording_share).astype(float),
     lambda t, i, ev: f"The number is hidden from scrapers in {_pct(t.obfuscated[i])} of the ads "
                      "(written in words, look-alike letters or split digits)."),
    ("foreign_number", lambda t, r: (t.foreign_phones >= 1).astype(float),
     lambda t, i, ev: f"Foreign number(s): {_list([p for p in ev.phones if not p.startswith('+46')] or ev.phones)}."),
    ("stated_nationality", lambda t, r: (t.nationality >= r.wording_share).astype(float),
     lambda t, i, ev: f"A nationality is stated in {_pct(t.nationality[i])} of the ads: "
                      f"{_list(ev.nationalities) or 'see the ads'}."),
    ("third_person", lambda t, r: (t.third_person >= r.wording_share).astype(float),
     lambda t, i, ev: f"{_pct(t.third_person[i])} of the ads are written about her, not by her "
                      "(third person)."),
    ("several_women_wording", lambda t, r: (t.several_women >= r.wording_share).astype(float),
     lambda t, i, ev: f"{_pct(t.several_women[i])} of the ads offer several women."),
    ("youth", lambda t, r: ((t.young >= r.wording_share) | (t.youth_language >= r.wording_share)).astype(float),
     lambda t, i, ev: f"Youth: stated ages from {t.min_age[i] or '?'}; {_pct(t.young[i])} of stated "
                      f"ages are young, youth wording in {_pct(t.youth_language[i])} of the ads."),
    ("trustworthy_provider", lambda t, r: (t.trustworthy >= r.wording_share).astype(float),
     lambda t, i, ev: f"\"Trustworthy provider\" wording in {_pct(t.trustworthy[i])} of the ads."),
    ("several_sites", lambda t, r: ((t.sites >= 2) & (t.women >= 2)).astype(float),
     lambda t, i, ev: f"Several women advertised on {t.sites[i]} sites: {_list(ev.sites)}."),
    ("batch_posting", lambda t, r: (t.batches >= 2).astype(float),
     lambda t, i, ev: f"Ads of different women posted within {{m}} minutes of each other "
                      f"{t.batches[i]} times."),
    ("numbers_per_woman", lambda t, r: (t.numbers_per_woman >= 3).astype(float),
     lambda t, i, ev: f"One woman is reached on {t.numbers_per_woman[i]} different numbers."),
]


@dataclass
class Scores:
    total: np.ndarray                       # per cluster row
    parts: dict[str, np.ndarray]            # reason code -> weight per cluster row (0: absent)


def score_all(t: FeatureTable, rules: ScoreRules, weights: dict[str, float]) -> Scores:
    w = {**DEFAULT_WEIGHTS, **weights}
    parts = {code: np.round(cond(t, rules) * w[code], 3) for code, cond, _ in RULES}
    total = np.round(np.sum(list(parts.values()), axis=0), 3) if parts else np.zeros(len(t.cids))
    return Scores(total, parts)


def reasons_for(t: FeatureTable, s: Scores, i: int, ev: Evidence, rules: ScoreRules) -> list[Reason]:
    out = []
    for code, _, text in RULES:
        weight = float(s.parts[code][i])
        if weight:
            out.append(Reason(code, text(t, i, ev).replace("{m}", str(rules.batch_minutes)), weight))
    return sorted(out, key=lambda r: -r.weight)


def score(reasons: list[Reason]) -> float:
    return round(sum(r.weight for r in reasons), 3)
