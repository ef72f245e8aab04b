"""The schema check: the cheap comparison with the migration files agrees with Alembic, and a
database behind it is still migrated."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from alembic import command
from videre.store.db import _AT_HEAD, Database, alembic_config, head_revision


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_database_behind_the_head_is_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    first = ScriptDirectory.from_config(alembic_config(url)).get_base()
    assert first != head_revision()
    command.upgrade(alembic_config(url), first)
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            assert conn.execute(text("SELECT count(*) FROM login_throttles")).scalar() == 0
    finally:
        db.dispose()
        _AT_HEAD.discard(url)


def test_a_new_database_gets_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    finally:
        db.dispose()
        _AT_HEAD.discard(url)
