"""`videre users`: accounts from the command line, argon2 hashes, no default passwords."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from models.users import User
from videre.cli.main import main
from videre.store.db import Database

PASSWORD = "ett långt lösenord 42"


def _run(tmp_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    cfg = tmp_path / "config.yaml"
    if not cfg.exists():
        cfg.write_text(f"database:\n  url: sqlite:///{tmp_path / 'v.db'}\n")
    result = CliRunner().invoke(main, ["--config", str(cfg), "users", *args], input=stdin)
    return result.exit_code, result.output


def test_no_accounts_until_the_first_admin_is_added(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "list")
    assert code == 0 and "no accounts" in out and "--role admin" in out
    code, out = _run(tmp_path, "add", "Anna", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "added anna (admin)" in out
    code, out = _run(tmp_path, "list", "--format", "json")
    [row] = json.loads(out)
    assert row["username"] == "anna" and row["role"] == "admin" and row["language"] == "sv" and not row["disabled"]
    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    with db.session() as s:
        stored = s.execute(select(User.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    db.dispose()


def test_password_from_the_prompt_must_be_confirmed(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "add", "bo", "--role", "analyst", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "added bo" in out


def test_weak_passwords_and_bad_names_are_refused(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "add", "bo", "--role", "analyst", "--password-stdin", stdin="kort\n")
    assert code == 2 and "at least 12 characters" in out
    code, out = _run(tmp_path, "add", "bo bo", "--role", "analyst", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2 and "username" in out
    code, out = _run(tmp_path, "add", "bo", "--role", "king", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    _run(tmp_path, "add", "bo", "--role", "analyst", "--password-stdin", stdin=PASSWORD + "\n")
    code, out = _run(tmp_path, "add", "BO", "--role", "lead", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2 and "taken" in out


def test_disable_enable_and_reset_password(tmp_path: Path) -> None:
    _run(tmp_path, "add", "bo", "--role", "lead", "--password-stdin", stdin=PASSWORD + "\n")
    assert _run(tmp_path, "disable", "bo")[0] == 0
    assert json.loads(_run(tmp_path, "list", "--format", "json")[1])[0]["disabled"] is True
    assert _run(tmp_path, "enable", "bo")[0] == 0
    code, out = _run(tmp_path, "reset-password", "bo", "--password-stdin", stdin="ett annat långt lösenord\n")
    assert code == 0 and "reset" in out
    from videre.services.accounts import authenticate

    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    with db.session() as s:
        assert authenticate(s, "bo", PASSWORD) is None
        assert authenticate(s, "bo", "ett annat långt lösenord") is not None
    db.dispose()
    code, out = _run(tmp_path, "disable", "nobody")
    assert code == 2 and "no user" in out
