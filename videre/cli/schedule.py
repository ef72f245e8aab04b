"""`videre schedule [--once]`"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from types import FrameType

import click

from videre.cli.main import App, pass_app


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` instead of killing the process, so work can end cleanly."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("videre.services.schedule").warning("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


@click.command()
@click.option("--once", is_flag=True, help="run the nightly sequence now (crawl, re-score, watchlists) and exit")
@click.option("--site", "sites", multiple=True, metavar="SLUG", help="with --once: only these sites (repeatable)")
@click.option("--list", "list_only", is_flag=True, help="show the scheduled jobs and their next run times, and exit")
@pass_app
def schedule(app: App, once: bool, sites: tuple[str, ...], list_only: bool) -> None:
    """Run the nightly scheduler in the foreground until SIGTERM or Ctrl-C.

    The jobs come from config.yaml (`schedule:` crawl_cron, site_crons,
    retention_cron, timezone) and are kept in the database, so a job missed
    while the scheduler was down runs once when it is back (within
    schedule.misfire_grace_s). Two nightly runs never overlap, even from two
    machines. On SIGTERM a running crawl is asked to stop and its state is
    kept for the next run.

    \b
    Example:
        videre schedule
        videre schedule --list
        videre schedule --once --site nattfjaril
    """
    from videre.services.schedule import Scheduler, describe

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if sites and not once:
        raise click.UsageError("--site goes with --once; scheduled crawls use schedule.site_crons")
    for slug in sites:
        app.settings.site(slug)
    if once:
        sys.exit(_once(app, list(sites) or None))
    scheduler = Scheduler(app.settings, app.db)
    with stop_on_signals(scheduler.stop_event):
        changes = scheduler.start(paused=list_only)
        for change in changes:
            click.echo(f"jobs: {change}", err=True)
        for line in describe(scheduler.next_runs(), datetime.now(timezone.utc)):
            click.echo(line)
        if list_only:
            scheduler.stop()
            return
        # Wait in short steps: a signal handler runs only when the main thread is awake.
        while not scheduler.stop_event.wait(1.0):
            pass
        click.echo("stopping: waiting for the running job to end", err=True)
        scheduler.stop()
    click.echo("scheduler stopped", err=True)


def _once(app: App, sites: list[str] | None) -> int:
    from videre.services.nightly import nightly

    stop = threading.Event()
    with stop_on_signals(stop):
        report = nightly(app.settings, app.db, sites, stop=stop)
    click.echo(f"nightly run #{report.run_id}: {report.status}: {report.message}")
    for run in report.crawl_runs:
        click.echo(f"  {run.get('site')}: {run.get('status')}, {run.get('pages', 0)} pages, "
                   f"{run.get('ads_new', 0)} new, {run.get('ads_changed', 0)} changed, "
                   f"{run.get('ads_unchanged', 0)} unchanged, {run.get('ads_gone', 0)} gone")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")
    return 0 if report.status == "ok" else 1
