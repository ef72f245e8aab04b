"""Weights learned from analysts' labels: a logistic regression over the reasons of labelled items.

Each labelled item is one example: its features are which reasons it carries (1 or 0 per reason
code), its outcome whether analysts labelled it trafficking suspected (1) or independent, spam or
scam (0); "other" says nothing either way and is left out. The fitted coefficients are log-odds:
how much a reason moves the odds that an item is organised. To put them beside the hand-set
weights they are rescaled so that their mean size matches the hand-set weights of the same
reasons; a lead may adopt them (the web UI records that in the audit log).

Precision and recall are cross-validated (stratified folds: every item is scored by a model that
did not see it) and shown next to those of the hand-set weights on the same labels, at the
queue threshold. Below `triage.learn_min_labels` labelled items, or with one outcome only, nothing
is fitted. Reason codes the model never saw get no learned weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.review import QueueItem
from triage.reason_text import N_

POSITIVE = frozenset({"trafficking_suspected"})
NEGATIVE = frozenset({"independent", "spam", "scam"})
MAX_FOLDS = 5
LIMIT = 20.0


@dataclass(frozen=True)
class Example:
    codes: frozenset[str]
    positive: bool


@dataclass
class Fit:
    n_labels: int
    n_positive: int
    min_labels: int
    fitted: bool
    why_not: str = ""                         # a msgid when not fitted
    weights: dict[str, float] = field(default_factory=dict)       # proposed, on the hand-set scale
    coefficients: dict[str, float] = field(default_factory=dict)  # log-odds per reason
    intercept: float = 0.0
    precision: float | None = None            # cross-validated, learned model
    recall: float | None = None
    hand_precision: float | None = None       # the hand-set weights at the threshold, same labels
    hand_recall: float | None = None
    folds: int = 0


def examples(session: Session) -> list[Example]:
    """Every queue item an analyst labelled, with the reason codes it carries now."""
    out = []
    for label, reasons in session.execute(select(QueueItem.label, QueueItem.reasons).where(QueueItem.label.is_not(None))):
        if label not in POSITIVE | NEGATIVE:
            continue
        codes = frozenset(str(r["code"]) for r in reasons or [] if isinstance(r, Mapping) and r.get("code"))
        out.append(Example(codes, label in POSITIVE))
    return out


def _precision_recall(truth: np.ndarray, guess: np.ndarray) -> tuple[float, float]:
    tp = int((truth & guess).sum())
    predicted, actual = int(guess.sum()), int(truth.sum())
    return (tp / predicted if predicted else 0.0), (tp / actual if actual else 0.0)


def fit(data: Sequence[Example], hand: Mapping[str, float], threshold: float, min_labels: int,
        seed: int = 0) -> Fit:
    """Fit on `data`; `hand` are the weights in use, `threshold` the queue's."""
    n_pos = sum(e.positive for e in data)
    result = Fit(len(data), n_pos, min_labels, fitted=False)
    if len(data) < min_labels:
        result.why_not = N_("Too few labelled items to learn weights from.")
        return result
    folds = min(MAX_FOLDS, n_pos, len(data) - n_pos)
    if folds < 2:
        result.why_not = N_("Both outcomes are needed: items labelled trafficking suspected and items labelled independent, spam or scam.")
        return result
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    codes = sorted({c for e in data for c in e.codes})
    x = np.array([[1.0 if c in e.codes else 0.0 for c in codes] for e in data])
    y = np.array([e.positive for e in data])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    guess = cross_val_predict(model, x, y, cv=cv).astype(bool)
    result.precision, result.recall = _precision_recall(y, guess)
    hand_scores = np.array([sum(hand.get(c, 0.0) for c in e.codes) for e in data])
    result.hand_precision, result.hand_recall = _precision_recall(y, hand_scores >= threshold)
    model.fit(x, y)
    coef = dict(zip(codes, model.coef_[0].tolist()))
    result.coefficients = {c: round(v, 3) for c, v in coef.items()}
    result.intercept = round(float(model.intercept_[0]), 3)
    known = [c for c in codes if c in hand]
    size_hand = float(np.mean([abs(hand[c]) for c in known])) if known else 1.0
    size_coef = float(np.mean([abs(coef[c]) for c in known])) if known else 1.0
    scale = size_hand / size_coef if size_coef > 1e-9 else 1.0
    result.weights = {c: round(float(np.clip(v * scale, -LIMIT, LIMIT)), 2) for c, v in coef.items()}
    result.fitted, result.folds = True, folds
    return result


def learn(session: Session, hand: Mapping[str, float], threshold: float, min_labels: int) -> Fit:
    return fit(examples(session), hand, threshold, min_labels)


def adoptable(result: Fit, known: Iterable[str]) -> dict[str, float]:
    """The learned weights a lead can adopt: those of reason codes the scorer knows."""
    allowed = set(known)
    return {c: w for c, w in result.weights.items() if c in allowed}
