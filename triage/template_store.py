"""Templates that several women's ads share: lasting ids, hub marks, and what analysts see.

A template group found by triage.templates becomes a `templates` row when it is used under at
least two names (one woman reposting her own text is not a template worth showing). Its id is
kept across re-scoring like a cluster's, so that an analyst's hub decision and watchlist stay
attached. For each such template the shared wording with numbered slots is stored, and per ad the
words that fill them (`ad_templates.slots`), rebuilt only when the template's ads change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models.entities import AdTemplate, Template
from triage.cluster import stable_ids
from triage.frame import Frame
from triage.groupby import count_distinct, uniq
from triage.rows import BULK_ROWS, executemany, fetch_all, indexes_rebuilt, int_pairs, json_text, update_by_id
from triage.templates import ID_CHUNK, TemplateLinks, ad_texts, template_display


@dataclass
class TemplateIds:
    kept: np.ndarray            # per template group: stored as a row
    old_of_ad: np.ndarray       # template id per ad position before this run, 0 none


def assign_template_ids(session: Session, frame: Frame, links: TemplateLinks,
                        min_names: int) -> TemplateIds:
    """Stable ids for groups used under `min_names` names or more; others get negative ids."""
    keys = links.keys
    pairs = int_pairs(session, "SELECT ad_id, template_id FROM ad_templates")
    old_of_ad = np.zeros(len(frame), dtype=np.int64)
    pos = frame.positions(pairs[:, 0])
    ok = pos < len(frame)
    ok[ok] &= frame.ad_ids[pos[ok]] == pairs[ok, 0]
    old_of_ad[pos[ok]] = pairs[ok, 1]
    names = count_distinct(keys.key_pos, frame.names.of_ad[keys.ad_pos], len(keys))
    kept = names >= min_names
    rows = kept[keys.key_pos]
    conn = session.connection()
    next_id = (conn.execute(select(func.max(Template.id))).scalar() or 0) + 1
    ids = -(np.arange(len(keys), dtype=np.int64) + 1)
    if rows.any():
        assigned = stable_ids(keys.key_pos[rows], old_of_ad[keys.ad_pos[rows]], next_id)
        ids[uniq(keys.key_pos[rows])] = _per_key(keys.key_pos[rows], assigned.cluster_of)
    keys.ids = ids
    keys.labels = [f"#{i}" if i > 0 else "" for i in ids.tolist()]
    overrides = dict(conn.execute(select(Template.id, Template.hub_override)
                                  .where(Template.hub_override.is_not(None))).all())
    keys.override = [overrides.get(i) for i in ids.tolist()]
    return TemplateIds(kept, old_of_ad)


def _per_key(key_pos: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The value of each distinct key (all rows of one key carry the same value)."""
    _, first = np.unique(key_pos, return_index=True)
    return values[first]


def _digest(ad_ids: np.ndarray, versions: np.ndarray, strength: np.ndarray) -> str:
    blob = (np.stack([ad_ids, versions], axis=1).astype(np.int64).tobytes()
            + np.round(strength, 4).astype(np.float32).tobytes())
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


@dataclass
class _Plan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    rebuild: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _plan(session: Session, frame: Frame, links: TemplateLinks, kept: np.ndarray,
          members: list[np.ndarray], strengths: list[np.ndarray], show: set[int],
          now: datetime) -> _Plan:
    """What to write: new rows, changed rows, and the displays to (re)build.

    A display is built only for templates analysts will see (`show`: those in queued clusters),
    when its ads changed since it was built. `digest` records what the stored display was built
    from; "" when it is missing or out of date.
    """
    keys = links.keys
    existing = {r[0]: r[1:] for r in session.connection().execute(
        select(Template.id, Template.digest, Template.active, Template.is_hub, Template.hub_reason,
               Template.size, Template.names))}
    names = count_distinct(keys.key_pos, frame.names.of_ad[keys.ad_pos], len(keys))
    plan = _Plan()
    for g in np.nonzero(kept)[0].tolist():
        tid = int(keys.ids[g])
        row = {"id": tid, "size": len(members[g]), "names": int(names[g]),
               "is_hub": bool(keys.hub[g]), "hub_reason": keys.hub_reason[g], "active": True,
               "updated_at": now}
        digest = _digest(frame.ad_ids[members[g]], frame.version[members[g]], strengths[g])
        old = existing.get(tid)
        if old is None:
            plan.inserts.append({**row, "created_at": now, "text": "", "digest": ""})
        stored_digest = old[0] if old else ""
        if tid in show and stored_digest != digest:
            plan.rebuild.append((g, {**row, "digest": digest}))
            continue
        keep_digest = stored_digest if stored_digest == digest else ""
        if old is not None and old[1:] + (old[0],) != (True, row["is_hub"], row["hub_reason"],
                                                       row["size"], row["names"], keep_digest):
            plan.updates.append({**row, "digest": keep_digest})
    kept_ids = {int(keys.ids[g]) for g in np.nonzero(kept)[0].tolist()}
    plan.updates.extend({"id": t, "active": False, "updated_at": now, "size": o[4], "names": o[5],
                         "is_hub": bool(o[2]), "hub_reason": o[3], "digest": o[0]}
                        for t, o in existing.items() if t not in kept_ids and o[1])
    return plan


