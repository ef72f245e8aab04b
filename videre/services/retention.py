"""Retention: purge what is older than `retention.days` unless it is attached to a case.

An ad is old when it was last seen before the cutoff. Attached means the ad belongs to a cluster
whose queue item is in one of `retention.keep_statuses` (under review, escalated). Purged:
old ads with their versions, phone, photo and place links and triage signals; old versions of ads
that stay; photos (with their thumbnails and any kept original), phone numbers, templates and
template words no ad refers to any more; queue items (with notes and history) and cluster evidence
of groups with no ad left; run history that ended before the cutoff; old WARC archives and
screenshots. Every purge is written to the audit log with its counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from crawler.screenshots import url_key
from models.ads import Ad, AdVersion
from models.entities import AdPhone, AdPhoto, AdSignal, AdTemplate, Cluster, Phone, Photo, Template, TemplateWords
from models.ops import Run
from models.review import STATUSES, ItemChange, Note, QueueItem, Watchlist
from models.users import AuditEvent
from videre.core.config import Settings
from videre.core.errors import ConfigError
from videre.services.retention_files import FilePlan, plan_archives, plan_screenshots, remove, trim_archive
from videre.store.db import Database
from videre.store.oplock import OpsLock
from videre.store.run_record import RunRecorder

# SQLite allows a few thousand bound parameters per statement; stay well below.
CHUNK = 500
EMPTIED = "purged"  # the digest of a cluster whose features retention emptied
AUDIT_USER = "videre-retention"


@dataclass
class PurgePlan:
    cutoff: datetime
    ads: list[int] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    photos: list[int] = field(default_factory=list)
    phones: list[int] = field(default_factory=list)
    templates: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # queue items left without ads
    clusters: list[int] = field(default_factory=list)  # clusters left without ads, to empty
    runs: list[int] = field(default_factory=list)  # run history rows that ended before the cutoff
    template_words: list[int] = field(default_factory=list)   # doc_keys
    originals: list[str] = field(default_factory=list)
    attached_urls: frozenset[str] = frozenset()
    ads_kept: int = 0  # old ads kept because they are attached to a case
    files: FilePlan = field(default_factory=FilePlan)
    sample_urls: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {"ads": len(self.ads), "ad_versions": len(self.versions), "photos": len(self.photos),
                "phones": len(self.phones), "templates": len(self.templates),
                "template_words": len(self.template_words), "queue_items": len(self.items),
                "clusters_emptied": len(self.clusters), "runs": len(self.runs),
                "photo_originals": len(self.originals),
                "files_deleted": len(self.files.delete), "archives_trimmed": len(self.files.trim),
                "ads_kept_attached": self.ads_kept, "files_kept_attached": self.files.kept,
                "bytes_freed": self.files.bytes}


@dataclass(frozen=True)
class PurgeReport:
    plan: PurgePlan
    dry_run: bool
    problems: tuple[str, ...] = ()
    run_id: int | None = None


def cutoff_for(settings: Settings, now: datetime) -> datetime:
    return now - timedelta(days=settings.retention.days)


def _keep_statuses(settings: Settings) -> list[str]:
    unknown = sorted(set(settings.retention.keep_statuses) - set(STATUSES))
    if unknown:
        raise ConfigError(f"retention.keep_statuses has unknown statuses {unknown}; known: {list(STATUSES)}")
    return list(settings.retention.keep_statuses)


def _attached(keep: Sequence[str]) -> ColumnElement[bool]:
    return exists().where(QueueItem.cluster_id == Ad.cluster_id, QueueItem.status.in_(keep))


def _ids(session: Session, query: Select[Any]) -> list[int]:
    return [int(i) for i in session.execute(query).scalars()]


def _orphans(ad_col: Any, ref_col: Any, key_col: Any, purged: Select[Any], session: Session, *,
             old: ColumnElement[bool] | None = None, keep: Iterable[int] = ()) -> list[int]:
    """Keys (`key_col`) of rows no ad will refer to (through `ref_col`, in a table keyed by ad
    `ad_col`) once `purged` ads are gone: those only purged ads refer to, and those no ad refers
    to at all, when `old` (if given) holds for them. `keep`: keys that stay regardless."""
    only_purged = select(key_col).where(key_col.in_(
        select(ref_col).where(ad_col.in_(purged)).except_(select(ref_col).where(ad_col.not_in(purged)))))
    unused = select(key_col).where(~exists().where(ref_col == key_col))
    if old is not None:
        unused = unused.where(old)
    ids = set(_ids(session, only_purged)) | set(_ids(session, unused))
    return sorted(ids - set(keep))


def _hub_decisions(session: Session, entity: Any) -> list[int]:
    """Rows an analyst marked as hub or not: the decision must outlive the ads it was made on."""
    return _ids(session, select(entity.id).where(entity.hub_override.is_not(None)))


def _watched_templates(session: Session) -> list[int]:
    """Templates on a watchlist, which names them by id: a new template must never inherit it."""
    values = session.execute(select(Watchlist.value).where(Watchlist.kind == "template")).scalars()
    return [int(v) for v in values if v.isdigit()]


def plan_purge(session: Session, settings: Settings, now: datetime | None = None) -> PurgePlan:
    """What a purge at `now` removes; reads only."""
    now = now or datetime.now(timezone.utc)
    cutoff = cutoff_for(settings, now)
    keep = _keep_statuses(settings)
    attached = _attached(keep)
    purged = select(Ad.id).where(Ad.last_seen < cutoff, ~attached)
    plan = PurgePlan(cutoff=cutoff)
    plan.ads = _ids(session, purged.order_by(Ad.id))
    plan.sample_urls = list(session.execute(select(Ad.url).where(Ad.last_seen < cutoff, ~attached)
                                            .order_by(Ad.last_seen).limit(20)).scalars())
    plan.ads_kept = session.execute(
        select(func.count()).select_from(Ad).where(Ad.last_seen < cutoff, attached)).scalar_one()
    plan.versions = _ids(session, select(AdVersion.id).join(Ad, Ad.id == AdVersion.ad_id).where(
        AdVersion.scraped_at < cutoff, AdVersion.version < Ad.version, Ad.last_seen >= cutoff, ~attached))
    plan.photos = _orphans(AdPhoto.ad_id, AdPhoto.photo_id, Photo.id, purged, session,
                           old=Photo.first_seen < cutoff, keep=_hub_decisions(session, Photo))
    plan.phones = _orphans(AdPhone.ad_id, AdPhone.phone_id, Phone.id, purged, session,
                           old=Phone.first_seen < cutoff, keep=_hub_decisions(session, Phone))
    # A template retired by a re-score keeps its text for the retention period, like an unused photo.
    plan.templates = _orphans(AdTemplate.ad_id, AdTemplate.template_id, Template.id, purged, session,
                              old=Template.updated_at < cutoff,
                              keep={*_hub_decisions(session, Template), *_watched_templates(session)})
    # Words of a text no ad has any more (purged, or edited since) are never read again.
    plan.template_words = _orphans(AdSignal.ad_id, AdSignal.doc_key, TemplateWords.doc_key, purged,
                                   session)
    # A group with no ad left, that no analyst holds open (keep_statuses), goes too: the evidence
    # in its features, and once its ads were last seen before the cutoff, its queue item with
    # summary, reasons, notes and history: they name the women and their numbers. The cluster
    # row stays, emptied, because merge records and later clusters refer to its id.
    ads_left = exists().where(Ad.cluster_id == Cluster.id, Ad.id.not_in(purged))
    held = exists().where(QueueItem.cluster_id == Cluster.id, QueueItem.status.in_(keep))
    bare = select(Cluster.id).where(~ads_left, ~held)
    plan.clusters = _ids(session, bare.where(Cluster.digest != EMPTIED).order_by(Cluster.id))
    plan.items = _ids(session, select(QueueItem.id).where(
        QueueItem.cluster_id.in_(bare), or_(QueueItem.last_seen < cutoff, QueueItem.last_seen.is_(None)))
        .order_by(QueueItem.id))
    # Run history: its error samples name ad and photo URLs. The audit log keeps who purged what.
    ended_long_ago = or_(Run.finished_at < cutoff, Run.finished_at.is_(None) & (Run.started_at < cutoff))
    plan.runs = _ids(session, select(Run.id).where(ended_long_ago).order_by(Run.id))
    plan.originals = [p for p in _in_chunks(session, select(Photo.original_path), Photo.id, plan.photos)
                      if p]
    plan.attached_urls = frozenset(session.execute(select(Ad.url).where(attached)).scalars())
    plan_archives(settings, cutoff, plan.attached_urls, plan.files)
    plan_screenshots(settings, cutoff, frozenset(url_key(u) for u in plan.attached_urls), plan.files)
    return plan


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _in_chunks(session: Session, query: Select[Any], column: Any, ids: Sequence[int]) -> list[Any]:
    out: list[Any] = []
    for part in _chunks(ids):
        out.extend(session.execute(query.where(column.in_(part))).scalars())
    return out


def apply_purge(session: Session, plan: PurgePlan) -> None:
    """Delete the planned rows; the caller commits. Every table that refers to an ad, a photo, a
    phone or a template does so ON DELETE CASCADE (SQLite enforces it too: videre.store.db turns foreign
    keys on), so links, signals, page states and alerts go with what they point at. Template words
    are keyed by text, not by ad: they are planned like the orphans they become."""
    for model, key, ids in ((AdVersion, AdVersion.id, plan.versions), (Ad, Ad.id, plan.ads),
                            (Photo, Photo.id, plan.photos), (Phone, Phone.id, plan.phones),
                            (Template, Template.id, plan.templates),
                            (TemplateWords, TemplateWords.doc_key, plan.template_words),
                            (Run, Run.id, plan.runs)):
        for part in _chunks(ids):
            session.execute(delete(model).where(key.in_(part)))
    for part in _chunks(plan.items):
        for model in (Note, ItemChange):
            session.execute(delete(model).where(model.item_id.in_(part)))
        session.execute(delete(QueueItem).where(QueueItem.id.in_(part)))
    for part in _chunks(plan.clusters):
        session.execute(update(Cluster).where(Cluster.id.in_(part)).values(
            features={}, size=0, active=False, digest=EMPTIED))


def _remove_files(settings: Settings, plan: PurgePlan) -> tuple[dict[str, int], list[str]]:
    """After the database commit: a file left behind by a failure is old and goes next time."""
    problems: list[str] = []
    deleted, errs = remove(plan.files.delete, settings.path())
    problems += errs
    originals, errs = remove([Path(p) for p in plan.originals], settings.path())
    problems += errs
    trimmed = 0
    for path in plan.files.trim:
        try:
            trim_archive(path, plan.attached_urls)
            trimmed += 1
        except (OSError, ValueError) as exc:
            problems.append(f"{path}: cannot cut down: {exc}")
    return {"files_deleted": deleted, "photo_originals": originals, "archives_trimmed": trimmed}, problems


def purge(settings: Settings, db: Database, *, dry_run: bool = False, now: datetime | None = None,
          lock: OpsLock | None = None) -> PurgeReport:
    """Plan and (unless dry_run) carry out a purge, under the ops lock, with a Run row and an
    audit event. Pass `lock` when the caller already holds it."""
    if dry_run:
        with db.session() as s:
            return PurgeReport(plan_purge(s, settings, now), dry_run=True)
    own = lock is None
    lock = lock or OpsLock(db, settings.path("locks"), purpose="purge")
    lock.acquire()
    try:
        with RunRecorder(db, "purge") as run:
            with db.session() as s:
                plan = plan_purge(s, settings, now)
                apply_purge(s, plan)
            done, problems = _remove_files(settings, plan)
            counts = {**plan.counts(), **done}
            with db.session() as s:
                s.add(AuditEvent(username=AUDIT_USER, action="purge", object_type="retention",
                                 detail={"cutoff": plan.cutoff.isoformat(), "days": settings.retention.days,
                                         "keep_statuses": list(settings.retention.keep_statuses),
                                         "counts": counts, "problems": problems[:50]}))
            run.update(ads_gone=len(plan.ads), photos=len(plan.photos),
                       errors={"file": len(problems)} if problems else {},
                       error_samples=[{"kind": "file", "where": "", "message": p} for p in problems[:50]],
                       message=summary(counts))
        return PurgeReport(plan, dry_run=False, problems=tuple(problems), run_id=run.run_id)
    finally:
        if own:
            lock.release()


def summary(counts: dict[str, Any]) -> str:
    return (f"{counts['ads']} ads, {counts['ad_versions']} old versions, {counts['photos']} photos, "
            f"{counts['phones']} phone numbers, {counts['templates']} templates, "
            f"{counts['template_words']} template texts, {counts['queue_items']} queue items, "
            f"{counts['runs']} old runs, "
            f"{counts['files_deleted']} files purged; "
            f"{counts['archives_trimmed']} archives cut down; kept for cases: "
            f"{counts['ads_kept_attached']} ads, {counts['files_kept_attached']} files")
