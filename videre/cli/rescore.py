"""`videre rescore`"""

from __future__ import annotations

from pathlib import Path

import click

from videre.cli.main import App, pass_app


@click.command()
@click.option("--full", is_flag=True,
              help="recompute every ad's signals, not only those of ads that changed")
@click.option("--archive", "archives", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="first re-extract the ads in these WARC files (or folders of them), so that "
                   "new extraction rules reach old ads; repeatable")
@pass_app
def rescore(app: App, full: bool, archives: tuple[Path, ...]) -> None:
    """Re-link, re-cluster and re-score the stored ads. Analysts' labels,
    notes and assignments survive: clusters keep their ids while their
    membership mostly persists.

    Incremental by default: only ads that changed since their signals were
    computed are read again; the result is the same as with --full. It never
    runs beside a crawl, the nightly run or a purge.

    \b
    Example:
        videre rescore
        videre rescore --full
        videre rescore --archive var/archive/
    """
    from triage.rescore import rescore as run
    from videre.cli.progress import progress_bar
    from videre.store.oplock import OpsLock

    # Not beside a crawl, the nightly run or a purge: a purge deletes template words and photos
    # that a re-score running at the same time may be about to use.
    with OpsLock(app.db, app.settings.path("locks"), purpose="rescore"):
        if archives:
            from videre.store.archive_replay import replay_archives

            report = replay_archives(list(archives), app.settings, app.db, progress=progress_bar)
            click.echo(report.summary())
            for problem in report.problems[:20]:
                click.echo(f"skipped: {problem}", err=True)
        result = run(app.settings, app.db, full=full, progress=progress_bar)
    click.echo(f"{result.mode}: {result.ads} ads ({result.signals} re-read), {result.clusters} "
               f"clusters, {result.flagged} flagged, {result.hubs} hubs, {result.templates} "
               f"templates in {result.seconds:.1f}s")
