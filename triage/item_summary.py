"""What the item page shows of a whole cluster, counted once at re-score time.

An item of 12,000 ads must open as fast as one of five (docs/analyst.md): the page reads the ads of
one page through the index on (cluster, time) and takes everything counted over all of the
cluster's ads from here: the (day, city) counts behind the timeline and the route, the names with
their ads and most shown photos, the numbers with the people behind them, and how many ads show
each photo and use each template.

Incremental: each summary carries a stamp of the ads it was counted from (how many, which, their
last change, their photos, their templates); a re-score recounts only the clusters whose stamp moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import AdPhone, AdPhoto, AdTemplate, ClusterSummary, Template

MAX_DAYS = 3000        # (day, city) rows read for the timeline and the route
MAX_DOTS = 400         # beyond this many (day, city) points the timeline shows weeks, then months
MAX_ROUTE = 200        # stops kept, as in the evidence of a cluster (triage.cluster_evidence)
MAX_WOMEN = 40
WOMAN_PHOTOS = 4
MAX_PEOPLE = 20        # (name, age) rows kept per number
MAX_KEYS = 200         # numbers, photos and templates kept, most ads first
CHUNK = 500            # clusters per grouped query
FORMAT = 1             # part of every stamp: a change of what is counted recounts every summary

WHEN = func.coalesce(Ad.posted_at, Ad.first_seen)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _age(age: int | None, raw: str | None) -> str:
    return str(age) if age is not None else ((raw or "").strip() or "?")


def stamps(session: Session, cluster_ids: Iterable[int]) -> dict[int, str]:
    """cluster id -> which ads (and their photos and templates) its summary would be counted from."""
    out: dict[int, list[Any]] = {}
    ids = sorted(set(cluster_ids))
    for chunk in _chunks(ids):
        for cid, n, total, last in session.execute(
                select(Ad.cluster_id, func.count(), func.sum(Ad.id), func.max(Ad.changed_at))
                .where(Ad.cluster_id.in_(chunk)).group_by(Ad.cluster_id)):
            out[cid] = [n, total, last.isoformat() if last else "", 0, 0, 0]
        for cid, n in session.execute(
                select(Ad.cluster_id, func.count()).join(AdPhoto, AdPhoto.ad_id == Ad.id)
                .where(Ad.cluster_id.in_(chunk)).group_by(Ad.cluster_id)):
            out[cid][3] = n
        # Triage itself links ads to templates: an old ad can join (or leave) a template unchanged.
        for cid, n, total in session.execute(
                select(Ad.cluster_id, func.count(), func.sum(AdTemplate.template_id))
                .join(AdTemplate, AdTemplate.ad_id == Ad.id).join(Template, Template.id == AdTemplate.template_id)
                .where(Ad.cluster_id.in_(chunk), Template.active.is_(True)).group_by(Ad.cluster_id)):
            out[cid][4:] = [n, total]
    return {cid: ":".join(str(v) for v in [FORMAT, *parts]) for cid, parts in out.items()}


def count(session: Session, cluster_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The summary data of each cluster, counted over all its ads with a few grouped queries."""
    data: dict[int, dict[str, Any]] = {cid: {"n_ads": 0, "women": [], "phones": [], "photos": [],
                                             "templates": []} for cid in cluster_ids}
    days: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    for chunk in _chunks(cluster_ids):
        day = func.date(WHEN)
        for cid, d, city, n in session.execute(
                select(Ad.cluster_id, day, Ad.city, func.count()).where(Ad.cluster_id.in_(chunk))
                .group_by(Ad.cluster_id, day, Ad.city).order_by(Ad.cluster_id, day, Ad.city)):
            data[cid]["n_ads"] += n
            when = d if isinstance(d, date) else _day(d)
            if when is not None and len(days[cid]) < MAX_DAYS:
                days[cid].append((when, city or "?", n))
        _women(session, chunk, data)
        _phones(session, chunk, data)
        for cid, pid, n in session.execute(
                select(Ad.cluster_id, AdPhoto.photo_id, func.count(func.distinct(Ad.id)))
                .join(AdPhoto, AdPhoto.ad_id == Ad.id).where(Ad.cluster_id.in_(chunk))
                .group_by(Ad.cluster_id, AdPhoto.photo_id)):
            data[cid]["photos"].append([pid, n])
        for cid, tid, n in session.execute(
                select(Ad.cluster_id, AdTemplate.template_id, func.count(func.distinct(Ad.id)))
                .join(AdTemplate, AdTemplate.ad_id == Ad.id).join(Template, Template.id == AdTemplate.template_id)
                .where(Ad.cluster_id.in_(chunk), Template.active.is_(True))
                .group_by(Ad.cluster_id, AdTemplate.template_id)):
            data[cid]["templates"].append([tid, n])
    for cid, d in data.items():
        d["route"] = route(days[cid])[:MAX_ROUTE]
        d["timeline"] = [[when.isoformat(), city, n] for when, city, n in timeline(days[cid])]
        for key in ("photos", "templates"):
            d[key] = sorted(d[key], key=lambda r: (-r[1], r[0]))[:MAX_KEYS]
    return data


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def route(days: list[tuple[date, str, int]]) -> list[list[str]]:
    """(city, first day there) in time order, from (day, city, ads) rows: the route of a cluster
    whose evidence has none."""
    out: list[list[str]] = []
    for when, city, _ in days:
        if city != "?" and (not out or out[-1][0] != city):
            out.append([city, when.isoformat()])
    return out


