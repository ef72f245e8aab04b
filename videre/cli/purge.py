"""`videre purge [--dry-run]`"""

from __future__ import annotations

import json

import click

from videre.cli.main import App, pass_app


@click.command()
@click.option("--dry-run", is_flag=True, help="show what would be purged; change nothing")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def purge(app: App, dry_run: bool, fmt: str) -> None:
    """Purge what is older than retention.days (config.yaml), unless it is
    attached to a queue item whose status is in retention.keep_statuses
    (default: in_review, escalated).

    Ads last seen before the cutoff go with their versions, links and triage
    signals; old versions of ads still online; photos (thumbnails, kept
    originals), phone numbers, templates and template words no ad uses any
    more; queue items (with notes and history) of groups with no ad left;
    run history, WARC archives and screenshots older than the cutoff. An old archive
    holding an attached ad is cut down to that ad's pages. Each purge is
    written to the audit log with its counts.

    \b
    Example:
        videre purge --dry-run
        videre purge
    """
    from videre.services.retention import purge as run
    from videre.services.retention import summary

    report = run(app.settings, app.db, dry_run=dry_run)
    plan = report.plan
    counts = plan.counts()
    if fmt == "json":
        click.echo(json.dumps({"dry_run": dry_run, "cutoff": plan.cutoff.isoformat(), "counts": counts,
                               "files": [str(p) for p in plan.files.delete],
                               "archives_trimmed": [str(p) for p in plan.files.trim],
                               "sample_ads": plan.sample_urls, "problems": list(report.problems)},
                              ensure_ascii=False, indent=2))
        return
    verb = "would purge" if dry_run else "purged"
    click.echo(f"retention {app.settings.retention.days} days: cutoff {plan.cutoff:%Y-%m-%d %H:%M} UTC")
    click.echo(f"{verb}: {summary(counts)}; {counts['bytes_freed'] / 1e6:.1f} MB of files")
    if dry_run:
        for url in plan.sample_urls:
            click.echo(f"  ad {url}")
        for path in [*plan.files.delete[:20], *plan.files.trim[:20]]:
            click.echo(f"  file {path}{' (cut down)' if path in plan.files.trim else ''}")
    else:
        click.echo(f"recorded as run #{report.run_id} and in the audit log")
    for problem in report.problems:
        click.echo(f"  problem: {problem}", err=True)
