"""Everything the item page shows, read in a few bulk queries: ads, numbers, photos, notes, history."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, AdPhoto, AdTemplate, Cluster, Phone, Photo, Place, Template
from models.review import ItemChange, Note, QueueItem
from models.users import User
from triage.photo_labels import photo_ids, photo_shas, short_label
from triage.photos import group_photos, same_photo
from videre.core.errors import NotFound
from videre.extract.normalise.photo_hashing import PhotoHashes
from videre.web import charts
from videre.web.marked_text import highlight, spans_for
from videre.web.route_map import RouteMap, route_map

MAX_ADS = 200          # the ads whose numbers, photos and templates the page works out
PAGE_SIZE = 25         # ads written out in full per page
MAX_WOMEN = 40
WOMAN_PHOTOS = 4
MAX_DAYS = 3000        # (city, day) rows read for the timeline and the route
MAX_DOTS = 400         # beyond this many (city, day) points the timeline shows weeks
MAX_MATCHED_PHOTOS = 40
MAX_FILLS = 8
SLOT = re.compile(r"\{(\d+)\}")


@dataclass
class AdView:
    id: int
    url: str
    site: str
    title: str
    body: str
    name: str
    age: int | None
    age_raw: str
    city: str | None
    location: str
    when: datetime
    posted_at: datetime | None
    first_seen: datetime
    last_seen: datetime
    version: int
    languages: list[str]
    phones: list[tuple[str, str, bool]] = field(default_factory=list)     # (e164, raw, hidden)
    photo_ids: list[int] = field(default_factory=list)
    title_html: Markup = Markup("")
    body_html: Markup = Markup("")


@dataclass
class PhoneView:
    id: int
    e164: str
    hub: bool
    hub_reason: str
    override: bool | None
    ads: list[AdView]

    @property
    def people(self) -> list[tuple[str, str, int]]:
        """(name, age, ads) behind this number, most ads first."""
        count: dict[tuple[str, str], int] = defaultdict(int)
        for a in self.ads:
            count[(a.name.strip() or "?", str(a.age) if a.age is not None else (a.age_raw.strip() or "?"))] += 1
        return sorted(((n, age, c) for (n, age), c in count.items()), key=lambda p: (-p[2], p[0]))


@dataclass
class PhotoGroup:
    photos: list[tuple[int, list[AdView]]]      # (photo id, ads showing it)
    reason: str                                 # English, for exports; "identical": one file
    explain: dict[str, Any] = field(default_factory=dict)   # the reason as template and params, for the page

    @property
    def n_ads(self) -> int:
        return len({a.id for _, ads in self.photos for a in ads})

    @property
    def label(self) -> str:
        return short_label(min(pid for pid, _ in self.photos))


@dataclass
class WomanView:
    """One name under which the item's ads run, with her most shown photos."""

    name: str
    ads: int
    photo_ids: list[int]


@dataclass
class TemplateView:
    """A template triage found (triage.template_store): its wording with numbered slots, and what
    this item's ads put in each slot."""

    id: int
    hub: bool
    hub_reason: str
    override: bool | None
    pieces: list[tuple[str, int | None]]      # (text, None) or (example fill, slot number)
    fills: dict[int, list[str]]               # slot number -> distinct fills, most used first
    ad_ids: list[int]

    @property
    def n_slots(self) -> int:
        return len(self.fills)


@dataclass
class ItemView:
    id: int
    cluster_id: int
    score: float
    flagged: bool
    status: str
    label: str | None
    assignee_id: int | None
    reasons: list[dict[str, Any]]
    features: dict[str, Any]
    first_seen: datetime | None
    last_seen: datetime | None
    n_ads: int
    ads: list[AdView]
    phones: list[PhoneView]
    photo_groups: list[PhotoGroup]
    photo_hubs: dict[int, tuple[bool, bool | None]]     # photo id -> (is hub, analyst override), when either
    templates: list[TemplateView]
    languages: list[str]
    route: list[tuple[str, str]]
    route_map: RouteMap | None
    timeline: charts.Timeline | None
    graph: charts.Graph
    notes: list[tuple[datetime, str, str]]
    history: list[tuple[datetime, str, str, str | None, str | None]]
    women: list[WomanView] = field(default_factory=list)
    page_ads: list[AdView] = field(default_factory=list)     # the ads written out on this page
    page: int = 1
    pages: int = 1
    woman: str | None = None
    reason_photos: dict[str, int] = field(default_factory=dict)   # SHA-256 a reason names -> photo id

    def photo_label(self, photo_id: int) -> str:
        return short_label(photo_id)

    def ad(self, ad_id: int) -> AdView | None:
        return next((a for a in self.ads if a.id == ad_id), None)


