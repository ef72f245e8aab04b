""""Site changed?": a crawl whose ad count drops sharply, whose parser suddenly leaves key fields
empty, or that sees nearly every ad change at once is flagged in its Run row.

`site_change_warnings` is the pure rule; `check_crawl_run` gathers its inputs from the store and
writes the warnings into the run. Broken selectors must never pass as a quiet "ok".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad, AdVersion, Site
from models.ops import Run
from videre.core.config import SiteCheckSettings

PREFIX = "site changed?"
# The fields whose sudden emptiness means the parser no longer finds them.
KEY_FIELDS = ("title", "body", "name", "age", "location", "phone", "photos")
# A run is history worth comparing with when it finished normally.
COMPARABLE = ("ok", "partial")
# Share of seen ads that changed in one run above which the change is the site's, not the ads'.
MASS_CHANGE_SHARE = 0.8
SAMPLE = 2000


@dataclass(frozen=True)
class CrawlSnapshot:
    """What one crawl of one site saw."""

    seen: int  # ads met in the run: new + changed + unchanged
    changed: int  # of those, new versions of known ads
    parsed: int  # ads whose page was parsed and stored (new or changed)
    empty: Mapping[str, int] = field(default_factory=dict)  # key field -> parsed ads without it


@dataclass(frozen=True)
class SiteHistory:
    """The site's recent normal runs and how often its stored ads lack each field."""

    seen: Sequence[int] = ()
    changed_share: Sequence[float] = ()
    empty_share: Mapping[str, float] = field(default_factory=dict)


def site_change_warnings(current: CrawlSnapshot, history: SiteHistory, check: SiteCheckSettings,
                         expected: Sequence[str] = ()) -> list[str]:
    """The "site changed?" warnings for one run; empty when it looks like the nights before.

    `expected` names fields the site is configured to give; without history, one of them missing
    from most parsed ads is flagged on its own.
    """
    warnings: list[str] = []
    if history.seen:
        usual = median(history.seen)
        if usual > 0 and current.seen < check.min_count_share * usual:
            warnings.append(f"{PREFIX} {current.seen} ads seen, against {usual:g} usually "
                            f"(median of the last {len(history.seen)} runs)")
    if history.changed_share and current.seen >= check.min_parsed:
        share = current.changed / current.seen
        if share >= MASS_CHANGE_SHARE and median(history.changed_share) < MASS_CHANGE_SHARE / 2:
            warnings.append(f"{PREFIX} {share:.0%} of the ads seen changed at once "
                            f"({current.changed} of {current.seen}); is the page laid out anew?")
    if current.parsed >= check.min_parsed:
        for name in KEY_FIELDS:
            share = current.empty.get(name, 0) / current.parsed
            if share < check.empty_share:
                continue
            before = history.empty_share.get(name)
            if before is None and name not in expected:
                continue
            if before is not None and share - before < check.empty_jump:
                continue
            was = f", against {before:.0%} of the ads stored before" if before is not None else ""
            warnings.append(f"{PREFIX} {name} empty in {share:.0%} of the {current.parsed} ads "
                            f"parsed{was}")
    return warnings


def _empty_counts(session: Session, site_id: int, after: datetime | None, before: datetime) -> tuple[int, dict[str, int]]:
    """How many ad versions parsed in [after, before) there are, and how many lack each key field.

    Versions, not ads: they keep what the parser gave each time, even after a later re-parse.
    The newest SAMPLE are enough for a share.
    """
    query = (select(AdVersion.record).join(Ad, Ad.id == AdVersion.ad_id)
             .where(Ad.site_id == site_id, AdVersion.scraped_at < before)
             .order_by(AdVersion.scraped_at.desc()).limit(SAMPLE))
    if after is not None:
        query = query.where(AdVersion.scraped_at >= after)
    total, empty = 0, dict.fromkeys(KEY_FIELDS, 0)
    for record in session.execute(query).scalars():
        total += 1
        for name in KEY_FIELDS:
            value = record.get("images" if name == "photos" else name) if isinstance(record, dict) else None
            if not value or (isinstance(value, str) and not value.strip()):
                empty[name] += 1
    return total, empty


def _history(session: Session, run: Run, check: SiteCheckSettings, site_id: int | None) -> SiteHistory:
    earlier = session.execute(
        select(Run).where(Run.kind == "crawl", Run.site == run.site, Run.id != run.id,
                          Run.started_at < run.started_at, Run.status.in_(COMPARABLE))
        .order_by(Run.started_at.desc()).limit(check.history_runs)
    ).scalars().all()
    seen = [r.ads_new + r.ads_changed + r.ads_unchanged for r in earlier]
    changed = [r.ads_changed / s for r, s in zip(earlier, seen) if s]
    empty_share: dict[str, float] = {}
    if site_id is not None:
        # What was parsed before this run, and before the runs compared with; the better of the
        # two, so that a breakage that has lasted a few nights does not become its own baseline.
        windows = {run.started_at, *([earlier[-1].started_at] if earlier else [])}
        for before in windows:
            total, empty = _empty_counts(session, site_id, None, before)
            if total >= check.min_parsed:
                for name, count in empty.items():
                    empty_share[name] = min(count / total, empty_share.get(name, 1.0))
    return SiteHistory(seen=seen, changed_share=changed, empty_share=empty_share)


def check_crawl_run(session: Session, run_id: int, check: SiteCheckSettings,
                    expected: Sequence[str] = ()) -> list[str]:
    """Compute the run's "site changed?" warnings and store them in it, replacing earlier ones."""
    run = session.get(Run, run_id)
    if run is None or run.kind != "crawl" or not run.site:
        return []
    site_id = session.execute(select(Site.id).where(Site.slug == run.site)).scalar_one_or_none()
    end = run.finished_at or datetime.now(timezone.utc)
    parsed, empty = (0, {})
    if site_id is not None:
        parsed, empty = _empty_counts(session, site_id, run.started_at, end + timedelta(seconds=1))
    current = CrawlSnapshot(seen=run.ads_new + run.ads_changed + run.ads_unchanged,
                            changed=run.ads_changed, parsed=parsed, empty=empty)
    found = site_change_warnings(current, _history(session, run, check, site_id), check, expected)
    kept = [w for w in (run.warnings or []) if not (isinstance(w, str) and w.startswith(PREFIX))]
    run.warnings = kept + found
    return found


def expected_fields(configured: Mapping[str, str]) -> list[str]:
    """The key fields a site's config names a selector for (`images` gives `photos`)."""
    names = set(configured)
    return [f for f in KEY_FIELDS if f in names or (f == "photos" and "images" in names)]
