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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    FromClause,
    Integer,
    MetaData,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    true,
)
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
STAGE_FROM = CHUNK + 1  # clusters from which their rows are copied once into temporary tables
FORMAT = 1             # part of every stamp: a change of what is counted recounts every summary

WHEN = func.coalesce(Ad.posted_at, Ad.first_seen)


def _ads_rows() -> Select[Any]:
    """The columns of ads that summaries count, under the names the staged copy gives them."""
    return select(Ad.id.label("ad_id"), Ad.cluster_id, func.date(WHEN).label("day"), Ad.city, Ad.name,
                  Ad.age, Ad.age_raw, Ad.changed_at)


def _active_templates() -> Select[Any]:
    return (select(AdTemplate.ad_id, AdTemplate.template_id)
            .join(Template, Template.id == AdTemplate.template_id).where(Template.active.is_(True)))


# Temporary tables of one connection (never in the schema or its migrations): the rows of many
# clusters, copied in one pass over ads and each link table, then counted by cluster.
_TEMPORARY = MetaData()
_AD = Ad.__table__.c
_CLUSTERS = Table("summary_clusters", _TEMPORARY, Column("cluster_id", Integer, primary_key=True),
                  prefixes=["TEMPORARY"])
_ADS = Table("summary_ads", _TEMPORARY, Column("ad_id", Integer, primary_key=True),
             Column("cluster_id", Integer, index=True), Column("day", Date), Column("city", _AD.city.type),
             Column("name", _AD.name.type), Column("age", _AD.age.type), Column("age_raw", _AD.age_raw.type),
             Column("changed_at", _AD.changed_at.type), prefixes=["TEMPORARY"])
_LINKS = {key: Table(f"summary_{key}s", _TEMPORARY, Column("ad_id", Integer, primary_key=True),
                     Column(f"{key}_id", Integer, primary_key=True), prefixes=["TEMPORARY"])
          for key in ("phone", "photo", "template")}


@dataclass(frozen=True)
class _Rows:
    """Where counting reads a cluster's ads (`_ads_rows` columns) and their links (ad_id and the
    phone, photo or active template id): the tables themselves or their staged copies."""

    ads: FromClause
    phones: FromClause
    photos: FromClause
    templates: FromClause
    staged: bool

    def scopes(self, ids: list[int]) -> Iterator[ColumnElement[bool]]:
        """The filter of each round of grouped queries over these clusters: the staged copy holds
        only them, so it is read whole; the tables are read a chunk of clusters at a time."""
        if self.staged:
            yield true()
        else:
            for chunk in _chunks(ids):
                yield self.ads.c.cluster_id.in_(chunk)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


@contextmanager
def _rows(session: Session, ids: list[int]) -> Iterator[_Rows]:
    """Rows to count these clusters from. A few clusters are read from the tables by index. Many
    (a first re-score counts every flagged cluster) are copied into temporary tables first: one
    pass over ads and each link table, where each grouped query per chunk of cluster ids scanned a
    whole link table on PostgreSQL, and ads too while its statistics were stale (bench/README.md,
    "PostgreSQL at 1M: the first re-score")."""
    if len(ids) < STAGE_FROM:
        yield _Rows(_ads_rows().subquery(), AdPhone.__table__, AdPhoto.__table__,
                    _active_templates().subquery(), staged=False)
        return
    conn = session.connection()
    tables = [_CLUSTERS, _ADS, *_LINKS.values()]
    for table in tables:
        # May be left by a unit of work that failed on this connection: the pool hands a
        # connection on with its temporary tables.
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
        table.create(conn)
    conn.execute(insert(_CLUSTERS), [{"cluster_id": cid} for cid in ids])
    _analyze(session, _CLUSTERS)
    conn.execute(insert(_ADS).from_select(list(_ADS.c.keys()), _ads_rows().join(
        _CLUSTERS, _CLUSTERS.c.cluster_id == Ad.cluster_id)))
    _analyze(session, _ADS)
    for key, rows in (("phone", select(AdPhone.ad_id, AdPhone.phone_id)),
                      ("photo", select(AdPhoto.ad_id, AdPhoto.photo_id)), ("template", _active_templates())):
        link = rows.selected_columns.ad_id
        conn.execute(insert(_LINKS[key]).from_select(["ad_id", f"{key}_id"],
                                                     rows.join(_ADS, _ADS.c.ad_id == link)))
        _analyze(session, _LINKS[key])
    yield _Rows(_ADS, _LINKS["phone"], _LINKS["photo"], _LINKS["template"], staged=True)
    for table in tables:
        conn.exec_driver_sql(f"DROP TABLE {table.name}")