def _ads(session: Session, cluster_id: int, limit: int = MAX_ADS, offset: int = 0,
         woman: str | None = None) -> list[AdView]:
    when = func.coalesce(Ad.posted_at, Ad.first_seen)
    q = select(Ad, Site.slug).join(Site, Site.id == Ad.site_id).where(Ad.cluster_id == cluster_id)
    if woman is not None:
        q = q.where(Ad.name == woman)
    rows = session.execute(q.order_by(when, Ad.id).offset(offset).limit(limit)).all()
    ads = []
    for a, slug in rows:
        ex = a.extraction or {}
        ads.append(AdView(
            id=a.id, url=a.url, site=slug, title=a.title, body=a.body, name=a.name, age=a.age,
            age_raw=a.age_raw, city=a.city, location=a.location_raw, when=a.posted_at or a.first_seen,
            posted_at=a.posted_at, first_seen=a.first_seen, last_seen=a.last_seen, version=a.version,
            languages=[str(x) for x in ex.get("languages", []) if isinstance(x, str)]))
    return ads


def _women(session: Session, cluster_id: int) -> list[WomanView]:
    """The names behind the item, most ads first, each with the photos her ads show most."""
    rows = session.execute(select(Ad.name, func.count()).where(Ad.cluster_id == cluster_id)
                           .group_by(Ad.name).order_by(func.count().desc(), Ad.name).limit(MAX_WOMEN)).all()
    women = {name: WomanView(name, n, []) for name, n in rows}
    shown = session.execute(
        select(Ad.name, AdPhoto.photo_id, func.count()).join(AdPhoto, AdPhoto.ad_id == Ad.id)
        .where(Ad.cluster_id == cluster_id, Ad.name.in_(list(women)))
        .group_by(Ad.name, AdPhoto.photo_id).order_by(func.count().desc(), AdPhoto.photo_id)).all()
    for name, pid, _ in shown:
        w = women[name]
        if len(w.photo_ids) < WOMAN_PHOTOS:
            w.photo_ids.append(pid)
    return list(women.values())


def _days(session: Session, cluster_id: int) -> list[tuple[datetime, str, int]]:
    """(day, city, ads) over the whole item, in time order: the timeline and the route of an item
    of any size from one grouped query."""
    day = func.date(func.coalesce(Ad.posted_at, Ad.first_seen))
    rows = session.execute(select(day, Ad.city, func.count()).where(Ad.cluster_id == cluster_id)
                           .group_by(day, Ad.city).order_by(day, Ad.city).limit(MAX_DAYS)).all()
    out = []
    for d, city, n in rows:
        try:
            when = datetime.fromisoformat(str(d))
        except ValueError:
            continue
        out.append((when, city or "?", int(n)))
    return out


def _mark(ads: list[AdView], extraction: dict[int, dict[str, Any]]) -> None:
    for a in ads:
        raws = [(raw, hidden) for _, raw, hidden in a.phones if raw]
        ex = extraction.get(a.id, {})
        for fname, attr in (("title", "title_html"), ("body", "body_html")):
            text = getattr(a, fname)
            places = [a.location, a.city or ""]
            setattr(a, attr, highlight(text, spans_for(text, fname, ex, raws, a.name, places)))


def _photo_groups(session: Session, ads: list[AdView]) -> tuple[list[PhotoGroup], dict[int, tuple[bool, bool | None]]]:
    by_id = {a.id: a for a in ads}
    users: dict[int, list[AdView]] = defaultdict(list)
    rows = session.execute(select(AdPhoto.ad_id, AdPhoto.photo_id).where(AdPhoto.ad_id.in_(by_id))
                           .order_by(AdPhoto.ad_id, AdPhoto.position)).all()
    for ad_id, photo_id in rows:
        by_id[ad_id].photo_ids.append(photo_id)
        users[photo_id].append(by_id[ad_id])
    photos = session.execute(select(Photo.id, Photo.fingerprint, Photo.is_hub, Photo.hub_override)
                             .where(Photo.id.in_(list(users)[:MAX_MATCHED_PHOTOS * 5]))).all()
    hubs = {pid: (hub, override) for pid, _, hub, override in photos if hub or override is not None}
    hashes: dict[int, PhotoHashes] = {}
    for pid, fp, _, _ in photos[:MAX_MATCHED_PHOTOS]:
        try:
            hashes[pid] = PhotoHashes.unpack(fp)
        except ValueError:
            continue  # an unreadable fingerprint only loses its near-duplicate matches
    group_of = group_photos(sorted(hashes.items()))
    for pid in users:
        group_of.setdefault(pid, pid)  # without a fingerprint, a photo still matches itself
    members: dict[int, list[int]] = defaultdict(list)
    for pid, gid in group_of.items():
        members[gid].append(pid)
    out = []
    for pids in members.values():
        group = PhotoGroup([(pid, users[pid]) for pid in sorted(pids)], "")
        if group.n_ads < 2:
            continue
        if len(pids) == 1:
            group.reason = "identical"
        else:
            match = same_photo(hashes[pids[0]], hashes[pids[1]])
            if match:
                group.reason = match.reason
                group.explain = {"text": match.reason, "template": match.template, "params": match.params}
        out.append(group)
    out.sort(key=lambda g: -g.n_ads)
    return out, hubs


