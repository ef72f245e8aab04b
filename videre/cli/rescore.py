"""`videre rescore`"""

from __future__ import annotations

import click

from videre.cli.main import App, pass_app


@click.command()
@click.option("--full", is_flag=True, help="re-link and re-score everything, not only what changed")
@pass_app
def rescore(app: App, full: bool) -> None:
    """Re-link, re-cluster and re-score the stored ads. Analysts' labels,
    notes and assignments survive: clusters keep their ids while their
    membership mostly persists.

    \b
    Example:
        videre rescore
        videre rescore --full
    """
    from triage.rescore import rescore as run

    result = run(app.settings, app.db, full=full)
    click.echo(f"{result.ads} ads, {result.clusters} clusters, {result.flagged} flagged, "
               f"{result.hubs} hubs in {result.seconds:.1f}s")
