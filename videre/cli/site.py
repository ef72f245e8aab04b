"""`videre site try SLUG URL`"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from videre.cli.main import App, pass_app

MAX_SHOWN = 300


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + f"… ({len(text)} chars)"


@click.group()
def site() -> None:
    """Work on one site's entry in config.yaml (see docs/sites.md).

    \b
    Example:
        videre site try nattljus http://127.0.0.1:8704/profil/n001
    """


@site.command("try")
@click.argument("slug")
@click.argument("url")
@click.option("--listing", is_flag=True, help="read URL as a listing page (links, next page, cards)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def try_(app: App, slug: str, url: str, listing: bool, fmt: str) -> None:
    """Fetch one page with the site's setup (cookies, headers, gate, browser
    steps), run its selectors, and print the record, each field's raw match
    and every warning. Nothing is stored.

    \b
    Example:
        videre site try nattljus http://127.0.0.1:8704/profil/n001
        videre site try nattljus 'http://127.0.0.1:8704/annonser?offset=0&limit=12' --listing
        videre site try nattljus URL --format json | jq .records
    """
    from crawler.spiders import check_site
    from crawler.trial import try_page

    settings = app.settings
    site_settings = settings.site(slug)
    check_site(site_settings)
    trial = try_page(settings, site_settings, url, listing=listing)
    if fmt == "json":
        click.echo(json.dumps(trial.as_json(), ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    console.print(f"{escape(url)}: HTTP {trial.status}")
    record = trial.records[0] if len(trial.records) == 1 else {}
    table = Table(title="fields" if not listing else "listing", title_justify="left")
    for name in ("field", "raw match", "value"):
        table.add_column(name, overflow="fold")
    for name, raw in trial.raw.items():
        table.add_row(escape(name), escape(_short(raw)), escape(_short(record.get(name, ""))))
    if not listing:
        for name in [n for n in ("url", "posted_at") if n not in trial.raw]:
            table.add_row(escape(name), "", escape(_short(record.get(name, ""))))
    console.print(table)
    if listing:
        console.print(f"{len(trial.links)} links; next: {escape(str(trial.next_url))}")
        for link in trial.links[:10]:
            console.print(f"  {escape(link)}")
    if len(trial.records) > 1:
        console.print(f"{len(trial.records)} records (use --format json to see them all)")
    for warning in trial.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if not trial.warnings:
        console.print("[green]no warnings[/]")