def _analyze(session: Session, table: Table) -> None:
    # PostgreSQL never gathers statistics on temporary tables by itself; without them it guesses
    # their size and may scan where an index look-up is meant.
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {table.name}")


def _age(age: int | None, raw: str | None) -> str:
    return str(age) if age is not None else ((raw or "").strip() or "?")


def _stamps(session: Session, rows: _Rows, ids: list[int]) -> dict[int, str]:
    """cluster id -> which ads (and their photos and templates) its summary would be counted from."""
    out: dict[int, list[Any]] = {}
    a = rows.ads.c
    for where in rows.scopes(ids):
        for cid, n, total, last in session.execute(
                select(a.cluster_id, func.count(), func.sum(a.ad_id), func.max(a.changed_at))
                .where(where).group_by(a.cluster_id)):
            out[cid] = [n, total, last.isoformat() if last else "", 0, 0, 0]
        for cid, n in session.execute(
                select(a.cluster_id, func.count()).join(rows.photos, rows.photos.c.ad_id == a.ad_id)
                .where(where).group_by(a.cluster_id)):
            out[cid][3] = n
        # Triage itself links ads to templates: an old ad can join (or leave) a template unchanged.
        t = rows.templates.c
        for cid, n, total in session.execute(
                select(a.cluster_id, func.count(), func.sum(t.template_id))
                .join(rows.templates, t.ad_id == a.ad_id).where(where).group_by(a.cluster_id)):
            out[cid][4:] = [n, total]
    return {cid: ":".join(str(v) for v in [FORMAT, *parts]) for cid, parts in out.items()}


