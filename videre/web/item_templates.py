"""The templates on the item page: each worded with what the item's ads put in its slots."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import AdTemplate, Template

MAX_FILLS = 8
SLOT = re.compile(r"\{(\d+)\}")


@dataclass
class TemplateView:
    """A template triage found (triage.template_store): its wording with numbered slots, and what
    this item's ads put in each slot."""

    id: int
    hub: bool
    hub_reason: str
    override: bool | None
    pieces: list[tuple[str, int | None]]      # (text, None) or (example fill, slot number)
    fills: dict[int, list[str]]               # slot number -> distinct fills of the ads read, most used first
    ad_ids: list[int]                         # of the ads read
    n_ads: int = 0                            # over the whole item

    @property
    def n_slots(self) -> int:
        return len(self.fills)



def templates_of(session: Session, ad_ids: list[int], counted: list[list[int]]) -> list[TemplateView]:
    """The item's templates (`counted`: [template id, ads] over the whole item), worded with what
    the ads read put in their slots."""
    n_ads = {int(tid): int(n) for tid, n in counted}
    found = session.execute(select(Template.id, Template.text, Template.is_hub, Template.hub_reason,
                                   Template.hub_override)
                          .where(Template.id.in_(list(n_ads)), Template.active.is_(True))).all()
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(
            select(AdTemplate.ad_id, AdTemplate.slots, Template.id, Template.text, Template.is_hub,
                   Template.hub_reason, Template.hub_override)
            .join(Template, Template.id == AdTemplate.template_id)
            .where(AdTemplate.ad_id.in_(ad_ids), Template.active.is_(True))
            .order_by(Template.id, AdTemplate.ad_id)).all():
        grouped[row.id].append(row)
    out = []
    for first in [*found, *(m[0] for tid, m in grouped.items() if tid not in n_ads)]:
        members = grouped.get(first.id, [])
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
        out.append(TemplateView(first.id, first.is_hub, first.hub_reason, first.hub_override, pieces, fills,
                                [m.ad_id for m in members], n_ads.get(first.id, len(members))))
    out.sort(key=lambda t: (-t.n_ads, t.id))
    return out
