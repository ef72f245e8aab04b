"""`videre import FILE.jsonl...`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from videre.cli.main import App, pass_app
from videre.cli.progress import progress_bar


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def import_(app: App, files: tuple[Path, ...]) -> None:
    """Ingest ad records (JSON Lines, one ad a line) exactly as a crawl would:
    extract numbers and places, hash photos, store the ad and a new version when it changed.

    Bad lines are reported with their line number and skipped; the rest is still
    imported, and the exit status is 1 when any line was bad. It never runs
    beside a crawl, the nightly run or a purge.

    \b
    Example:
        videre import ads.jsonl
        videre import archive/2026-11-*.jsonl
    """
    from videre.store.jsonl_import import import_files
    from videre.store.oplock import OpsLock

    # Like a crawl, an import writes ads: never beside a crawl, the nightly run or a purge.
    with OpsLock(app.db, app.settings.path("locks"), purpose="import"), \
            progress_bar("importing") as tick:
        report = import_files(list(files), app.settings, app.db, on_line=tick)
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    for err in report.photo_errors[:20]:
        click.echo(f"photo skipped: {err}", err=True)
    if len(report.photo_errors) > 20:
        click.echo(f"... and {len(report.photo_errors) - 20} more photo errors", err=True)
    s = report.statuses
    click.echo(f"{report.lines} lines: {s.get('new', 0)} new, {s.get('changed', 0)} changed, "
               f"{s.get('unchanged', 0)} unchanged, {len(report.errors)} bad; {report.photos} photos")
    if report.errors:
        sys.exit(1)
