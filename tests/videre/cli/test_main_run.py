"""The console script's end (`videre.cli.main.run`): at once for a command that asked, with its
output flushed and its exit status kept; the interpreter's usual end for every other command."""

from __future__ import annotations

import sys
from typing import NoReturn

import pytest

import videre.cli.main as cli_main
from videre.cli.main import App
from videre.core import fast_exit


class Ended(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _os_exit(code: int) -> NoReturn:
    raise Ended(code)


@pytest.mark.parametrize("status", [0, 1])
def test_a_command_that_asked_ends_at_once_with_its_status_and_output(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], status: int) -> None:
    def command() -> None:
        print("summary", end="")
        App(None).end_at_once()
        sys.exit(status)

    monkeypatch.setattr(cli_main, "main", command)
    monkeypatch.setattr(fast_exit.os, "_exit", _os_exit)
    with pytest.raises(Ended) as ended:
        cli_main.run()
    assert ended.value.code == status
    assert capsys.readouterr().out == "summary"


def test_any_other_command_ends_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    def command() -> None:
        sys.exit(3)

    monkeypatch.setattr(cli_main, "main", command)
    monkeypatch.setattr(fast_exit.os, "_exit", _os_exit)
    cli_main._END_AT_ONCE.set()  # left over from an earlier command in this process: not this one's
    with pytest.raises(SystemExit) as ended:
        cli_main.run()
    assert ended.value.code == 3