def _phones(session: Session, ads: list[AdView]) -> list[PhoneView]:
    by_id = {a.id: a for a in ads}
    views: dict[str, PhoneView] = {}
    rows = session.execute(
        select(AdPhone.ad_id, AdPhone.raw, AdPhone.obfuscation, Phone.id, Phone.e164, Phone.is_hub,
               Phone.hub_reason, Phone.hub_override)
        .join(Phone, Phone.id == AdPhone.phone_id).where(AdPhone.ad_id.in_(by_id))
        .order_by(Phone.e164, AdPhone.ad_id)).all()
    for ad_id, raw, obfuscation, phone_id, e164, is_hub, hub_reason, override in rows:
        ad = by_id[ad_id]
        ad.phones.append((e164, raw, bool(obfuscation)))
        view = views.setdefault(e164, PhoneView(phone_id, e164, is_hub, hub_reason, override, []))
        view.ads.append(ad)
    return sorted(views.values(), key=lambda v: (-len(v.ads), v.e164))


def _templates(session: Session, ads: list[AdView]) -> list[TemplateView]:
    rows = session.execute(
        select(AdTemplate.ad_id, AdTemplate.slots, Template.id, Template.text, Template.is_hub, Template.hub_reason,
               Template.hub_override)
        .join(Template, Template.id == AdTemplate.template_id)
        .where(AdTemplate.ad_id.in_([a.id for a in ads]), Template.active.is_(True))
        .order_by(Template.id, AdTemplate.ad_id)).all()
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.id].append(row)
    out = []
    for tid, members in grouped.items():
        first = members[0]
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for m in members:
            for n, fill in enumerate(m.slots or [], 1):
                if isinstance(fill, str) and fill.strip():
                    counts[n][fill.strip()] += 1
        parts = SLOT.split(first.text or "")
        pieces: list[tuple[str, int | None]] = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                if part:
                    pieces.append((part, None))
            else:
                n = int(part)
                common = counts[n].most_common(1)
                pieces.append((common[0][0] if common else "…", n))
        fills = {n: [f for f, _ in counts[n].most_common(MAX_FILLS)] for n in sorted(counts)}
        out.append(TemplateView(tid, first.is_hub, first.hub_reason, first.hub_override, pieces, fills,
                                [m.ad_id for m in members]))
    out.sort(key=lambda t: (-len(t.ad_ids), t.id))
    return out


def _route(features: dict[str, Any], days: list[tuple[datetime, str, int]]) -> list[tuple[str, str]]:
    evidence = features.get("evidence")
    stored = evidence.get("route") if isinstance(evidence, dict) else features.get("route")
    if isinstance(stored, list) and stored and all(isinstance(r, (list, tuple)) and len(r) == 2 for r in stored):
        return [(str(c), str(d)) for c, d in stored]
    out: list[tuple[str, str]] = []
    for when, city, _ in days:
        if city != "?" and (not out or out[-1][0] != city):
            out.append((city, when.date().isoformat()))
    return out


def _coords(session: Session, cities: set[str]) -> dict[str, tuple[float, float]]:
    rows = session.execute(select(Place.name, Place.lat, Place.lon)
                           .where(Place.name.in_(sorted(cities)), Place.lat.is_not(None), Place.lon.is_not(None))
                           .order_by(Place.id)).all()
    out: dict[str, tuple[float, float]] = {}
    for name, lat, lon in rows:
        out.setdefault(name, (float(lat), float(lon)))
    return out


