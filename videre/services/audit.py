"""The audit log: who saw or did what, and when. The application only ever appends to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.users import AuditEvent
from videre.services.sessions import CurrentUser

# Lists of ids in a detail are cut here; the count is kept beside them.
MAX_IDS = 500


def _bounded(detail: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, (list, tuple)) and len(value) > MAX_IDS:
            out[key] = list(value[:MAX_IDS])
            out[f"{key}_total"] = len(value)
        elif isinstance(value, str):
            out[key] = value[:2000]
        else:
            out[key] = value
    return out


def record(session: Session, user: CurrentUser | None, action: str, object_type: str = "",
           object_id: object = "", **detail: Any) -> None:
    session.add(AuditEvent(
        at=datetime.now(timezone.utc), user_id=user.id if user else None,
        username=user.username if user else str(detail.pop("username", ""))[:64],
        action=action, object_type=object_type, object_id=str(object_id)[:64],
        ip=user.ip if user else str(detail.pop("ip", ""))[:64], detail=_bounded(detail)))


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    day_from: date | None = None
    day_to: date | None = None

    def query(self) -> Select[tuple[AuditEvent]]:
        q = select(AuditEvent)
        if self.username:
            q = q.where(AuditEvent.username == self.username)
        if self.action:
            q = q.where(AuditEvent.action == self.action)
        if self.object_type:
            q = q.where(AuditEvent.object_type == self.object_type)
        if self.object_id:
            q = q.where(AuditEvent.object_id == self.object_id)
        if self.day_from:
            q = q.where(AuditEvent.at >= datetime.combine(self.day_from, time(), timezone.utc))
        if self.day_to:
            q = q.where(AuditEvent.at < datetime.combine(self.day_to + timedelta(days=1), time(), timezone.utc))
        return q

    def params(self) -> dict[str, str]:
        return {k: v for k, v in (("user", self.username), ("action", self.action),
                                  ("type", self.object_type), ("object", self.object_id),
                                  ("from", self.day_from.isoformat() if self.day_from else ""),
                                  ("to", self.day_to.isoformat() if self.day_to else "")) if v}


def page(session: Session, f: AuditFilter, offset: int, limit: int) -> list[AuditEvent]:
    q = f.query().order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
    return list(session.execute(q).scalars())


def stream(session: Session, f: AuditFilter, batch: int = 2000) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, read in batches by id."""
    last = 0
    while True:
        rows = list(session.execute(
            f.query().where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)).scalars())
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def as_json(e: AuditEvent) -> dict[str, Any]:
    return {"id": e.id, "at": e.at.isoformat(), "user_id": e.user_id, "username": e.username,
            "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
            "ip": e.ip, "detail": e.detail}
