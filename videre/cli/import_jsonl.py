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

    Bad lines (not JSON, not UTF-8 or Unicode text, a missing url, a time out of
    range...) are reported with their line number and why, and skipped; the rest
    is still imported, and the exit status is 1 when any line was bad. NUL
    characters are removed with a warning. Photos given as paths are read only
    from inside the file's folder (regular files, within photos.max_bytes); a
    refused photo is reported and its ad still stored. Lines are written in
    batches of 500 (fewer past 16 MB), one transaction each: an import that was killed is resumed
    by running it again. It never runs beside a crawl, the nightly run or a purge.

    \b
    Example:
        videre import ads.jsonl
        videre import archive/2026-11-*.jsonl
    """
    from videre.store.jsonl_prepare import preparing

    # The workers start reading and extracting now; the database layer (SQLAlchemy, the models,
    # the schema check) loads meanwhile, and nothing is written before the lock is held.
    with preparing(list(files), app.settings) as prepared:
        from videre.store.jsonl_import import import_prepared
        from videre.store.oplock import OpsLock

        # Like a crawl, an import writes ads: never beside a crawl, the nightly run or a purge.
        with OpsLock(app.db, app.settings.path("locks"), purpose="import"), \
                progress_bar("importing") as tick:
            report = import_prepared(prepared, app.settings, app.db, on_line=tick)
    for err in report.errors:
        click.echo(f"bad line: {err}", err=True)
    if report.bad_lines > len(report.errors):
        click.echo(f"... and {report.bad_lines - len(report.errors)} more bad lines", err=True)
    _some("warning", report.warnings)
    _some("photo skipped", report.photo_errors)
    s = report.statuses
    click.echo(f"{report.lines} lines: {s.get('new', 0)} new, {s.get('changed', 0)} changed, "
               f"{s.get('unchanged', 0)} unchanged, {report.bad_lines} bad; {report.photos} photos")
    # The lock is released, the workers and the database closed and the report written: nothing
    # is left but the interpreter's teardown of what was loaded, which the user would wait for.
    app.end_at_once()
    if report.bad_lines:
        sys.exit(1)


def _some(label: str, messages: list[str], shown: int = 20) -> None:
    for message in messages[:shown]:
        click.echo(f"{label}: {message}", err=True)
    if len(messages) > shown:
        click.echo(f"... and {len(messages) - shown} more ({label})", err=True)
