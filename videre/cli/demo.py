"""`videre demo`: the whole path once, on synthetic sites served on 127.0.0.1."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click

from videre.cli.main import App, pass_app
from videre.core.config import Settings
from videre.core.errors import ConfigError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def demo_ports(settings: Settings, slugs: list[str]) -> dict[str, int]:
    """The ports the demo sites must listen on, read from their start URLs in config.yaml.

    Refuses any demo site whose start URL is not on loopback: the demo never leaves this machine.
    """
    ports: dict[str, int] = {}
    for slug in slugs:
        site = settings.site(slug)
        for url in site.start_urls:
            parts = urlsplit(url)
            if parts.hostname not in LOOPBACK:
                raise ConfigError(f"demo site {slug!r} points at {parts.hostname!r}; "
                                  "the demo only runs on 127.0.0.1")
            ports[slug] = parts.port or 80
    return ports


@click.command()
@click.option("--seed", type=int, default=7, show_default=True, help="seed of the synthetic world")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="serve the web UI when done (until Ctrl-C)")
@click.option("--top", type=int, default=10, show_default=True, help="queue items to print")
@pass_app
def demo(app: App, seed: int, serve: bool, top: int) -> None:
    """Start the bundled demo sites on 127.0.0.1, crawl them, re-score, print the
    top of the queue and serve the UI at http://127.0.0.1:8000.

    The sites, people and photos are synthetic; nothing leaves this machine.

    \b
    Example:
        videre demo
        videre demo --seed 3 --no-serve
    """
    from crawler.process import crawl_in_subprocess
    from crawler.report import print_summary
    from triage.rescore import rescore
    from videre.cli.queue import list_ as queue_list
    from videre.demo.generate import generate_world
    from videre.demo.sites import SITES, serve_demo
    from videre.store.oplock import OpsLock

    if app.settings.source is None:
        _write_example_config(app)
    settings = app.settings
    slugs = [s.slug for s in settings.sites if s.slug in SITES]
    if not slugs:
        raise ConfigError("config.yaml lists none of the demo sites (nattfjaril, kvallsros, vastkontakt)")
    ports = demo_ports(settings, slugs)
    app.db  # noqa: B018  (opening it creates or migrates the schema before the crawl processes start)
    click.echo(f"Generating the demo world (seed {seed}) and serving {len(slugs)} sites on 127.0.0.1 …")
    world = generate_world(seed)
    with serve_demo(world, ports) as sites:
        for slug, base in sites.base_urls.items():
            click.echo(f"  {slug:12} {base}")
        click.echo("Crawling …")
        # Every crawl runs under the ops lock, so a run left open is known to be dead.
        with OpsLock(app.db, settings.path("locks"), purpose="demo crawl"):
            result = crawl_in_subprocess(settings, slugs, stderr=sys.stderr)
        print_summary(result)
        if not result.ok:
            raise click.ClickException("the demo crawl did not finish cleanly; see the summary above")
        outcome = rescore(settings, app.db, full=True)
        click.echo(f"Re-scored {outcome.ads} ads: {outcome.clusters} clusters, {outcome.flagged} flagged, "
                   f"{outcome.hubs} hubs.")
        click.get_current_context().invoke(queue_list, fmt="table", limit=top, status=None)
        if serve:
            _demo_account(app)
            _serve(app)


def _write_example_config(app: App) -> None:
    """No config file in use: the bundled example (whose sites are the demo's) becomes ./config.yaml,
    so that `videre serve` and `videre queue list` in this folder see what the demo stored."""
    from importlib import resources

    from videre.core.config import DEFAULT_CONFIG, load_settings

    example = resources.files("videre").joinpath("config.example.yaml").read_text("utf-8")
    DEFAULT_CONFIG.write_text(example, encoding="utf-8")
    click.echo(f"No config file here: wrote the bundled example to {DEFAULT_CONFIG.resolve()}.")
    app.settings = load_settings(DEFAULT_CONFIG)


def _demo_account(app: App) -> None:
    """A lead account for trying the UI. Its password is random and printed once: no defaults."""
    import secrets

    from sqlalchemy import select

    from models.users import User
    from videre.services.accounts import add_user, set_password

    password = secrets.token_urlsafe(12)
    minimum = app.settings.web.min_password_length
    with app.db.session() as s:
        user = s.execute(select(User).where(User.username == "demo")).scalar_one_or_none()
        if user is None:
            add_user(s, "demo", password, "lead", minimum)
        else:
            set_password(s, user, password, minimum)
    click.echo(f"Sign in as 'demo' with the password {password} (a lead account, for this demo only).")


def _serve(app: App) -> None:
    import uvicorn

    from videre.web.app import create_app, server_options

    web = app.settings.web
    click.echo(f"Serving the analysts' UI on http://{web.host}:{web.port} (Ctrl-C to stop).")
    uvicorn.run(create_app(app.settings, app.db), host=web.host, port=web.port, log_level="warning",
                **server_options(web))
