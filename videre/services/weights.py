"""Scoring weights as a lead sets them in the UI, on top of the defaults and config.yaml.

`effective_weights` is what a re-score should use: triage's defaults, then config.yaml
`triage.weights`, then the leads' overrides stored in `weight_settings`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.review import WeightSetting
from triage.score import DEFAULT_WEIGHTS
from videre.core.config import Settings
from videre.core.errors import InputError

LIMIT = 20.0


def weight_overrides(session: Session) -> dict[str, float]:
    return WeightSetting.overrides(session)


def effective_weights(session: Session, settings: Settings) -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **settings.triage.weights, **weight_overrides(session)}


def set_weight(session: Session, code: str, value: str, user_id: int) -> None:
    known = set(DEFAULT_WEIGHTS)
    if code not in known:
        raise InputError(f"unknown reason code {code!r}")
    if value.strip() == "":
        session.execute(delete(WeightSetting).where(WeightSetting.code == code))
        return
    try:
        weight = float(value.replace(",", "."))
    except ValueError:
        raise InputError(f"the weight of {code} must be a number") from None
    if not -LIMIT <= weight <= LIMIT:
        raise InputError(f"a weight must be between {-LIMIT} and {LIMIT}")
    row = session.get(WeightSetting, code)
    if row is None:
        row = WeightSetting(code=code, weight=weight)
        session.add(row)
    row.weight = weight
    row.updated_by = user_id
    row.updated_at = datetime.now(timezone.utc)
