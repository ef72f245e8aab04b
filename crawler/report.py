"""The crawl's report on a terminal: each site's progress while it runs, and the summary table at
the end, drawn with rich (loaded only when something is drawn: start-up time, bench/README.md
"Crawl"). Printed by the one-shot crawl process (`videre crawl`) and by `videre crawl
--distributed`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from crawler.process import CrawlResult


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
