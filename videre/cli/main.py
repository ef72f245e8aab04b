"""The `videre` console script: global options, then lazily loaded sub-commands."""

from __future__ import annotations

import importlib
import os
import sys
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from videre.core.errors import VidereError
from videre.core.fast_exit import exit_now

if TYPE_CHECKING:
    from videre.core.config import Settings

# The settings (pydantic) load where a command first asks for them: `videre crawl` starts its
# crawl process from the config file's path before (bench/README.md, crawl).

# name -> "module:attribute". Loaded on use so that `videre extract` does not import Scrapy.
COMMANDS: dict[str, str] = {
    "demo": "videre.cli.demo:demo",
    "crawl": "videre.cli.crawl:crawl",
    "import": "videre.cli.import_jsonl:import_",
    "extract": "videre.cli.extract:extract",
    "images": "videre.cli.images:images",
    "rescore": "videre.cli.rescore:rescore",
    "queue": "videre.cli.queue:queue",
    "serve": "videre.cli.serve:serve",
    "users": "videre.cli.users:users",
    "schedule": "videre.cli.schedule:schedule",
    "purge": "videre.cli.purge:purge",
    "runs": "videre.cli.runs:runs",
    "site": "videre.cli.site:site",
    "worker": "videre.cli.worker:worker",
}


# Set by a command that has closed everything it opened (App.end_at_once).
_END_AT_ONCE = threading.Event()
# Set by the console script (`run`): this process is the user's command, which a command may turn
# into another program (App.hand_over).
_CONSOLE_SCRIPT = threading.Event()


class App:
    """What every command gets: the settings, loaded once, and the database, opened on first use."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path

    def end_at_once(self) -> None:
        """Close the database, and let the console script end without the interpreter's teardown
        once this command returns (`run`): about 0.1-0.2 s of freeing what the command loaded,
        which a user waits for (bench/README.md, crawl). Only for a command that has closed or
        flushed everything else it opened and runs no threads of its own."""
        if "db" in self.__dict__:
            self.db.dispose()
        _END_AT_ONCE.set()

    def hand_over(self, argv: list[str]) -> NoReturn:
        """Let a Python program (`argv[0]` is this interpreter) do the rest of this command, with its
        exit status. Run as the console script, this process becomes that program (exec): its
        output is the user's, signals reach it, and no idle parent is left. Called in a process of
        its own (tests, `CliRunner`), the program runs as a child and its output is passed on."""
        if "db" in self.__dict__:
            self.db.dispose()
        if _CONSOLE_SCRIPT.is_set():
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os.execv(argv[0], argv)
        import subprocess

        done = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace")
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)

    def config_file(self) -> Path | None:
        """The config file the settings come from, found without loading it; None if there is none."""
        from videre.core.config_file import config_path

        path = config_path(self.config_path)
        return path.resolve() if path.is_file() else None

    @cached_property
    def settings(self) -> Settings:
        from videre.core.config import load_settings

        return load_settings(self.config_path)

    @cached_property
    def db(self) -> Any:
        from videre.store.db import Database

        return Database.from_settings(self.settings)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context) -> Any:
        # The one place where Videre's own errors become a message and an exit status.
        try:
            return super().invoke(ctx)
        except VidereError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="config file (default ./config.yaml, env VIDERE_CONFIG)")
@click.version_option(package_name="videre")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Videre: crawl escort-ad sites, link ads that share numbers, photos and templates,
    and queue likely organised activity for analysts.

    \b
    Example:
        videre demo
        videre --config config.yaml queue list --limit 10
    """
    ctx.obj = App(str(config_path) if config_path else None)


pass_app = click.make_pass_decorator(App)


def run() -> None:
    """The `videre` console script: `main`, then, for a command that asked (App.end_at_once), an
    exit that skips the interpreter's teardown once the output and the logs are flushed."""
    _END_AT_ONCE.clear()
    _CONSOLE_SCRIPT.set()
    try:
        main()
    except SystemExit as exc:
        if not _END_AT_ONCE.is_set() or not isinstance(exc.code, int | None):
            raise
        code = exc.code or 0
    else:  # not reached in click's standalone mode, which always ends with SystemExit
        return
    exit_now(code)
