"""`videre crawl [SITE...]`"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from videre.cli.main import App, pass_app

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from crawler.process import CrawlResult

# rich is loaded where something is drawn: the crawl process is started before (start-up time,
# bench/README.md "Crawl").

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(errors.items()) if n) or "-"


def print_summary(result: "CrawlResult", console: Console | None = None) -> None:
    """One line per site: pages, ads new/changed/unchanged, photos, errors and seconds."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Piped output (logs, cron mail) gets room for every column instead of rich's 80.
    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    table = Table(title="Crawl", title_justify="left")
    for name, justify in (("site", "left"), ("status", "left"), ("pages", "right"), ("new", "right"),
                          ("changed", "right"), ("unchanged", "right"), ("photos", "right"),
                          ("errors", "left"), ("seconds", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "errors")  # type: ignore[arg-type]
    for run in result.runs:
        status = run["status"]
        colour = "green" if status == "ok" else "yellow" if status == "partial" else "red"
        table.add_row(escape(str(run["site"])), f"[{colour}]{escape(status)}[/]", str(run["pages"]),
                      str(run["ads_new"]), str(run["ads_changed"]), str(run["ads_unchanged"]),
                      str(run["photos"]), escape(_errors(run["errors"])),
                      "-" if run["seconds"] is None else f"{run['seconds']:.1f}")
    console.print(table)
    for run in result.runs:
        _print_details(console, run)
    if result.timed_out:
        console.print("[red]The crawl hit its time limit (crawl.run_timeout_s) and was stopped.[/]")
    elif not result.runs:
        console.print(f"[red]The crawl process ended ({result.returncode}) before any site started; "
                      "see the messages above.[/]")
    console.print(f"{result.seconds:.1f} s in all")


def _print_details(console: Console, run: dict[str, Any]) -> None:
    from rich.markup import escape

    notes = [*run.get("warnings", [])]
    if run.get("message") and run["status"] not in ("ok", "partial"):
        notes.append(run["message"])
    for note in notes:
        console.print(f"  {escape(str(run['site']))}: {escape(str(note))}")
    for sample in run.get("error_samples", [])[:3]:
        console.print(f"  {escape(str(run['site']))} {escape(sample.get('kind', ''))}: "
                      f"{escape(sample.get('message', ''))} ({escape(sample.get('where', ''))})")


class LiveProgress:
    """Per site, pages, ads and errors as the crawl goes, on a terminal only (stderr)."""

    def __init__(self) -> None:
        self.sites: dict[str, dict[str, Any]] = {}
        self.live: Any = None

    def __enter__(self) -> "LiveProgress":
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self._table(), console=Console(stderr=True), transient=True,
                             refresh_per_second=2)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)

    def update(self, event: dict[str, Any]) -> None:
        if event.get("event") != "progress":
            return
        self.sites[str(event.get("site"))] = event
        if self.live is not None:
            self.live.update(self._table())

    def _table(self) -> Table:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title="Crawling", title_justify="left")
        for name, justify in (("site", "left"), ("pages", "right"), ("ads", "right"), ("errors", "left")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for site, e in sorted(self.sites.items()):
            table.add_row(escape(site), str(e.get("pages", 0)), str(e.get("ads", 0)),
                          escape(_errors(e.get("errors") or {})))
        return table


@click.command()
@click.argument("sites", nargs=-1)
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=None,
              help="stop after this many seconds (default: crawl.run_timeout_s)")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default="WARNING",
              show_default=True, help="Scrapy's log on stderr")
@click.option("--distributed", is_flag=True,
              help="put the sites on the Redis queue for `videre worker`s instead of crawling here")
@click.option("--no-wait", is_flag=True, help="with --distributed: return once the sites are queued")
@pass_app
def crawl(app: App, sites: tuple[str, ...], timeout_s: float | None, log_level: str, distributed: bool,
          no_wait: bool) -> None:
    """Crawl the configured sites (all enabled ones by default) in a separate
    process: store new and changed ads, fetch and hash their photos, and archive
    every response as WARC under data_dir/archive. Each site's run is recorded
    with its counts and errors (see `videre runs`); while it runs, a terminal
    shows each site's pages, ads and errors, and its run row is kept up to
    date. Ad pages stored before and unchanged since are not downloaded again, so a crawl that was killed is
    resumed by running it again. It never runs beside the nightly run.

    With --distributed, each site becomes a job on the Redis queue (config
    `redis:`) that one of the running `videre worker`s takes; the command waits
    for them (at most --timeout, default crawl.run_timeout_s per round of
    sites) and prints the same summary. See docs/deploy.md.

    The exit status is 1 when a site failed (nothing stored, or stopped early).

    \b
    Example:
        videre crawl
        videre crawl nattfjaril kvallsros --log-level INFO
        videre crawl --distributed
    """
    if distributed:
        _crawl_distributed(app, sites, timeout_s, no_wait)
        return
    if no_wait:
        raise click.UsageError("--no-wait goes with --distributed")
    from crawler.process import CrawlChild, start_crawl

    live = LiveProgress()
    options: dict[str, Any] = {"timeout_s": timeout_s, "log_level": log_level.upper(), "stderr": sys.stderr,
                               "on_progress": live.update, "child_lock": None, "close_dead_runs": True}
    # The crawl process starts first, from the config file's path alone, and loads Scrapy and the
    # ORM while this one loads the settings and the database layer and takes the lock; it waits
    # for `finish` before it touches anything, and is ended if this one gives up before (an
    # unknown site, a busy lock). Without a config file the settings say why nothing can start.
    source = app.config_file()
    started = (CrawlChild(source, sites, **options) if source is not None
               else start_crawl(app.settings, sites, **options))
    with started as child:
        from videre.store.oplock import OpsLock

        settings = app.settings
        child.use(settings)
        # Never beside the nightly run or a purge (a busy lock is an error that says who holds it).
        # Under this lock the crawl process first closes the runs a killed crawl left open.
        with OpsLock(app.db, settings.path("locks"), purpose="crawl"), live:
            result = child.finish()
    print_summary(result)
    # The lock is released, the crawl process gone and the summary written: nothing is left but
    # the interpreter's teardown, which the user would wait for.
    app.end_at_once()
    if not result.ok:
        sys.exit(1)


def _crawl_distributed(app: App, sites: tuple[str, ...], timeout_s: float | None, no_wait: bool) -> None:
    import time

    from crawler.distributed import batch_result, open_queue

    queue = open_queue(app.settings)
    try:
        begun = time.monotonic()
        batch, slugs = queue.enqueue(sites)
        click.echo(f"queued {len(slugs)} site(s) as batch {batch}: {', '.join(slugs)}", err=True)
        if no_wait:
            return
        # Sites wait for a free worker, so the time limit counts a full crawl per site.
        limit = timeout_s if timeout_s is not None else app.settings.crawl.run_timeout_s * len(slugs)
        reports, missing = queue.wait(batch, slugs, limit)
    finally:
        queue.close()
    result = batch_result(reports, missing, time.monotonic() - begun)
    print_summary(result)
    for report in reports:
        click.echo(f"  {report['site']}: crawled by worker {report['worker']}", err=True)
    if missing:
        click.echo(f"not finished within the time limit (still queued or crawling): {', '.join(missing)}",
                   err=True)
    if not result.ok:
        sys.exit(1)
