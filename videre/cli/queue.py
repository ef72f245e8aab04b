"""`videre queue list|show`"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.review import STATUSES
from videre.cli.main import App, pass_app


@click.group()
def queue() -> None:
    """The flagged queue, highest score first.

    \b
    Example:
        videre queue list --limit 10
        videre queue show 3
    """


@queue.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="0 for all")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@pass_app
def list_(app: App, fmt: str, limit: int, status: str | None) -> None:
    """List flagged items, highest score first.

    Each item lists every one of its ad URLs ("ads", uncapped) and their number ("ad_count").

    \b
    Example:
        videre queue list --format jsonl --limit 20 --status new
    """
    from triage.photo_labels import photo_ids, photo_shas
    from triage.queue import list_items

    with app.db.session() as s:
        items = list_items(s, limit=limit or None, status=status)
        photos = photo_ids(s, photo_shas(r for i in items for r in i["reasons"])) if fmt == "table" else {}
    if fmt == "jsonl":
        for item in items:
            click.echo(json.dumps(item, ensure_ascii=False))
    elif fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        _table(items, photos)


def _table(items: list[dict[str, Any]], photos: dict[str, int]) -> None:
    from triage.photo_labels import relabel

    table = Table(title="Videre queue")
    for col in ("id", "score", "status", "ads", "phones", "cities", "top reason"):
        table.add_column(col, overflow="fold")
    for i in items:
        # Photos by their short label (P17), as on the item page, not by a 64-hex SHA-256.
        top = relabel(max(i["reasons"], key=lambda r: r["weight"]), photos)["text"] if i["reasons"] else ""
        # Ad-derived strings are escaped so that rich never interprets them as markup.
        table.add_row(str(i["id"]), f"{i['score']:.2f}", i["status"], str(len(i["ads"])),
                      escape(", ".join(i["phones"][:3])), escape(", ".join(i["cities"][:4])), escape(top))
    Console().print(table)


@queue.command()
@click.argument("item_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def show(app: App, item_id: int, fmt: str) -> None:
    """One item with its ads, photos, timeline and reasons.

    \b
    Example:
        videre queue show 3 --format json
    """
    from triage.photo_labels import photo_ids, photo_shas, relabel, short_label
    from triage.queue import show_item

    with app.db.session() as s:
        item = show_item(s, item_id)
        photos = photo_ids(s, photo_shas(item["reasons"]))
    if fmt == "json":
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(f"[bold]Item {item['id']}[/] score {item['score']:.2f} status {item['status']}")
    console.print("[bold]Reasons[/]")
    for r in item["reasons"]:
        console.print(f"  {r['weight']:+.2f} {escape(r['code'])}: {escape(relabel(r, photos)['text'])}")
    console.print("[bold]Timeline[/]")
    for t in item["timeline"]:
        console.print(f"  {t['when'] or '?':25} {escape(t['city'] or '?'):15} {escape(t['name'] or '')}")
    console.print(f"[bold]Ads[/] ({len(item['ads'])})")
    for a in item["ads"]:
        console.print(f"  {escape(a['url'])}\n    {escape(a['title'][:100])} | "
                      f"{escape(', '.join(a['phones']))} | photos {' '.join(short_label(p['id']) for p in a['photos'])}")
