"""`videre worker`: join a distributed crawl."""

from __future__ import annotations

import logging

import click

from crawler.process import LOG_LEVELS
from videre.cli.main import App, pass_app
from videre.cli.schedule import stop_on_signals


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 32), default=1, show_default=True,
              help="sites this worker crawls at the same time")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default="WARNING",
              show_default=True, help="the worker's and its crawls' log on stderr")
@pass_app
def worker(app: App, concurrency: int, log_level: str) -> None:
    """Take sites from the crawl queue in Redis (config `redis:`) and crawl them
    into the configured database, until stopped. Start one or more on each
    machine; `videre crawl --distributed` puts the sites on the queue.

    A worker that dies leaves its site to the others after
    redis.heartbeat_timeout_s; SIGTERM (systemctl stop) lets the running crawl
    close and puts its site back on the queue. See docs/deploy.md.

    \b
    Example:
        videre worker
        videre --config /etc/videre/config.yaml worker --concurrency 2
    """
    from crawler.distributed import Worker

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runner = Worker(app.settings, concurrency=concurrency, log_level=log_level.upper())
    click.echo(f"worker {runner.name} waiting for sites on {app.settings.redis.key_prefix}:crawl", err=True)
    with stop_on_signals(runner.stop):
        runner.run()
    click.echo(f"worker {runner.name} stopped", err=True)
