"""The queue page's query: filters from the URL, validated, turned into one indexed SELECT."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import phonenumbers
from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from models.review import STATUSES, QueueFacet, QueueItem
from models.users import User
from videre.core.errors import InputError
from videre.services.facets import query_terms

OPEN_STATUSES = tuple(s for s in STATUSES if s != "closed")
STATUS_CHOICES = ("open", "all", *STATUSES)
MAX_TERMS = 6
MAX_TEXT = 200
TOP_REASONS = 3


def parse_day(value: str, name: str) -> date | None:
    """A date from a filter field (empty: none); InputError naming the field otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} must be a date like 2024-05-31") from None


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    city: str = ""
    site: str = ""
    reason: str = ""
    assignee: str = ""      # "", "me", "none" or a user id
    day_from: date | None = None
    day_to: date | None = None
    text: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, p: Mapping[str, str]) -> QueueFilter:
        status = p.get("status", "open") or "open"
        if status not in STATUS_CHOICES:
            raise InputError(f"unknown status {status!r}")
        assignee = p.get("assignee", "")
        if assignee not in ("", "me", "none") and not (assignee.isdigit() and len(assignee) <= 9):
            raise InputError("assignee must be me, none or a user id")
        try:
            page = int(p.get("page", "1") or "1")
        except ValueError:
            raise InputError("page must be a number") from None
        return cls(status=status, city=p.get("city", "")[:200], site=p.get("site", "")[:64],
                   reason=p.get("reason", "")[:64], assignee=assignee,
                   day_from=parse_day(p.get("from", ""), "from"), day_to=parse_day(p.get("to", ""), "to"),
                   text=" ".join(p.get("q", "").split())[:MAX_TEXT], page=max(1, min(page, 100_000)))

    def params(self, **changes: Any) -> dict[str, str]:
        f = replace(self, **changes)
        out = {"status": f.status if f.status != "open" else "", "city": f.city, "site": f.site,
               "reason": f.reason, "assignee": f.assignee,
               "from": f.day_from.isoformat() if f.day_from else "",
               "to": f.day_to.isoformat() if f.day_to else "", "q": f.text,
               "page": str(f.page) if f.page > 1 else ""}
        return {k: v for k, v in out.items() if v}

    def url(self, **changes: Any) -> str:
        query = urlencode(self.params(**changes))
        return "/" + (f"?{query}" if query else "")

    @property
    def is_search(self) -> bool:
        return bool(self.params(page=1, status="open"))

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["day_from"] = self.day_from.isoformat() if self.day_from else None
        d["day_to"] = self.day_to.isoformat() if self.day_to else None
        return d


def phone_term(text: str, region: str) -> str | None:
    """The whole search text as one phone number (E.164), when it reads as one."""
    if len(re.sub(r"\D", "", text)) < 7 or re.search(r"[^\d\s()+.\-/]", text):
        return None
    try:
        n = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(n):
        return None
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


def _has_facet(kind: str, value: str) -> Any:
    return QueueItem.id.in_(select(QueueFacet.item_id).where(QueueFacet.kind == kind, QueueFacet.value == value))


def _has_word_prefix(prefix: str) -> Any:
    # A range rather than LIKE, so that both SQLite and PostgreSQL use the primary-key index.
    return QueueItem.id.in_(select(QueueFacet.item_id).where(
        QueueFacet.kind == "word", QueueFacet.value >= prefix, QueueFacet.value < prefix + "\U0010ffff"))


def build(f: QueueFilter, user_id: int, region: str) -> Select[Any]:
    """The ids of the matching items, best first. Ids only: the rows' JSON is read for one page,
    not for every row the database sorts or skips."""
    q = select(QueueItem.id).where(QueueItem.flagged.is_(True))
    if f.status == "open":
        q = q.where(QueueItem.status.in_(OPEN_STATUSES))
    elif f.status != "all":
        q = q.where(QueueItem.status == f.status)
    if f.assignee == "me":
        q = q.where(QueueItem.assignee_id == user_id)
    elif f.assignee == "none":
        q = q.where(QueueItem.assignee_id.is_(None))
    elif f.assignee:
        q = q.where(QueueItem.assignee_id == int(f.assignee))
    for kind, value in (("city", f.city), ("site", f.site), ("reason", f.reason)):
        if value:
            q = q.where(_has_facet(kind, value))
    if f.day_from:
        q = q.where(QueueItem.last_seen >= datetime.combine(f.day_from, time(), timezone.utc))
    if f.day_to:
        q = q.where(QueueItem.first_seen < datetime.combine(f.day_to + timedelta(days=1), time(), timezone.utc))
    if f.text:
        phone = phone_term(f.text, region)
        if phone:
            q = q.where(_has_facet("phone", phone))
        else:
            for term in query_terms(f.text)[:MAX_TERMS]:
                q = q.where(_has_word_prefix(term))
    # Both descending, so that one backward scan of (flagged, score, id) gives the order.
    return q.order_by(QueueItem.score.desc(), QueueItem.id.desc())


@dataclass(frozen=True)
class QueueRow:
    id: int
    score: float
    status: str
    label: str | None
    reasons: list[dict[str, Any]]
    first_seen: datetime | None
    last_seen: datetime | None
    assignee: str | None
    n_ads: int
    phones: list[str]
    cities: list[str]


def fetch(session: Session, f: QueueFilter, user_id: int, region: str, size: int) -> tuple[list[QueueRow], bool]:
    """One page of rows, and whether there is a next page."""
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares repeated statements, and PostgreSQL's generic plan for a facet filter
        # cannot see how common the value is: measured 650 ms instead of 3 ms at 1M ads.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    ids = list(session.execute(build(f, user_id, region).offset((f.page - 1) * size).limit(size + 1)).scalars())
    details = {r[0]: r for r in session.execute(
        select(QueueItem.id, QueueItem.score, QueueItem.status, QueueItem.label, QueueItem.reasons,
               QueueItem.first_seen, QueueItem.last_seen, User.username,
               QueueItem.summary["n_ads"], QueueItem.summary["phones"], QueueItem.summary["cities"])
        .outerjoin(User, User.id == QueueItem.assignee_id).where(QueueItem.id.in_(ids)))}
    rows = []
    for r in (details[i] for i in ids if i in details):
        reasons = sorted((x for x in (r[4] or []) if isinstance(x, dict)),
                         key=lambda x: -float(x.get("weight", 0)))[:TOP_REASONS]
        rows.append(QueueRow(id=r[0], score=r[1], status=r[2], label=r[3], reasons=reasons,
                             first_seen=r[5], last_seen=r[6], assignee=r[7], n_ads=int(r[8] or 0),
                             phones=list(r[9] or [])[:3], cities=list(r[10] or [])[:4]))
    return rows[:size], len(rows) > size


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(QueueItem.status, func.count()).where(QueueItem.flagged.is_(True))
                           .group_by(QueueItem.status)).all()
    return {status: int(n) for status, n in rows}
