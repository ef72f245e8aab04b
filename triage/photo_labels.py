"""Short photo labels ("P17") in place of the 64-hex SHA-256 a stored reason names a photo by.

A shared photo is a group of near-duplicates keyed by its smallest photo id (triage.photo_links),
and the reason's parameter is that photo's SHA-256. Analysts see "P" + the id instead: short, the
same on the item page, in its link graph, on the case page, in exports and in the CLI, and it is
the id of the thumbnail. The stored reason keeps its wording (the `videre queue` contract); these
functions return relabelled copies for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Photo
from triage.reason_text import render
from videre.core.errors import InputError

SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def short_label(photo_id: int) -> str:
    return f"P{photo_id}"


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def photo_shas(reasons: Iterable[object]) -> list[str]:
    """Every SHA-256 the reasons name, in order of first mention, from their parameters or, for
    reasons stored without parameters, their text."""
    seen: dict[str, None] = {}
    for r in reasons:
        if isinstance(r, Mapping):
            for s in (*_strings(r.get("params")), str(r.get("text", ""))):
                for m in SHA256.finditer(s):
                    seen.setdefault(m.group(0))
    return list(seen)


def photo_ids(session: Session, shas: Iterable[str]) -> dict[str, int]:
    """SHA-256 -> photo id, for the photos that are stored (one query)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    return {sha: pid for sha, pid in session.execute(select(Photo.sha256, Photo.id).where(Photo.sha256.in_(wanted)))}


def _swap(value: Any, labels: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, Mapping):
        return {k: _swap(v, labels) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, labels) for v in value]
    return value


def relabel(reason: Mapping[str, Any], ids: Mapping[str, int]) -> dict[str, Any]:
    """A copy of a stored reason whose parameters and English text name photos by short label."""
    labels = {sha: short_label(pid) for sha, pid in ids.items()}
    out = dict(reason)
    if "params" in out:
        out["params"] = _swap(out["params"], labels)
    try:
        out["text"] = render(out.get("template"), out.get("params"))
    except InputError:
        out["text"] = SHA256.sub(lambda m: labels.get(m.group(0), m.group(0)[:12] + "…"), str(out.get("text", "")))
    return out
