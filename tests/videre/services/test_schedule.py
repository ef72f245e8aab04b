"""The scheduler with a controlled clock: fires on its cron in Stockholm time, never overlaps a
long run, catches up exactly once after downtime, and keeps its jobs in the database."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from sqlalchemy import select

from models.ops import Run
from tests.conftest import make_settings
from tests.videre.fake_crawl import FakeCrawl
from videre.core.config import Settings
from videre.core.errors import ConfigError
from videre.services.schedule import CRAWL_JOB, RETENTION_JOB, Scheduler, job_specs
from videre.store.db import Database

STHLM = ZoneInfo("Europe/Stockholm")
REPO = Path(__file__).resolve().parents[3]
SITES = [{"slug": "nattfjaril", "start_urls": ["http://127.0.0.1:8701/"]},
         {"slug": "kvallsros", "start_urls": ["http://127.0.0.1:8702/"]}]


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=STHLM)


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _settings(tmp_path: Path, **schedule: object) -> Settings:
    return make_settings(tmp_path, sites=SITES, schedule={"crawl_cron": "15 2 * * *",
                                                          "retention_cron": "30 4 * * *", **schedule})


@pytest.fixture
def started() -> Iterator[list[Scheduler]]:
    """Schedulers a test starts; all stopped at the end, whatever happens."""
    running: list[Scheduler] = []
    yield running
    for s in running:
        s.stop()


def _start(settings: Settings, db: Database, crawl: FakeCrawl, running: list[Scheduler]) -> Scheduler:
    sched = Scheduler(settings, db, crawl=crawl)
    running.append(sched)
    sched.start()
    return sched


def _stop(sched: Scheduler, running: list[Scheduler]) -> None:
    sched.stop()
    running.remove(sched)


def _runs(db: Database, kind: str) -> list[Run]:
    with db.session() as s:
        return list(s.execute(select(Run).where(Run.kind == kind).order_by(Run.id)).scalars())


def _next(sched: Scheduler, job_id: str) -> datetime | None:
    job = sched.scheduler.get_job(job_id)
    return job.next_run_time if job else None


def test_jobs_follow_the_config(tmp_path: Path) -> None:
    settings = _settings(tmp_path, site_crons={"kvallsros": "0 */6 * * *"})
    specs = {s.id: s for s in job_specs(settings)}
    assert set(specs) == {CRAWL_JOB, f"{CRAWL_JOB}:kvallsros", RETENTION_JOB}
    assert specs[f"{CRAWL_JOB}:kvallsros"].args == ("crawl", "kvallsros")
    assert str(specs[CRAWL_JOB].trigger.timezone) == "Europe/Stockholm"
    # An empty cron switches a job off.
    assert {s.id for s in job_specs(_settings(tmp_path, retention_cron=""))} == {CRAWL_JOB}


@pytest.mark.parametrize("schedule, message", [
    ({"crawl_cron": "15 25 * * *"}, "schedule.crawl_cron '15 25 \\* \\* \\*' is not a cron expression"),
    ({"site_crons": {"nosuchsite": "0 3 * * *"}}, "no site 'nosuchsite'"),
    ({"timezone": "Europe/Gothenburg"}, "not a known time zone"),
])
def test_a_bad_schedule_is_a_config_error(tmp_path: Path, schedule: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        job_specs(_settings(tmp_path, **schedule))


def test_the_crawl_fires_at_its_cron_time_in_stockholm(tmp_path: Path, started: list[Scheduler]) -> None:
    settings = _settings(tmp_path, retention_cron="")
    db = Database.from_settings(settings)
    crawl = FakeCrawl(db)
    # 29 March 2026 is the night clocks go forward in Sweden: 02:15 CET does not exist that night.
    with time_machine.travel(at(27, 23, 0), tick=False) as clock:
        sched = _start(settings, db, crawl, started)
        assert _next(sched, CRAWL_JOB) == at(28, 2, 15)
        clock.move_to(at(28, 2, 14, 59))
        sched.scheduler.wakeup()
        time.sleep(0.3)
        assert crawl.calls == []
        clock.move_to(at(28, 2, 15, 1))
        sched.scheduler.wakeup()
        assert wait_for(lambda: len(_runs(db, "nightly")) == 1 and _runs(db, "nightly")[0].finished_at is not None)
        assert [slugs for slugs, _ in crawl.calls] == [["nattfjaril", "kvallsros"]]
        # The night 02:15 does not exist, the crawl still runs: at 03:15 summer time.
        assert _next(sched, CRAWL_JOB).astimezone(timezone.utc) == datetime(2026, 3, 29, 1, 15, tzinfo=timezone.utc)
        _stop(sched, started)
    db.dispose()


def test_a_long_run_is_never_overlapped(tmp_path: Path, started: list[Scheduler]) -> None:
    settings = _settings(tmp_path, retention_cron="", crawl_cron="*/10 * * * *")
    db = Database.from_settings(settings)
    crawl = FakeCrawl(db, hold=threading.Event())
    with time_machine.travel(at(10, 1, 55), tick=False) as clock:
        sched = _start(settings, db, crawl, started)
        clock.move_to(at(10, 2, 0, 1))
        sched.scheduler.wakeup()
        assert crawl.started.wait(10)
        # Two more fire times pass while the first crawl is still going.
        for minute in (10, 20):
            clock.move_to(at(10, 2, minute, 1))
            sched.scheduler.wakeup()
            assert wait_for(lambda: len([r for r in _runs(db, "nightly") if r.status == "skipped"])
                            == minute // 10)  # noqa: B023  (waited for within this iteration)
        crawl.release.set()
        assert wait_for(lambda: _runs(db, "nightly")[0].status in ("ok", "partial"))
        _stop(sched, started)
    assert len(crawl.calls) == 1
    skipped = [r for r in _runs(db, "nightly") if r.status == "skipped"]
    assert len(skipped) == 2 and all("still going" in r.message for r in skipped)
    db.dispose()


def test_after_downtime_the_missed_night_runs_exactly_once(tmp_path: Path, started: list[Scheduler]) -> None:
    settings = _settings(tmp_path)  # misfire grace: 6 hours
    db = Database.from_settings(settings)
    crawl = FakeCrawl(db)
    with time_machine.travel(at(10, 1, 0), tick=False) as clock:
        first = _start(settings, db, crawl, started)
        _stop(first, started)
        # Down for three nights and a morning: 02:15 and 04:30 of the 10th, 11th and 12th missed.
        clock.move_to(at(12, 7, 0))
        sched = _start(settings, db, crawl, started)
        assert wait_for(lambda: len(_runs(db, "purge")) == 1 and _runs(db, "purge")[0].finished_at is not None)
        assert wait_for(lambda: all(r.finished_at for r in _runs(db, "nightly")))
        assert len(crawl.calls) == 1 and len(_runs(db, "nightly")) == 1
        assert _next(sched, CRAWL_JOB) == at(13, 2, 15)
        assert _next(sched, RETENTION_JOB) == at(13, 4, 30)
        # A restart the same morning does not run the night again.
        _stop(sched, started)
        clock.move_to(at(12, 7, 30))
        again = _start(settings, db, crawl, started)
        time.sleep(0.5)
        _stop(again, started)
    assert len(crawl.calls) == 1 and len(_runs(db, "purge")) == 1
    db.dispose()


def test_a_night_missed_by_more_than_the_grace_is_recorded_not_run(tmp_path: Path, started: list[Scheduler]) -> None:
    settings = _settings(tmp_path, retention_cron="", misfire_grace_s=3600)
    db = Database.from_settings(settings)
    crawl = FakeCrawl(db)
    with time_machine.travel(at(10, 1, 0), tick=False) as clock:
        _stop(_start(settings, db, crawl, started), started)
        clock.move_to(at(10, 9, 0))
        sched = _start(settings, db, crawl, started)
        assert wait_for(lambda: len(_runs(db, "nightly")) == 1)
        assert _next(sched, CRAWL_JOB) == at(11, 2, 15)
        _stop(sched, started)
    [night] = _runs(db, "nightly")
    assert crawl.calls == [] and night.status == "skipped"
    assert "missed the run due at 2026-03-10 02:15 CET" in night.message
    db.dispose()


def test_a_changed_cron_reschedules_the_stored_job(tmp_path: Path, started: list[Scheduler]) -> None:
    db = Database.from_settings(_settings(tmp_path))
    with time_machine.travel(at(10, 12, 0), tick=False):
        _stop(_start(_settings(tmp_path), db, FakeCrawl(db), started), started)
        sched = Scheduler(_settings(tmp_path, crawl_cron="45 1 * * *"), db)
        started.append(sched)
        assert f"rescheduled {CRAWL_JOB}" in sched.start(paused=True)
        assert _next(sched, CRAWL_JOB) == at(11, 1, 45)
        _stop(sched, started)
    db.dispose()


def test_sigterm_stops_the_scheduler_cleanly(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "var"),
                                      "database": {"url": f"sqlite:///{tmp_path / 'videre.db'}"},
                                      "sites": SITES}))
    proc = subprocess.Popen([sys.executable, "-c", "from videre.cli.main import main; main()",
                             "--config", str(config), "schedule"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    # One line per job, soonest first: retention comes before the crawl between 02:15 and 04:30.
    listed = [proc.stdout.readline() for _ in range(2)]
    assert any(line.startswith("nightly crawl: next at ") for line in listed), (listed, proc.stderr.read() if not any(listed) else "")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "SIGTERM received: stopping" in err and "scheduler stopped" in err


@pytest.mark.postgres
def test_jobs_live_in_postgresql_too_and_keep_a_missed_run(tmp_path: Path, pg_url: str,
                                                           started: list[Scheduler]) -> None:
    settings = make_settings(tmp_path, sites=SITES, database={"url": pg_url})
    db = Database.from_settings(settings)
    with time_machine.travel(at(10, 1, 0), tick=False) as clock:
        _stop(_start(settings, db, FakeCrawl(db), started), started)
        clock.move_to(at(10, 5, 0))
        sched = Scheduler(settings, db)
        started.append(sched)
        assert sched.start(paused=True) == []  # nothing to change: the stored jobs match the config
        assert _next(sched, CRAWL_JOB) == at(10, 2, 15)  # still due: it will be made up
        _stop(sched, started)
    db.dispose()


def _fire_times(settings: Settings, job: str, start: datetime, end: datetime) -> list[datetime]:
    """The times APScheduler would fire the job: it asks the trigger again after each run."""
    trigger = {s.id: s for s in job_specs(settings)}[job].trigger
    times: list[datetime] = []
    t = trigger.get_next_fire_time(None, start)
    while t is not None and t < end:
        times.append(t)
        t = trigger.get_next_fire_time(t, t)
    return times


@pytest.mark.parametrize(("night", "expected"), [
    # Autumn: 02:15 happens twice; the run is at the first (summer time) and not again an hour later.
    ("2026-10-25", ["2026-10-24T02:15:00+02:00", "2026-10-25T02:15:00+02:00", "2026-10-26T02:15:00+01:00"]),
    # Spring: 02:15 does not exist; the run moves to 03:15 summer time.
    ("2027-03-28", ["2027-03-27T02:15:00+01:00", "2027-03-28T03:15:00+02:00", "2027-03-29T02:15:00+02:00"]),
    ("2027-10-31", ["2027-10-30T02:15:00+02:00", "2027-10-31T02:15:00+02:00", "2027-11-01T02:15:00+01:00"]),
])
def test_one_nightly_run_per_calendar_night_across_dst_changes(tmp_path: Path, night: str,
                                                                expected: list[str]) -> None:
    settings = _settings(tmp_path)
    day = datetime.fromisoformat(night).replace(tzinfo=STHLM)
    start, end = day.replace(day=day.day - 1, hour=0), day.replace(hour=23, minute=59) + (day - day.replace(day=day.day - 1))
    # Through UTC: a nonexistent local time such as 02:15+01:00 on the spring night reads as the
    # instant it is (03:15+02:00).
    local = [t.astimezone(timezone.utc).astimezone(STHLM) for t in _fire_times(settings, CRAWL_JOB, start, end)]
    assert [t.isoformat() for t in local] == expected
    assert len({t.date() for t in local}) == len(local)
    # The retention purge at 04:30 is outside the repeated hour and keeps its one run a night too.
    purges = _fire_times(settings, RETENTION_JOB, start, end)
    assert len({t.astimezone(timezone.utc).astimezone(STHLM).date() for t in purges}) == len(purges) == 3


def test_stored_jobs_of_older_versions_get_the_new_trigger(tmp_path: Path, started: list[Scheduler]) -> None:
    """A job store written before the fix holds a plain CronTrigger with the same text: replaced."""
    from apscheduler.triggers.cron import CronTrigger

    settings = _settings(tmp_path)
    db = Database.from_settings(settings)
    first = Scheduler(settings, db)
    started.append(first)
    first.start(paused=True)
    first.scheduler.get_job(CRAWL_JOB).reschedule(trigger=CronTrigger.from_crontab("15 2 * * *", timezone=STHLM))
    first.stop()
    second = Scheduler(settings, db)
    started.append(second)
    assert f"rescheduled {CRAWL_JOB}" in second.start(paused=True)
    assert type(second.scheduler.get_job(CRAWL_JOB).trigger).__name__ == "WallClockCron"