def timeline(days: list[tuple[date, str, int]]) -> list[tuple[date, str, int]]:
    """The (day, city, ads) points of the timeline: by week (its Monday) when there are too many
    days to read, by month (its first day) when there are too many weeks."""
    for start_of in (_monday, _first_of_month):
        if len(days) <= MAX_DOTS:
            break
        spans: dict[tuple[date, str], int] = defaultdict(int)
        for when, city, n in days:
            spans[(start_of(when), city)] += n
        days = [(when, city, n) for (when, city), n in sorted(spans.items())]
    return days


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _first_of_month(d: date) -> date:
    return d.replace(day=1)


def _women(session: Session, chunk: list[int], data: dict[int, dict[str, Any]]) -> None:
    """The names behind each cluster, most ads first, each with the photos her ads show most."""
    names: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cid, name, n in session.execute(select(Ad.cluster_id, Ad.name, func.count())
                                        .where(Ad.cluster_id.in_(chunk)).group_by(Ad.cluster_id, Ad.name)):
        names[cid].append((name, n))
    photos: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for cid, name, pid, n in session.execute(
            select(Ad.cluster_id, Ad.name, AdPhoto.photo_id, func.count()).join(AdPhoto, AdPhoto.ad_id == Ad.id)
            .where(Ad.cluster_id.in_(chunk)).group_by(Ad.cluster_id, Ad.name, AdPhoto.photo_id)):
        photos[(cid, name)].append((-n, pid))
    for cid, rows in names.items():
        top = sorted(rows, key=lambda r: (-r[1], r[0]))[:MAX_WOMEN]
        data[cid]["women"] = [[name, n, [pid for _, pid in sorted(photos[(cid, name)])[:WOMAN_PHOTOS]]]
                              for name, n in top]


def _phones(session: Session, chunk: list[int], data: dict[int, dict[str, Any]]) -> None:
    """Each cluster's numbers, most ads first, with the (name, age) pairs behind each."""
    people: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for cid, phone_id, name, age, raw, n in session.execute(
            select(Ad.cluster_id, AdPhone.phone_id, Ad.name, Ad.age, Ad.age_raw, func.count())
            .join(AdPhone, AdPhone.ad_id == Ad.id).where(Ad.cluster_id.in_(chunk))
            .group_by(Ad.cluster_id, AdPhone.phone_id, Ad.name, Ad.age, Ad.age_raw)):
        people[(cid, phone_id)][((name or "").strip() or "?", _age(age, raw))] += n
    ads: dict[tuple[int, int], int] = {}
    for cid, phone_id, n in session.execute(
            select(Ad.cluster_id, AdPhone.phone_id, func.count(func.distinct(Ad.id)))
            .join(AdPhone, AdPhone.ad_id == Ad.id).where(Ad.cluster_id.in_(chunk))
            .group_by(Ad.cluster_id, AdPhone.phone_id)):
        ads[(cid, phone_id)] = n
    for (cid, phone_id), n in ads.items():
        who = sorted(((name, age, k) for (name, age), k in people[(cid, phone_id)].items()), key=lambda p: (-p[2], p[0]))
        data[cid]["phones"].append([phone_id, n, [list(p) for p in who[:MAX_PEOPLE]]])
    for d in data.values():
        d["phones"] = sorted(d["phones"], key=lambda r: (-r[1], r[0]))[:MAX_KEYS]


def refresh(session: Session, cluster_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recount the summaries of these clusters whose ads moved since they were counted; returns
    how many were written. Domain function: the caller commits."""
    now = now or datetime.now(timezone.utc)
    current = stamps(session, cluster_ids)
    stored: dict[int, str] = {}
    for chunk in _chunks(sorted(current)):
        stored.update(session.execute(select(ClusterSummary.cluster_id, ClusterSummary.stamp)
                                      .where(ClusterSummary.cluster_id.in_(chunk))).all())
    moved = sorted(cid for cid, stamp in current.items() if stored.get(cid) != stamp)
    for chunk in _chunks(moved):
        counted = count(session, chunk)
        session.execute(delete(ClusterSummary).where(ClusterSummary.cluster_id.in_(chunk)))
        session.execute(insert(ClusterSummary), [
            {"cluster_id": cid, "n_ads": d.pop("n_ads"), "stamp": current[cid], "data": d, "computed_at": now}
            for cid, d in counted.items()])
    return len(moved)


def summary(session: Session, cluster_id: int) -> tuple[int, dict[str, Any]]:
    """(ads, data) of one cluster as last counted; counted now if no re-score has counted it yet."""
    row = session.get(ClusterSummary, cluster_id)
    if row is not None:
        return row.n_ads, row.data
    d = count(session, [cluster_id])[cluster_id]
    return d.pop("n_ads"), d