def count(session: Session, cluster_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The summary data of each cluster, counted over all its ads with a few grouped queries."""
    ids = sorted(set(cluster_ids))
    with _rows(session, ids) as rows:
        return _count(session, rows, ids)


def _count(session: Session, rows: _Rows, cluster_ids: list[int]) -> dict[int, dict[str, Any]]:
    data: dict[int, dict[str, Any]] = {cid: {"n_ads": 0, "women": [], "phones": [], "photos": [],
                                             "templates": []} for cid in cluster_ids}
    days: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    a = rows.ads.c
    for chunk in _chunks(cluster_ids):
        # Within the staged copy too: a chunk's counts are written before the next is read.
        where = a.cluster_id.in_(chunk)
        for cid, d, city, n in session.execute(
                select(a.cluster_id, a.day, a.city, func.count()).where(where)
                .group_by(a.cluster_id, a.day, a.city)):
            data[cid]["n_ads"] += n
            when = d if isinstance(d, date) else _day(d)
            if when is not None:
                days[cid].append((when, city or "?", n))
        _women(session, rows, where, data)
        _phones(session, rows, where, data)
        t = rows.templates.c
        # An ad has one (active) template: counting link rows counts ads.
        for cid, kid, n in session.execute(
                select(a.cluster_id, t.template_id, func.count()).join(rows.templates, t.ad_id == a.ad_id)
                .where(where).group_by(a.cluster_id, t.template_id)):
            data[cid]["templates"].append([kid, n])
    for cid, d in data.items():
        # Ordered here, not by the database: PostgreSQL sorts a missing city last and by its
        # collation, SQLite first and by code point.
        points = sorted(days[cid])[:MAX_DAYS]
        d["route"] = route(points)[:MAX_ROUTE]
        d["timeline"] = [[when.isoformat(), city, n] for when, city, n in timeline(points)]
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


def _women(session: Session, rows: _Rows, where: ColumnElement[bool], data: dict[int, dict[str, Any]]) -> None:
    """The names behind each cluster, most ads first, each with the photos her ads show most; and
    how many of the cluster's ads show each photo.

    An ad has one name and lists a photo once (the link's key), so the ads showing a photo are
    the sum of its counts over the names: one grouped query less per chunk, the one a first
    re-score spent most on after the names' own (bench/README.md, "The first full re-score,
    timed quiet")."""
    a, p = rows.ads.c, rows.photos.c
    names: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cid, name, n in session.execute(select(a.cluster_id, a.name, func.count())
                                        .where(where).group_by(a.cluster_id, a.name)):
        names[cid].append((name, n))
    photos: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    shown: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for cid, name, pid, n in session.execute(
            select(a.cluster_id, a.name, p.photo_id, func.count()).join(rows.photos, p.ad_id == a.ad_id)
            .where(where).group_by(a.cluster_id, a.name, p.photo_id)):
        photos[(cid, name)].append((-n, pid))
        shown[cid][pid] += n
    for cid, by_photo in shown.items():
        data[cid]["photos"] = [[pid, n] for pid, n in by_photo.items()]
    for cid, counted in names.items():
        top = sorted(counted, key=lambda r: (-r[1], r[0]))[:MAX_WOMEN]
        data[cid]["women"] = [[name, n, [pid for _, pid in sorted(photos[(cid, name)])[:WOMAN_PHOTOS]]]
                              for name, n in top]


def _phones(session: Session, rows: _Rows, where: ColumnElement[bool], data: dict[int, dict[str, Any]]) -> None:
    """Each cluster's numbers, most ads first, with the (name, age) pairs behind each. An ad lists
    a number once and has one name and age, so a number's ads are the sum over its pairs."""
    a, p = rows.ads.c, rows.phones.c
    people: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    ads: dict[tuple[int, int], int] = defaultdict(int)
    for cid, phone_id, name, age, raw, n in session.execute(
            select(a.cluster_id, p.phone_id, a.name, a.age, a.age_raw, func.count())
            .join(rows.phones, p.ad_id == a.ad_id).where(where)
            .group_by(a.cluster_id, p.phone_id, a.name, a.age, a.age_raw)):
        people[(cid, phone_id)][((name or "").strip() or "?", _age(age, raw))] += n
        ads[(cid, phone_id)] += n
    for (cid, phone_id), n in ads.items():
        who = sorted(((name, age, k) for (name, age), k in people[(cid, phone_id)].items()), key=lambda p: (-p[2], p[0]))
        data[cid]["phones"].append([phone_id, n, [list(p) for p in who[:MAX_PEOPLE]]])
    for d in data.values():
        d["phones"] = sorted(d["phones"], key=lambda r: (-r[1], r[0]))[:MAX_KEYS]


def refresh(session: Session, cluster_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recount the summaries of these clusters whose ads moved since they were counted; returns
    how many were written. Domain function: the caller commits."""
    now = now or datetime.now(timezone.utc)
    ids = sorted(set(cluster_ids))
    with _rows(session, ids) as rows:
        current = _stamps(session, rows, ids)
        stored: dict[int, str] = {}
        for chunk in _chunks(sorted(current)):
            stored.update(session.execute(select(ClusterSummary.cluster_id, ClusterSummary.stamp)
                                          .where(ClusterSummary.cluster_id.in_(chunk))).all())
        moved = sorted(cid for cid, stamp in current.items() if stored.get(cid) != stamp)
        for chunk in _chunks(moved):
            counted = _count(session, rows, chunk)
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