def write_templates(session: Session, frame: Frame, links: TemplateLinks, tids: TemplateIds,
                    show: set[int], now: datetime) -> int:
    """Insert, update and retire template rows and their ad links; returns the templates kept."""
    keys = links.keys
    order = np.lexsort((keys.ad_pos, keys.key_pos))
    kp, ap, st = keys.key_pos[order], keys.ad_pos[order], keys.strength[order]
    starts = np.searchsorted(kp, np.arange(len(keys) + 1))
    members = [ap[starts[g]:starts[g + 1]] for g in range(len(keys))]
    strengths = [st[starts[g]:starts[g + 1]] for g in range(len(keys))]
    plan = _plan(session, frame, links, tids.kept, members, strengths, show, now)
    table = Template.__table__
    if plan.inserts:
        session.execute(insert(table), plan.inserts)
    slots_of = _build_displays(session, frame, links, plan, members)
    update_by_id(session, table, plan.updates)

    # Ad links: rewrite those whose template or strength changed, and every ad of a rebuilt
    # display (new slots); drop the links of ads no longer in a kept template.
    want: dict[int, tuple[int, float]] = {}
    for g in np.nonzero(tids.kept)[0].tolist():
        for a, s in zip(frame.ad_ids[members[g]].tolist(), strengths[g].tolist()):
            want[a] = (int(keys.ids[g]), round(s, 4))
    have = {int(r[0]): (int(r[1]), round(float(r[2]), 4))
            for r in fetch_all(session, "SELECT ad_id, template_id, similarity FROM ad_templates")}
    stale = sorted(a for a, v in have.items() if want.get(a) != v or a in slots_of)
    for start in range(0, len(stale), ID_CHUNK):
        session.execute(delete(AdTemplate).where(AdTemplate.ad_id.in_(stale[start:start + ID_CHUNK])))
    # In ad order, not template by template: the rows (and the ads their foreign key looks up)
    # are then written one page after another. A first re-score writes a link for most ads, with
    # the template index built after them (bench/README.md, "The first full re-score, timed quiet").
    fresh = sorted((a, t, s, json_text(slots_of[a]) if a in slots_of else "[]")
                   for a, (t, s) in want.items() if have.get(a) != (t, s) or a in slots_of)
    with indexes_rebuilt(session, list(AdTemplate.__table__.indexes) if len(fresh) > BULK_ROWS else []):
        executemany(session, "INSERT INTO ad_templates (ad_id, template_id, similarity, slots) "
                             "VALUES (?, ?, ?, ?)", fresh)
    return int(tids.kept.sum())


def _build_displays(session: Session, frame: Frame, links: TemplateLinks, plan: _Plan,
                    members: list[np.ndarray]) -> dict[int, list[str]]:
    """Build the displays planned, write them, and return the slots of each of their ads."""
    ids_of: dict[int, list[int]] = {}
    for g, _ in plan.rebuild:
        rep = int(frame.ad_ids[links.rep[g]])
        ids_of[g] = [rep] + [a for a in frame.ad_ids[members[g]].tolist() if a != rep]
    texts = ad_texts(session, sorted({a for v in ids_of.values() for a in v}))
    slots_of: dict[int, list[str]] = {}
    rows = []
    for g, row in plan.rebuild:
        ids = ids_of[g]
        text, slots = template_display([texts.get(i, "") for i in ids])
        rows.append({**row, "text": text[:20_000]})
        for a, ad_slots in zip(ids, slots):
            slots_of[a] = [x[:200] for x in ad_slots][:50]
    update_by_id(session, Template.__table__, rows)
    return slots_of
