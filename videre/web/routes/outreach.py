"""What outreach workers see: for items released to outreach only the area, the time, the languages
and the contact number. The query selects nothing else, so nothing else can leak into the page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.ads import Ad
from models.entities import AdPhone, Phone
from models.review import QueueItem
from videre.services import audit
from videre.services.sessions import CurrentUser
from videre.web.context import Web
from videre.web.handlers import page

MAX_ROWS = 500


@dataclass(frozen=True)
class OutreachRow:
    ref: int
    areas: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    languages: list[str]
    numbers: list[str]


def outreach_rows(session: Session) -> list[OutreachRow]:
    items = session.execute(
        select(QueueItem.id, QueueItem.cluster_id, QueueItem.first_seen, QueueItem.last_seen)
        .where(QueueItem.status == "outreach").order_by(QueueItem.last_seen.desc(), QueueItem.id)
        .limit(MAX_ROWS)).all()
    clusters = [i.cluster_id for i in items]
    areas: dict[int, set[str]] = defaultdict(set)
    languages: dict[int, set[str]] = defaultdict(set)
    for cid, city, langs in session.execute(
            select(Ad.cluster_id, Ad.city, Ad.extraction["languages"]).where(Ad.cluster_id.in_(clusters))):
        if city:
            areas[cid].add(city)
        languages[cid].update(x for x in (langs or []) if isinstance(x, str))
    numbers: dict[int, set[str]] = defaultdict(set)
    for cid, e164 in session.execute(
            select(Ad.cluster_id, Phone.e164).join(AdPhone, AdPhone.ad_id == Ad.id)
            .join(Phone, Phone.id == AdPhone.phone_id)
            .where(Ad.cluster_id.in_(clusters), Phone.is_hub.is_(False))):
        numbers[cid].add(e164)
    return [OutreachRow(i.id, sorted(areas[i.cluster_id]), i.first_seen, i.last_seen,
                        sorted(languages[i.cluster_id]), sorted(numbers[i.cluster_id])) for i in items]


@page("outreach")
def outreach_page(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        rows = outreach_rows(s)
        audit.record(s, user, "view_outreach", "queue", "", items=[r.ref for r in rows],
                     numbers=[n for r in rows for n in r.numbers])
    return web.render(request, "outreach.html", rows=rows)


def routes() -> list[Route]:
    return [Route("/outreach", outreach_page, methods=["GET"])]