def _weekly(days: list[tuple[datetime, str, int]]) -> list[tuple[datetime, str, int]]:
    """(Monday, city, ads): a long item's timeline by week, so that the picture stays readable."""
    weeks: dict[tuple[datetime, str], int] = {}
    for when, city, n in days:
        key = (when - timedelta(days=when.weekday()), city)
        weeks[key] = weeks.get(key, 0) + n
    return [(when, city, n) for (when, city), n in sorted(weeks.items())]


def _timeline(days: list[tuple[datetime, str, int]], m: RouteMap | None) -> charts.Timeline | None:
    if len(days) > MAX_DOTS:
        days = _weekly(days)
    links = {c.name: c.link for c in m.cities} if m else {}
    moves = []
    for mv in m.moves if m else []:
        try:
            moves.append((mv.n, datetime.fromisoformat(mv.day), mv.link))
        except ValueError:
            continue
    return charts.timeline([(when, city, f"{city} {when.date().isoformat()}: {n}", n) for when, city, n in days],
                           links, moves)


def load_item(session: Session, item_id: int, page: int = 1, woman: str | None = None) -> ItemView:
    """The item with the ads of one page (PAGE_SIZE a page, all the item's ads or one woman's)."""
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}")
    cid = item.cluster_id
    cluster = session.get(Cluster, cid)
    features = dict((cluster.features if cluster else None) or item.summary or {})
    n_ads = int(session.execute(select(func.count()).select_from(Ad).where(Ad.cluster_id == cid)).scalar() or 0)
    ads = _ads(session, cid)
    n_listed = n_ads if woman is None else int(session.execute(
        select(func.count()).select_from(Ad).where(Ad.cluster_id == cid, Ad.name == woman)).scalar() or 0)
    pages = max(1, -(-n_listed // PAGE_SIZE))
    page = min(max(page, 1), pages)
    by_id = {a.id: a for a in ads}
    page_ads = [by_id.get(a.id, a) for a in _ads(session, cid, PAGE_SIZE, (page - 1) * PAGE_SIZE, woman)]
    every = ads + [a for a in page_ads if a.id not in by_id]
    phones = _phones(session, every)
    groups, photo_hubs = _photo_groups(session, every)
    # Only the ads written out in full are marked up.
    extraction = dict(session.execute(select(Ad.id, Ad.extraction).where(Ad.id.in_([a.id for a in page_ads]))).all())
    _mark(page_ads, extraction)
    templates = _templates(session, every)
    days = _days(session, cid)
    route = _route(features, days)
    the_map = route_map(route, _coords(session, {c for c, _ in route}))

    links: list[tuple[int, str, str, str]] = []
    for p in phones:
        links += [(a.id, "phone", p.e164, p.e164) for a in p.ads]
    for g in groups:
        links += [(a.id, "photo", g.label, g.label) for _, ads_ in g.photos for a in ads_]
    for t in templates:
        links += [(ad_id, "template", str(t.id), f"T{t.id}") for ad_id in t.ad_ids]

    notes = [(n.created_at, name or "?", n.text) for n, name in session.execute(
        select(Note, User.username).outerjoin(User, User.id == Note.user_id)
        .where(Note.item_id == item.id).order_by(Note.created_at, Note.id))]
    history = [(c.at, name or "?", c.field, c.old, c.new) for c, name in session.execute(
        select(ItemChange, User.username).outerjoin(User, User.id == ItemChange.user_id)
        .where(ItemChange.item_id == item.id).order_by(ItemChange.at, ItemChange.id))]
    languages = sorted({lang for a in every for lang in a.languages})
    reasons = sorted((r for r in item.reasons or [] if isinstance(r, dict)), key=lambda r: -float(r.get("weight", 0)))
    return ItemView(
        id=item.id, cluster_id=cid, score=item.score, flagged=item.flagged,
        status=item.status, label=item.label, assignee_id=item.assignee_id, reasons=reasons,
        features=features, first_seen=item.first_seen, last_seen=item.last_seen, n_ads=n_ads,
        ads=ads, phones=phones, photo_groups=groups, photo_hubs=photo_hubs, templates=templates,
        languages=languages, route=route, route_map=the_map, timeline=_timeline(days, the_map),
        graph=charts.graph([(a.id, f"#{a.id} {a.name}"[:28]) for a in ads], links),
        notes=notes, history=history, women=_women(session, cid), page_ads=page_ads, page=page, pages=pages,
        woman=woman, reason_photos=photo_ids(session, photo_shas(reasons)))
