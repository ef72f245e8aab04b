"""An item's link graph for investigators' tools: ads, and the numbers, photos, templates, names
and cities that link them, each link stamped with the ad's time.

Built from the store for one cluster (every ad, up to MAX_ADS) as a networkx graph; the web UI
writes it as GraphML or GEXF (Gephi, yEd, i2-style tools) and as the entity/link CSV pair that i2
Analyst's Notebook imports (docs/analyst.md). Ad text is hostile: strings are cut to a bound and
stripped of characters XML cannot hold, so that every export parses.
"""

from __future__ import annotations

import re
from datetime import datetime

import networkx as nx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, AdPhoto, AdTemplate, Phone, Photo
from triage.photo_labels import short_label

MAX_ADS = 20_000
MAX_TEXT = 200
# XML 1.0 forbids most control characters and lone surrogates.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ENTITY_COLUMNS = ("entity_id", "entity_type", "label", "first_seen", "last_seen", "ads", "detail")
LINK_COLUMNS = ("link_id", "from_id", "to_id", "link_type", "date_time", "ad_url")


def clean(text: object, most: int = MAX_TEXT) -> str:
    return NOT_XML.sub("", "" if text is None else str(text))[:most]


def _iso(t: datetime | None) -> str:
    return t.isoformat() if t else ""


def _node(g: nx.MultiGraph, key: str, kind: str, label: str, when: str, **attrs: object) -> None:
    if key in g:
        n = g.nodes[key]
        n["ads"] += 1
        n["first_seen"] = min(n["first_seen"], when) if when else n["first_seen"]
        n["last_seen"] = max(n["last_seen"], when)
        return
    g.add_node(key, kind=kind, label=clean(label), first_seen=when, last_seen=when, ads=1,
               **{k: clean(v) if isinstance(v, str) else v for k, v in attrs.items()})


def _link(g: nx.MultiGraph, ad: str, other: str, kind: str, when: str, url: str) -> None:
    g.add_edge(ad, other, kind=kind, time=when, ad_url=url)


def link_graph(session: Session, cluster_id: int, item_id: int | None = None) -> nx.MultiGraph:
    """Node keys: ad:<id>, phone:<E.164>, photo:P<id>, template:T<id>, name:<name>, city:<city>."""
    when = func.coalesce(Ad.posted_at, Ad.first_seen)
    rows = session.execute(
        select(Ad.id, Ad.url, Site.slug, Ad.title, Ad.name, Ad.age, Ad.city, when)
        .join(Site, Site.id == Ad.site_id).where(Ad.cluster_id == cluster_id)
        .order_by(when, Ad.id).limit(MAX_ADS)).all()
    g = nx.MultiGraph(item=item_id if item_id is not None else "", cluster=cluster_id,
                      truncated=len(rows) >= MAX_ADS)
    ads: dict[int, tuple[str, str, str]] = {}
    for ad_id, url, site, title, name, age, city, t in rows:
        key, stamp = f"ad:{ad_id}", _iso(t)
        ads[ad_id] = (key, stamp, clean(url, 2048))
        _node(g, key, "ad", f"#{ad_id} {name or ''}".strip(), stamp, url=clean(url, 2048), site=site,
              title=title or "", age=int(age) if age is not None else -1)
        if name and name.strip():
            _node(g, f"name:{clean(name.strip(), 100)}", "name", name.strip(), stamp)
            _link(g, key, f"name:{clean(name.strip(), 100)}", "name", stamp, ads[ad_id][2])
        if city:
            _node(g, f"city:{clean(city, 100)}", "city", city, stamp)
            _link(g, key, f"city:{clean(city, 100)}", "posted_in", stamp, ads[ad_id][2])
    ids = list(ads)
    for chunk in (ids[i:i + 5000] for i in range(0, len(ids), 5000)):
        for ad_id, e164, hub in session.execute(
                select(AdPhone.ad_id, Phone.e164, Phone.is_hub).join(Phone, Phone.id == AdPhone.phone_id)
                .where(AdPhone.ad_id.in_(chunk))):
            key, stamp, url = ads[ad_id]
            _node(g, f"phone:{e164}", "phone", e164, stamp, hub=bool(hub))
            _link(g, key, f"phone:{e164}", "phone", stamp, url)
        for ad_id, pid, sha, hub in session.execute(
                select(AdPhoto.ad_id, Photo.id, Photo.sha256, Photo.is_hub).join(Photo, Photo.id == AdPhoto.photo_id)
                .where(AdPhoto.ad_id.in_(chunk))):
            key, stamp, url = ads[ad_id]
            label = short_label(pid)
            _node(g, f"photo:{label}", "photo", label, stamp, sha256=sha, hub=bool(hub))
            _link(g, key, f"photo:{label}", "photo", stamp, url)
        for ad_id, tid, _sim in session.execute(
                select(AdTemplate.ad_id, AdTemplate.template_id, AdTemplate.similarity).where(AdTemplate.ad_id.in_(chunk))):
            key, stamp, url = ads[ad_id]
            _node(g, f"template:T{tid}", "template", f"T{tid}", stamp)
            _link(g, key, f"template:T{tid}", "template", stamp, url)
    return g


def i2_tables(g: nx.MultiGraph) -> tuple[list[list[object]], list[list[object]]]:
    """The entity rows and link rows (ENTITY_COLUMNS, LINK_COLUMNS) that i2 Analyst's Notebook's
    import maps to entities and links: one row per node, one per edge."""
    entities = []
    for key, n in g.nodes(data=True):
        detail = n.get("url") or n.get("sha256") or ""
        entities.append([key, n["kind"], n["label"], n["first_seen"], n["last_seen"], n["ads"], detail])
    links = [[f"L{i}", a, b, d["kind"], d["time"], d["ad_url"]]
             for i, (a, b, d) in enumerate(g.edges(data=True), 1)]
    return entities, links
