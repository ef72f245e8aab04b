"""A transparent score: a sum of weighted reasons, each a sentence an analyst can check.

Every rule is evaluated for all clusters at once (a weight per cluster, 0 where it does not apply),
so the score of a million ads is a few numpy operations; the sentences are written only for
clusters that reach the queue. The score is the sum of the weights of the reasons shown. Each
sentence is an English msgid with parameters (triage.reason_text): its untranslated rendering is
the stored English text, and the web UI renders it in the analyst's language.

Evidence base (docs/scoring.md): several women behind one number, observed movement of a group,
shared photos and templates (InfoShield), a hidden number, youth language, stated ethnicity and
"trustworthy provider" wording (NIJ/JIRN). Movement wording is never scored; one woman touring on
her own scores little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from triage.cluster_evidence import Evidence
from triage.features import FeatureTable
from triage.reason_text import N_, decimal, each, listed, percent, render, route
from videre.core.config import ScoreRules

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
    text: str           # the English sentence: CLI, exports and stored evidence keep its wording
    weight: float
    template: str = ""  # English msgid with {placeholders}, for other languages (triage.reason_text)
    params: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text, "weight": round(self.weight, 3),
                "template": self.template, "params": self.params}


Sentence = tuple[str, dict[str, object]]
Rule = tuple[str, Callable[[FeatureTable, ScoreRules], np.ndarray],
             Callable[[FeatureTable, int, Evidence, ScoreRules], Sentence]]


def _names_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    phone, names = max(ev.names_per_phone.items(), key=lambda kv: (len(kv[1]), kv[0]),
                       default=("?", []))
    params = {"phone": phone, "count": int(t.women_per_number[i]), "names": listed(names)}
    if not ev.ages:
        return N_("The number {phone} is used for {count} women: {names}."), params
    return (N_("The number {phone} is used for {count} women: {names} (ages {ages})."),
            {**params, "ages": listed(ev.ages)})


def _shared(kind: str, ev: Evidence, example: str) -> dict[str, object]:
    shared = ev.shared(kind, 2)
    return {"count": len(shared),
            "examples": each(example, [{"label": lk.label, "names": listed(lk.names, 4)} for lk in shared[:3]],
                             "; ")}


def _templates_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    return (N_("{count} template(s) used for several women: {examples}. "
               "{share} of the ads follow a shared template."),
            {**_shared("template", ev, N_("template {label} under {names}")),
             "share": percent(t.template_share[i])})


def _photos_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    return (N_("{count} photo(s) used for several women: {examples}."),
            _shared("photo", ev, N_("photo {label} under {names}")))


def _movement_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    params = {"movers": int(t.movers[i]), "cities": int(t.cities[i]), "moves": int(t.stays[i] - 1),
              "per_week": decimal(t.moves_per_week[i], 1), "route": route(ev.route)}
    if t.movers[i] >= 2:
        return N_("{movers} women seen in {cities} cities, {moves} moves ({per_week} a week): {route}."), params
    return N_("One woman seen in {cities} cities, {moves} moves ({per_week} a week): {route}."), params


def _share_text(msgid: str, share: Callable[[FeatureTable], np.ndarray]
                ) -> Callable[[FeatureTable, int, Evidence, ScoreRules], Sentence]:
    return lambda t, i, ev, r: (msgid, {"share": percent(share(t)[i])})


def _foreign_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    foreign = [p for p in ev.phones if not p.startswith("+46")] or ev.phones
    return N_("Foreign number(s): {phones}."), {"phones": listed(foreign)}


def _nationality_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    share = percent(t.nationality[i])
    if not ev.nationalities:
        return N_("A nationality is stated in {share} of the ads: see the ads."), {"share": share}
    return (N_("A nationality is stated in {share} of the ads: {nationalities}."),
            {"share": share, "nationalities": listed(ev.nationalities)})


def _youth_text(t: FeatureTable, i: int, ev: Evidence, r: ScoreRules) -> Sentence:
    return (N_("Youth: stated ages from {min_age}; {young} of stated ages are young, "
               "youth wording in {youth} of the ads."),
            {"min_age": int(t.min_age[i]) or "?", "young": percent(t.young[i]),
             "youth": percent(t.youth_language[i])})


RULES: list[Rule] = [
    ("many_names_one_number",
     lambda t, r: np.where(t.women_per_number >= r.women_per_number,
                           1 + 0.25 * np.minimum(t.women_per_number - r.women_per_number, 4), 0),
     _names_text),
    ("shared_template", lambda t, r: (t.template_reuse >= 1).astype(float), _templates_text),
    ("shared_photos", lambda t, r: (t.photo_reuse >= 1).astype(float), _photos_text),
    ("observed_movement",
     lambda t, r: ((t.cities >= r.movement_cities) & (t.stays >= r.movement_cities)
                   & (t.movers >= 2)).astype(float), _movement_text),
    ("solo_movement",
     lambda t, r: ((t.cities >= r.movement_cities) & (t.stays >= r.movement_cities)
                   & (t.movers < 2)).astype(float), _movement_text),
    ("phone_obfuscated", lambda t, r: (t.obfuscated >= r.wording_share).astype(float),
     _share_text(N_("The number is hidden from scrapers in {share} of the ads "
                    "(written in words, look-alike letters or split digits)."), lambda t: t.obfuscated)),
    ("foreign_number", lambda t, r: (t.foreign_phones >= 1).astype(float), _foreign_text),
    ("stated_nationality", lambda t, r: (t.nationality >= r.wording_share).astype(float), _nationality_text),
    ("third_person", lambda t, r: (t.third_person >= r.wording_share).astype(float),
     _share_text(N_("{share} of the ads are written about her, not by her (third person)."),
                 lambda t: t.third_person)),
    ("several_women_wording", lambda t, r: (t.several_women >= r.wording_share).astype(float),
     _share_text(N_("{share} of the ads offer several women."), lambda t: t.several_women)),
    ("youth", lambda t, r: ((t.young >= r.wording_share) | (t.youth_language >= r.wording_share)).astype(float),
     _youth_text),
    ("trustworthy_provider", lambda t, r: (t.trustworthy >= r.wording_share).astype(float),
     _share_text(N_("\"Trustworthy provider\" wording in {share} of the ads."), lambda t: t.trustworthy)),
    ("several_sites", lambda t, r: ((t.sites >= 2) & (t.women >= 2)).astype(float),
     lambda t, i, ev, r: (N_("Several women advertised on {count} sites: {sites}."),
                          {"count": int(t.sites[i]), "sites": listed(ev.sites)})),
    ("batch_posting", lambda t, r: (t.batches >= 2).astype(float),
     lambda t, i, ev, r: (N_("Ads of different women posted within {minutes} minutes of each other {count} times."),
                          {"minutes": r.batch_minutes, "count": int(t.batches[i])})),
    ("numbers_per_woman", lambda t, r: (t.numbers_per_woman >= 3).astype(float),
     lambda t, i, ev, r: (N_("One woman is reached on {count} different numbers."),
                          {"count": int(t.numbers_per_woman[i])})),
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
    for code, _, sentence in RULES:
        weight = float(s.parts[code][i])
        if weight:
            template, params = sentence(t, i, ev, rules)
            out.append(Reason(code, render(template, params), weight, template, params))
    return sorted(out, key=lambda r: -r.weight)


def score(reasons: list[Reason]) -> float:
    return round(sum(r.weight for r in reasons), 3)
