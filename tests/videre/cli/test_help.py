"""Every command and sub-command has --help with an example (docs/cli.md)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from videre.cli.main import COMMANDS, main


def _all_commands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    ctx = click.Context(main)
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert cmd is not None, name
        found.append((name,))
        if isinstance(cmd, click.Group):
            found.extend((name, sub) for sub in cmd.list_commands(ctx))
    return found


@pytest.mark.parametrize("path", _all_commands(), ids=" ".join)
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert "videre " + path[0] in result.output


def test_top_level_help_lists_the_contract_commands() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    for name in ("demo", "crawl", "import", "extract", "images", "rescore", "queue", "serve", "schedule"):
        assert name in out
