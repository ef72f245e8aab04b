"""Everything the item page shows, read in a few bulk queries: ads, numbers, photos, notes, history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, AdPhoto, Cluster, Phone, Photo, Place
from models.review import ItemChange, Note, QueueItem
from models.users import User
from triage.item_summary import WHEN
from triage.item_summary import summary as cluster_summary
from triage.photo_labels import photo_ids, photo_shas, short_label
from triage.photos import group_photos, same_photo
from videre.core.errors import NotFound
from videre.extract.normalise.photo_hashing import PhotoHashes
from videre.web import charts
from videre.web.item_templates import TemplateView, templates_of
from videre.web.marked_text import highlight, spans_for
from videre.web.route_map import RouteMap, route_map

# The earliest ads, read through the (cluster, time) index: the link graph, the printable page and
# the exports list them. Counts over the whole item come from its summary (triage.item_summary).
MAX_ADS = 200
PAGE_SAMPLE = charts.MAX_GRAPH["ad"]     # of those, what the item page reads: the ads its link graph draws
PAGE_SIZE = 25         # ads written out in full per page
MAX_MATCHED_PHOTOS = 40


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
    n_ads: int                                  # over the whole item
    people: list[tuple[str, str, int]]          # (name, age, ads) over the whole item, most ads first
    ads: list[AdView] = field(default_factory=list)     # of the ads read, for links to them


@dataclass
class PhotoGroup:
    photos: list[tuple[int, list[AdView]]]      # (photo id, the ads read that show it)
    reason: str                                 # English, for exports; "identical": one file
    # Ads of the whole item showing one of the photos (an ad showing two of them counts twice).
    n_ads: int = 0
    explain: dict[str, Any] = field(default_factory=dict)   # the reason as template and params, for the page

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
    # The page lists the most shown photos and, per number or photo, the earliest ads read; the
    # printable page and the exports list them all.
    PHOTO_GROUPS_SHOWN: ClassVar[int] = 24
    AD_REFS_SHOWN: ClassVar[int] = 30

    def photo_label(self, photo_id: int) -> str:
        return short_label(photo_id)

    def ad(self, ad_id: int) -> AdView | None:
        return next((a for a in self.ads if a.id == ad_id), None)


def _ads(session: Session, cluster_id: int, limit: int = MAX_ADS, offset: int = 0,
         woman: str | None = None) -> list[AdView]:
    # The page's ids first, through the index on (cluster, [name,] time, id); then those rows only.
    q = select(Ad.id).where(Ad.cluster_id == cluster_id)
    if woman is not None:
        q = q.where(Ad.name == woman)
    ids = session.execute(q.order_by(WHEN, Ad.id).offset(offset).limit(limit)).scalars().all()
    rows = session.execute(
        select(Ad.id, Ad.url, Site.slug, Ad.title, Ad.body, Ad.name, Ad.age, Ad.age_raw, Ad.city, Ad.location_raw,
               Ad.posted_at, Ad.first_seen, Ad.last_seen, Ad.version, Ad.extraction)
        .join(Site, Site.id == Ad.site_id).where(Ad.id.in_(ids)).order_by(WHEN, Ad.id)).all()
    ads = []
    for a in rows:
        ex = a.extraction or {}
        ads.append(AdView(
            id=a.id, url=a.url, site=a.slug, title=a.title, body=a.body, name=a.name, age=a.age,
            age_raw=a.age_raw, city=a.city, location=a.location_raw, when=a.posted_at or a.first_seen,
            posted_at=a.posted_at, first_seen=a.first_seen, last_seen=a.last_seen, version=a.version,
            languages=[str(x) for x in ex.get("languages", []) if isinstance(x, str)]))
    return ads


def _timeline_rows(data: dict[str, Any]) -> list[tuple[datetime, str, int]]:
    """(day or week, city, ads) over the whole item, in time order (triage.item_summary.timeline)."""
    out = []
    for d, city, n in data.get("timeline", []):
        try:
            when = datetime.fromisoformat(str(d))
        except ValueError:
            continue
        out.append((when, str(city), int(n)))
    return out


def _mark(ads: list[AdView], extraction: dict[int, dict[str, Any]]) -> None:
    for a in ads:
        raws = [(raw, hidden) for _, raw, hidden in a.phones if raw]
        ex = extraction.get(a.id, {})
        for fname, attr in (("title", "title_html"), ("body", "body_html")):
            text = getattr(a, fname)
            places = [a.location, a.city or ""]
            setattr(a, attr, highlight(text, spans_for(text, fname, ex, raws, a.name, places)))


def _photo_groups(session: Session, ads: list[AdView], counted: list[list[int]]
                  ) -> tuple[list[PhotoGroup], dict[int, tuple[bool, bool | None]]]:
    """Photos shown in several of the item's ads, matched by fingerprint: the item's most shown
    photos (`counted`: [photo id, ads] over the whole item) and those of the ads read."""
    by_id = {a.id: a for a in ads}
    users: dict[int, list[AdView]] = defaultdict(list)
    rows = session.execute(select(AdPhoto.ad_id, AdPhoto.photo_id).where(AdPhoto.ad_id.in_(by_id))
                           .order_by(AdPhoto.ad_id, AdPhoto.position)).all()
    for ad_id, photo_id in rows:
        by_id[ad_id].photo_ids.append(photo_id)
        users[photo_id].append(by_id[ad_id])
    n_ads = {int(pid): int(n) for pid, n in counted}
    for pid, seen in users.items():
        n_ads.setdefault(pid, len(seen))
    candidates = sorted(n_ads, key=lambda pid: (-n_ads[pid], pid))
    photos = session.execute(select(Photo.id, Photo.fingerprint, Photo.is_hub, Photo.hub_override)
                             .where(Photo.id.in_(candidates[:MAX_MATCHED_PHOTOS * 5]))).all()
    hubs = {pid: (hub, override) for pid, _, hub, override in photos if hub or override is not None}
    fingerprints = {pid: fp for pid, fp, _, _ in photos}
    hashes: dict[int, PhotoHashes] = {}
    for pid in candidates[:MAX_MATCHED_PHOTOS]:
        try:
            hashes[pid] = PhotoHashes.unpack(fingerprints.get(pid) or b"")
        except ValueError:
            continue  # an unreadable fingerprint only loses its near-duplicate matches
    group_of = group_photos(sorted(hashes.items()))
    for pid in candidates:
        group_of.setdefault(pid, pid)  # without a fingerprint, a photo still matches itself
    members: dict[int, list[int]] = defaultdict(list)
    for pid, gid in group_of.items():
        members[gid].append(pid)
    out = []
    for pids in members.values():
        group = PhotoGroup([(pid, users[pid]) for pid in sorted(pids)], "", sum(n_ads[pid] for pid in pids))
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
    out.sort(key=lambda g: (-g.n_ads, g.label))
    return out, hubs


def _phones(session: Session, ads: list[AdView], counted: list[list[Any]]) -> list[PhoneView]:
    """The item's numbers (`counted`: [phone id, ads, people] over the whole item), each with the
    ads read that carry it."""
    by_id = {a.id: a for a in ads}
    totals = {int(pid): (int(n), [(str(name), str(age), int(k)) for name, age, k in people])
              for pid, n, people in counted}
    rows = session.execute(select(AdPhone.ad_id, AdPhone.raw, AdPhone.obfuscation, AdPhone.phone_id)
                           .where(AdPhone.ad_id.in_(by_id))).all()
    numbers = {pid: row for pid, *row in session.execute(
        select(Phone.id, Phone.e164, Phone.is_hub, Phone.hub_reason, Phone.hub_override)
        .where(Phone.id.in_(sorted(set(totals) | {r.phone_id for r in rows})))).all()}
    carried: dict[int, list[AdView]] = defaultdict(list)
    for ad_id, raw, obfuscation, pid in sorted(rows, key=lambda r: (numbers[r.phone_id][0], r.ad_id)):
        by_id[ad_id].phones.append((numbers[pid][0], raw, bool(obfuscation)))
        carried[pid].append(by_id[ad_id])
    views = []
    for pid, (e164, is_hub, hub_reason, override) in numbers.items():
        seen = carried.get(pid, [])
        # A number no re-score has counted yet (its ads are newer) shows what the ads read say.
        n, people = totals.get(pid) or (len(seen), _people(seen))
        views.append(PhoneView(pid, e164, is_hub, hub_reason, override, n, people, seen))
    return sorted(views, key=lambda v: (-v.n_ads, v.e164))


def _people(ads: list[AdView]) -> list[tuple[str, str, int]]:
    count: dict[tuple[str, str], int] = defaultdict(int)
    for a in ads:
        count[(a.name.strip() or "?", str(a.age) if a.age is not None else (a.age_raw.strip() or "?"))] += 1
    return sorted(((n, age, c) for (n, age), c in count.items()), key=lambda p: (-p[2], p[0]))


def _route(features: dict[str, Any], counted: dict[str, Any]) -> list[tuple[str, str]]:
    evidence = features.get("evidence")
    stored = evidence.get("route") if isinstance(evidence, dict) else features.get("route")
    # A cluster without evidence of its route: the route of its ads' days, as triage counted it.
    for found in (stored, counted.get("route")):
        if isinstance(found, list) and found and all(isinstance(r, (list, tuple)) and len(r) == 2 for r in found):
            return [(str(c), str(d)) for c, d in found]
    return []


def _coords(session: Session, cities: set[str]) -> dict[str, tuple[float, float]]:
    rows = session.execute(select(Place.name, Place.lat, Place.lon)
                           .where(Place.name.in_(sorted(cities)), Place.lat.is_not(None), Place.lon.is_not(None))
                           .order_by(Place.id)).all()
    out: dict[str, tuple[float, float]] = {}
    for name, lat, lon in rows:
        out.setdefault(name, (float(lat), float(lon)))
    return out


def _timeline(days: list[tuple[datetime, str, int]], m: RouteMap | None) -> charts.Timeline | None:
    links = {c.name: c.link for c in m.cities} if m else {}
    moves = []
    for mv in m.moves if m else []:
        try:
            moves.append((mv.n, datetime.fromisoformat(mv.day), mv.link))
        except ValueError:
            continue
    return charts.timeline([(when, city, f"{city} {when.date().isoformat()}: {n}", n) for when, city, n in days],
                           links, moves)


def load_item(session: Session, item_id: int, page: int = 1, woman: str | None = None,
              sample: int = MAX_ADS) -> ItemView:
    """The item with the ads of one page (PAGE_SIZE a page, all the item's ads or one woman's), and
    its `sample` earliest ads."""
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}")
    cid = item.cluster_id
    cluster = session.get(Cluster, cid)
    features = dict((cluster.features if cluster else None) or item.summary or {})
    n_ads, counted = cluster_summary(session, cid)
    ads = _ads(session, cid, sample)
    women = [WomanView(str(name), int(n), [int(p) for p in pids]) for name, n, pids in counted.get("women", [])]
    n_listed = n_ads if woman is None else next((w.ads for w in women if w.name == woman), None)
    if n_listed is None:  # a name beyond the listed women: counted through the (cluster, name) index
        n_listed = int(session.execute(select(func.count()).select_from(Ad)
                                       .where(Ad.cluster_id == cid, Ad.name == woman)).scalar() or 0)
    pages = max(1, -(-n_listed // PAGE_SIZE))
    page = min(max(page, 1), pages)
    by_id = {a.id: a for a in ads}
    page_ads = [by_id.get(a.id, a) for a in _ads(session, cid, PAGE_SIZE, (page - 1) * PAGE_SIZE, woman)]
    every = ads + [a for a in page_ads if a.id not in by_id]
    phones = _phones(session, every, counted.get("phones", []))
    groups, photo_hubs = _photo_groups(session, every, counted.get("photos", []))
    # Only the ads written out in full are marked up.
    extraction = dict(session.execute(select(Ad.id, Ad.extraction).where(Ad.id.in_([a.id for a in page_ads]))).all())
    _mark(page_ads, extraction)
    templates = templates_of(session, [a.id for a in every], counted.get("templates", []))
    route = _route(features, counted)
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
        languages=languages, route=route, route_map=the_map, timeline=_timeline(_timeline_rows(counted), the_map),
        graph=charts.graph([(a.id, f"#{a.id} {a.name}"[:28]) for a in ads], links, n_ads),
        notes=notes, history=history, women=women, page_ads=page_ads, page=page, pages=pages,
        woman=woman, reason_photos=photo_ids(session, photo_shas(reasons)))
