"""`videre runs [ID]`"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.ops import RUN_KINDS
from videre.cli.main import App, pass_app
from videre.services.run_history import STATUS_MEANING, RunView


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m-%d %H:%M") if at else "-"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m{secs:02d}s"


def _errors(errors: dict[str, int]) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(errors.items()) if v)


@click.command()
@click.argument("run_id", type=int, required=False)
@click.option("--limit", type=click.IntRange(min=0), default=30, show_default=True, help="0 for all")
@click.option("--site", default=None, help="only this site's runs")
@click.option("--kind", type=click.Choice(RUN_KINDS), default=None)
@click.option("--status", type=click.Choice(sorted(STATUS_MEANING)), default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True)
@pass_app
def runs(app: App, run_id: int | None, limit: int, site: str | None, kind: str | None,
         status: str | None, fmt: str) -> None:
    """The run history, newest first: crawls (one per site), re-scores,
    nightly runs, imports and purges, with their counts, errors by kind and
    warnings. A crawl flagged "site changed?" means its ad count dropped or its
    parser left key fields empty: check the site's selectors. Give a RUN_ID
    to see one run in full, with error samples.

    \b
    Statuses:
      running      still going, or its process died
      ok           finished without errors
      partial      finished, with errors or warnings worth a look
      failed       could not do its work
      killed       its process ended without closing the run (crash, SIGKILL,
                   time limit); the next crawl resumes where it stopped
      interrupted  stopped on request (SIGTERM)
      skipped      did not start: another run held the lock, or the
                   scheduler was down past schedule.misfire_grace_s

    \b
    Example:
        videre runs --limit 10
        videre runs --kind crawl --site nattfjaril --format jsonl
        videre runs 42
    """
    from videre.services.run_history import get_run, recent_runs
    from videre.services.schedule import zone

    tz = zone(app.settings)
    with app.db.session() as s:
        views = [get_run(s, run_id)] if run_id is not None else \
            recent_runs(s, limit or None, site=site, kind=kind, status=status)
    if fmt == "jsonl":
        for v in views:
            click.echo(json.dumps(v.to_json(), ensure_ascii=False))
    elif fmt == "json":
        click.echo(json.dumps([v.to_json() for v in views], ensure_ascii=False, indent=2))
    elif run_id is not None:
        _detail(views[0], tz)
    else:
        _table(views, tz)


def _ads(v: RunView) -> str:
    return f"+{v.ads_new} ~{v.ads_changed} ={v.ads_unchanged} -{v.ads_gone}"


def _table(views: list[RunView], tz: ZoneInfo) -> None:
    table = Table(title=f"Videre runs (times {tz.key}; ads: +new ~changed =unchanged -gone)")
    for col in ("id", "kind", "site", "started", "took", "status", "pages", "ads", "photos"):
        table.add_column(col, no_wrap=True, justify="right" if col in ("id", "pages", "photos") else "left")
    table.add_column("errors / warnings", overflow="fold")
    for v in views:
        style = {"failed": "red", "killed": "red", "partial": "yellow", "skipped": "yellow",
                 "interrupted": "yellow"}.get(v.status, "")
        notes = [_errors(v.errors)] if v.errors else []
        if v.warnings:
            notes.append(v.warnings[0][:160] + (f" (+{len(v.warnings) - 1} more)" if len(v.warnings) > 1 else ""))
        elif v.status not in ("ok", "running") and v.message:
            notes.append(v.message[:160])
        status = f"[{style}]{v.status}[/]" if style else v.status
        if v.site_changed:
            status += " [bold red]site changed?[/]"
        table.add_row(str(v.id), v.kind, escape(v.site or ""), _when(v.started_at, tz), _duration(v.seconds),
                      status, str(v.pages), _ads(v), str(v.photos), escape("; ".join(notes)))
    console = Console()
    # Piped into a log or a mail, the table keeps its columns instead of the default 80.
    (console if console.is_terminal else Console(width=160)).print(table)


def _detail(v: RunView, tz: ZoneInfo) -> None:
    console = Console()
    console.print(f"[bold]Run {v.id}[/] {v.kind} {escape(v.site or '')} [bold]{v.status}[/]"
                  + (" [bold red]site changed?[/]" if v.site_changed else ""))
    console.print(f"  {_when(v.started_at, tz)} -> {_when(v.finished_at, tz)} ({_duration(v.seconds)})")
    console.print(f"  pages {v.pages}; ads new {v.ads_new}, changed {v.ads_changed}, unchanged "
                  f"{v.ads_unchanged}, gone {v.ads_gone}; photos {v.photos}")
    if v.message:
        console.print(f"  {escape(v.message)}")
    if v.errors:
        console.print(f"[bold]Errors[/] {escape(_errors(v.errors))}")
        for sample in v.error_samples:
            console.print(f"  {escape(str(sample.get('kind')))} {escape(str(sample.get('where')))}: "
                          f"{escape(str(sample.get('message')))}")
    if v.warnings:
        console.print("[bold]Warnings[/]")
        for w in v.warnings:
            console.print(f"  {escape(w)}")
