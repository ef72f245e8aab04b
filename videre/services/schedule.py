"""The unattended scheduler (APScheduler 3): the nightly crawl, per-site crawls and retention.

Jobs live in a persistent SQLAlchemy job store in Videre's own database (table
`videre_schedule_jobs`, created by APScheduler, not by Alembic), so a restart knows what it
missed. Every job has max_instances=1 and coalesce=True, and a misfire grace time: after downtime
the latest missed run happens once, as soon as the scheduler is back, if it is not too late.
All jobs share one worker thread, so within a process they run one after another; the ops lock
keeps processes apart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from models.ops import SCHEDULER_JOBS_TABLE
from videre.core.config import Settings
from videre.core.errors import ConfigError, VidereError
from videre.services.run_history import record_skipped
from videre.store.db import Database

if TYPE_CHECKING:
    from videre.services.nightly import CrawlStep

log = logging.getLogger(__name__)

JOBSTORE_TABLE = SCHEDULER_JOBS_TABLE
JOB_PREFIX = "videre:"
CRAWL_JOB = "videre:crawl"
RETENTION_JOB = "videre:retention"
RUN_JOB = "videre.services.schedule:run_job"
# A day of minutes: enough to leave any repeated hour behind.
MAX_PROBES = 24 * 60


@dataclass(frozen=True)
class JobSpec:
    id: str
    name: str
    args: tuple[str, str | None]  # (task, site)
    trigger: WallClockCron


@dataclass
class _Context:
    settings: Settings
    db: Database
    stop: threading.Event
    crawl: CrawlStep | None = None


# What the stored jobs run against: set by Scheduler.start, in the process that runs them.
_context: _Context | None = None


def zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"schedule.timezone {settings.schedule.timezone!r} is not a known time zone") from None


def _wall(t: datetime, tz: ZoneInfo) -> datetime:
    return t.astimezone(tz).replace(tzinfo=None)


class WallClockCron(BaseTrigger):
    """A cron trigger that fires at most once per local wall-clock time.

    When the clocks go back (the last Sunday of October in Europe) 02:00-03:00 happens twice, and
    APScheduler's CronTrigger fires "15 2 * * *" at 02:15 summer time and again at 02:15 winter
    time: a second nightly crawl, re-score and watchlist check. The repeat is skipped. In spring,
    when 02:00-03:00 does not exist, CronTrigger already moves the run to 03:15 that night.
    """

    def __init__(self, cron: CronTrigger) -> None:
        self.cron = cron
        self.timezone = cron.timezone

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        nxt = self.cron.get_next_fire_time(previous_fire_time, now)
        if previous_fire_time is None or nxt is None:
            return nxt
        seen = _wall(previous_fire_time, self.timezone)
        probe = nxt
        # Asked from inside the repeated hour, CronTrigger can answer with its first occurrence
        # again (an earlier instant): step forward a minute at a time until it answers later.
        for _ in range(MAX_PROBES):
            if nxt is None or (nxt > previous_fire_time and _wall(nxt, self.timezone) != seen):
                return nxt
            probe += timedelta(minutes=1)
            nxt = self.cron.get_next_fire_time(None, probe)
        return nxt

    def __str__(self) -> str:
        return str(self.cron)

    def __repr__(self) -> str:
        return f"<WallClockCron {self.cron!r}>"


def cron(expr: str, tz: ZoneInfo, what: str) -> WallClockCron:
    try:
        return WallClockCron(CronTrigger.from_crontab(expr, timezone=tz))
    except ValueError as exc:
        raise ConfigError(f"{what} {expr!r} is not a cron expression "
                          f"(minute hour day month weekday): {exc}") from None


def job_specs(settings: Settings) -> list[JobSpec]:
    """The jobs config.yaml asks for. An empty cron expression turns a job off."""
    from videre.services.nightly import scheduled_sites

    tz = zone(settings)
    sched = settings.schedule
    specs: list[JobSpec] = []
    if sched.crawl_cron and scheduled_sites(settings):
        specs.append(JobSpec(CRAWL_JOB, "nightly crawl", ("crawl", None),
                             cron(sched.crawl_cron, tz, "schedule.crawl_cron")))
    for slug, expr in sorted(sched.site_crons.items()):
        settings.site(slug)  # an unknown slug is a config error, not a silent no-op
        if expr:
            specs.append(JobSpec(f"{CRAWL_JOB}:{slug}", f"crawl of {slug}", ("crawl", slug),
                                 cron(expr, tz, f"schedule.site_crons.{slug}")))
    if sched.retention_cron:
        specs.append(JobSpec(RETENTION_JOB, "retention purge", ("retention", None),
                             cron(sched.retention_cron, tz, "schedule.retention_cron")))
    return specs


def run_job(task: str, site: str | None = None) -> None:
    """What every stored job calls. Module level, so the job store can name it."""
    ctx = _context
    if ctx is None:
        raise RuntimeError("scheduler context not set: jobs run only inside `videre schedule`")
    if ctx.stop.is_set():
        return
    if task == "crawl":
        from videre.services.nightly import nightly, scheduled_sites

        sites = [site] if site else scheduled_sites(ctx.settings)
        report = nightly(ctx.settings, ctx.db, sites, stop=ctx.stop, crawl=ctx.crawl)
        log.info("nightly run #%s %s: %s", report.run_id, report.status, report.message)
    elif task == "retention":
        from videre.services.retention import purge, summary
        from videre.store.oplock import LockBusy

        try:
            done = purge(ctx.settings, ctx.db)
        except LockBusy as exc:
            record_skipped(ctx.db, "purge", f"skipped: {exc}")
            log.warning("retention skipped: %s", exc)
            return
        log.info("retention run #%s: %s", done.run_id, summary(done.plan.counts()))
    else:
        raise ValueError(f"unknown scheduled task {task!r}")


def _same(job: Job, spec: JobSpec, grace: int) -> tuple[bool, bool]:
    """(trigger unchanged, everything else unchanged)."""
    # The type too: jobs stored by older versions hold a plain CronTrigger that fires twice in autumn.
    trigger = (type(job.trigger) is type(spec.trigger) and str(job.trigger) == str(spec.trigger)
               and str(job.trigger.timezone) == str(spec.trigger.timezone))
    rest = (job.func_ref == RUN_JOB and tuple(job.args) == spec.args and job.name == spec.name
            and job.misfire_grace_time == grace and job.coalesce and job.max_instances == 1)
    return trigger, rest


def sync_jobs(scheduler: BackgroundScheduler, specs: list[JobSpec], grace: int) -> list[str]:
    """Make the stored jobs match the config without resetting their next run time when their
    cron is unchanged: a job due while the scheduler was down must keep its missed time, or it
    would never catch up. Returns what changed, for the log."""
    changes: list[str] = []
    wanted = {s.id: s for s in specs}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            job.remove()
            changes.append(f"removed {job.id}")
    options = {"misfire_grace_time": grace, "coalesce": True, "max_instances": 1}
    for spec in specs:
        job = scheduler.get_job(spec.id)
        if job is None:
            scheduler.add_job(RUN_JOB, trigger=spec.trigger, args=spec.args, id=spec.id, name=spec.name,
                              **options)
            changes.append(f"added {spec.id}")
            continue
        same_trigger, same_rest = _same(job, spec, grace)
        if not same_rest:
            job.modify(func=RUN_JOB, args=spec.args, name=spec.name, **options)
            changes.append(f"updated {spec.id}")
        if not same_trigger:
            job.reschedule(trigger=spec.trigger)
            changes.append(f"rescheduled {spec.id}")
    return changes


class Scheduler:
    """`videre schedule`: start() in the background, stop() on SIGTERM."""

    def __init__(self, settings: Settings, db: Database, crawl: CrawlStep | None = None) -> None:
        self.settings = settings
        self.db = db
        self.crawl = crawl
        self.specs = job_specs(settings)
        self.stop_event = threading.Event()
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBSTORE_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": settings.schedule.misfire_grace_s},
            timezone=zone(settings),
        )
        self.scheduler.add_listener(self._not_run, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    def start(self, paused: bool = False) -> list[str]:
        """Sync the stored jobs with the config and (unless paused) let them fire."""
        global _context
        if _context is not None and _context.stop is not self.stop_event:
            raise VidereError("another scheduler is already running in this process")
        _context = _Context(self.settings, self.db, self.stop_event, self.crawl)
        # Paused first, so the stored jobs can be compared with the config before any fires.
        self.scheduler.start(paused=True)
        changes = sync_jobs(self.scheduler, self.specs, self.settings.schedule.misfire_grace_s)
        if not paused:
            self.scheduler.resume()
        return changes

    def next_runs(self) -> list[tuple[str, datetime | None]]:
        return [(job.name, job.next_run_time) for job in self.scheduler.get_jobs()]

    def stop(self) -> None:
        """Ask a running job to stop (a crawl is sent SIGTERM and may save its state), wait for it."""
        global _context
        self.stop_event.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if _context is not None and _context.stop is self.stop_event:
            _context = None

    def _not_run(self, event: JobEvent) -> None:
        """A run that did not happen is history too: an operator must see that a night was missed."""
        job_kind = "purge" if event.job_id == RETENTION_JOB else "nightly"
        # A missed run is an execution event (one time); a refused one a submission event (a list).
        when = getattr(event, "scheduled_run_time", None) or event.scheduled_run_times[-1]
        if event.code == EVENT_JOB_MISSED:
            why = (f"missed the run due at {when:%Y-%m-%d %H:%M %Z}: the scheduler was not running then, "
                   f"and it is more than schedule.misfire_grace_s ({self.settings.schedule.misfire_grace_s} s) late")
        else:
            why = f"skipped the run due at {when:%Y-%m-%d %H:%M %Z}: the previous run of {event.job_id} is still going"
        log.warning("%s", why)
        try:
            record_skipped(self.db, job_kind, why)
        except Exception:  # noqa: BLE001 - a listener must not break the scheduler thread
            log.exception("could not record the skipped run")


def describe(runs: list[tuple[str, datetime | None]], now: datetime) -> list[str]:
    lines = []
    for name, when in runs:
        if when is None:
            lines.append(f"{name}: paused")
        elif when <= now:
            lines.append(f"{name}: due since {when:%Y-%m-%d %H:%M %Z} (a missed run, caught up on start)")
        else:
            lines.append(f"{name}: next at {when:%Y-%m-%d %H:%M %Z}")
    return lines

