"""The Alembic migrations create exactly the schema the models describe, on both dialects."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models
from models.ads import Ad
from videre.store.db import Database

# The ads indexes the model declares over an expression (the item page's), which SQLite cannot reflect.
EXPRESSION_INDEXES = {ix.name for ix in Ad.__table__.indexes
                      if not all(isinstance(e, sa.Column) for e in ix.expressions)}


def _diff(db: Database) -> list:
    with db.engine.connect() as conn, warnings.catch_warnings():
        if db.dialect == "sqlite":
            # SQLite cannot reflect indexes on expressions, so Alembic skips comparing them (and
            # says so); _sqlite_expression_indexes checks they exist.
            warnings.filterwarnings("ignore", message=".*expression-based index")
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, models.Base.metadata)


def _sqlite_expression_indexes(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'index' "
                                         "AND tbl_name = 'ads'")).scalars()) & EXPRESSION_INDEXES


def test_fresh_sqlite_database_is_migrated_and_matches_models(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(models.Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert _diff(db) == []
    assert _sqlite_expression_indexes(db) == EXPRESSION_INDEXES
    db.dispose()


@pytest.mark.postgres
def test_fresh_postgres_database_is_migrated_and_matches_models(pg_url: str) -> None:
    db = Database(pg_url)
    assert set(models.Base.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())
    assert _diff(db) == []
    db.dispose()


def test_second_open_does_not_migrate_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    Database(url).dispose()
    db = Database(url)
    with db.engine.connect() as conn:
        versions = conn.execute(sa.text("select version_num from alembic_version")).scalars().all()
    assert len(versions) == 1
    db.dispose()


@pytest.mark.postgres
def test_processes_opening_a_new_postgres_database_together_migrate_it_once(pg_url: str) -> None:
    # As N workers do when they start at the same time on a new installation.
    import subprocess
    import sys

    code = "import sys; from videre.store.db import Database; Database(sys.argv[1]).dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    db = Database(pg_url)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from alembic_version")).scalar_one() == 1
    assert _diff(db) == []
    db.dispose()
