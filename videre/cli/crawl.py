"""`videre crawl [SITE...]`"""

from __future__ import annotations

import sys

import click

from crawler.process import LOG_LEVELS
from videre.cli.main import App, pass_app


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
    """Crawl the configured sites (all enabled ones by default): store new and
    changed ads, fetch and hash their photos, and archive
    every response as WARC under data_dir/archive. Each site's run is recorded
    with its counts and errors (see `videre runs`); while it runs, a terminal
    shows each site's pages, ads and errors, and its run row is kept up to
    date. Ad pages stored before and unchanged since are not downloaded again, so a crawl that was killed is
    resumed by running it again. It never runs beside the nightly run. The
    command becomes the crawl process: stopping or killing it stops the crawl.

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
    from crawler.process import one_shot_argv

    # One process does the rest: the settings, the schema check, the ops lock, the crawl and the
    # summary, each loaded once (start-up time, docs/architecture.md "The processes of one crawl").
    app.hand_over(one_shot_argv(app.config_file(), sites, timeout_s=timeout_s, log_level=log_level.upper()))


def _crawl_distributed(app: App, sites: tuple[str, ...], timeout_s: float | None, no_wait: bool) -> None:
    import time

    from crawler.distributed import batch_result, open_queue
    from crawler.report import print_summary

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
