"""An item as CSV or JSON for case files, its link graph (triage.link_graph) as GraphML, GEXF or
the i2 entity/link CSV pair, and the audit log as CSV or JSON.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR, LF, NUL) are prefixed with a quote:
ad text is hostile and exports are opened in spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from triage.link_graph import ENTITY_COLUMNS, LINK_COLUMNS, i2_tables
from videre.web.item_view import ItemView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
AD_COLUMNS = ("item_id", "ad_id", "site", "url", "posted_at", "first_seen", "last_seen", "city",
              "location", "name", "age", "phones", "languages", "title", "body")
AUDIT_COLUMNS = ("id", "at", "user_id", "username", "action", "object_type", "object_id", "ip", "detail")


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _iso(t: Any) -> str | None:
    return t.isoformat() if t is not None else None


def item_json(item: ItemView, assignee: str | None) -> dict[str, Any]:
    return {
        "id": item.id, "cluster_id": item.cluster_id, "score": item.score, "status": item.status,
        "label": item.label, "assignee": assignee, "first_seen": _iso(item.first_seen),
        "last_seen": _iso(item.last_seen), "n_ads": item.n_ads, "reasons": item.reasons,
        "features": item.features, "languages": item.languages,
        "route": [{"city": c, "from": d} for c, d in item.route],
        "phones": [{"e164": p.e164, "hub": p.hub, "ads": [a.id for a in p.ads],
                    "people": [{"name": n, "age": age, "ads": k} for n, age, k in p.people]}
                   for p in item.phones],
        "photo_matches": [{"photos": [pid for pid, _ in g.photos],
                           "ads": sorted({a.id for _, ads in g.photos for a in ads}), "reason": g.reason}
                          for g in item.photo_groups],
        "templates": [{"id": t.id, "hub": t.hub, "ads": t.ad_ids,
                       "text": "".join(text if n is None else "{%d}" % n for text, n in t.pieces),
                       "slots": {str(n): fills for n, fills in t.fills.items()}} for t in item.templates],
        "ads": [{"id": a.id, "url": a.url, "site": a.site, "title": a.title, "body": a.body,
                 "name": a.name, "age": a.age, "age_raw": a.age_raw, "city": a.city,
                 "location": a.location, "posted_at": _iso(a.posted_at), "first_seen": _iso(a.first_seen),
                 "last_seen": _iso(a.last_seen), "version": a.version, "languages": a.languages,
                 "phones": [e for e, _, _ in a.phones], "photos": a.photo_ids} for a in item.ads],
        "notes": [{"at": _iso(at), "user": who, "text": text} for at, who, text in item.notes],
        "history": [{"at": _iso(at), "user": who, "field": f, "old": old, "new": new}
                    for at, who, f, old, new in item.history],
    }


def item_csv(item: ItemView) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(AD_COLUMNS)
    for a in item.ads:
        w.writerow([cell(v) for v in (
            item.id, a.id, a.site, a.url, _iso(a.posted_at), _iso(a.first_seen), _iso(a.last_seen),
            a.city, a.location, a.name, a.age if a.age is not None else a.age_raw,
            " ".join(e for e, _, _ in a.phones), " ".join(a.languages), a.title, a.body)])
    return out.getvalue()


def rows_csv(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text in chunks, for a streamed download."""
    out = io.StringIO()
    w = csv.writer(out)
    cols = list(columns)
    w.writerow(cols)
    for n, row in enumerate(rows, 1):
        w.writerow([cell(json.dumps(row[c], ensure_ascii=False) if isinstance(row[c], (dict, list))
                         else row[c]) for c in cols])
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def rows_jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def graph_xml(g: nx.MultiGraph, fmt: str) -> bytes:
    """GraphML or GEXF of an item's link graph."""
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, out, encoding="utf-8")
    else:
        nx.write_gexf(g, out, encoding="utf-8")
    return out.getvalue()


def graph_csv(g: nx.MultiGraph, table: str) -> str:
    """The i2 Analyst's Notebook pair: table "entities" or "links"."""
    entities, links = i2_tables(g)
    columns, rows = (ENTITY_COLUMNS, entities) if table == "entities" else (LINK_COLUMNS, links)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    for row in rows:
        w.writerow([cell(v) for v in row])
    return out.getvalue()
