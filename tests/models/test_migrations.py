"""The Alembic migrations create exactly the schema the models describe, on both dialects, and a
new database made from the models directly (videre.store.migration_lock.create_schema) has the
same schema as one the migrations made."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models
from models.ads import Ad
from tests.conftest import pg_database
from videre.store.db import SCHEMA_HEAD, Database, alembic_config, make_engine, upgrade
from videre.store.migration_lock import migration_engine

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


def _by_alembic(url: str, revision: str = "head") -> None:
    """Run the migrations themselves on `url`, as an upgrade of an older database does."""
    engine = make_engine(url)
    with migration_engine(engine) as target, target.connect() as conn:
        if revision == "head":
            upgrade(conn, url)
        else:
            from alembic import command

            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    engine.dispose()


def _schema(url: str) -> dict[str, object]:
    """Everything the inspector sees of each table, in a comparable form."""
    engine = make_engine(url)
    out: dict[str, object] = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in sorted(inspector.get_table_names()):
            out[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                            for c in inspector.get_columns(table)],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted((fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                               tuple(fk["referred_columns"]), str(fk.get("options")))
                              for fk in inspector.get_foreign_keys(table)),
                "indexes": sorted((ix["name"], tuple(map(str, ix["column_names"])), bool(ix["unique"]))
                                  for ix in inspector.get_indexes(table)),
                "uniques": sorted((u["name"] or "", tuple(u["column_names"]))
                                  for u in inspector.get_unique_constraints(table)),
            }
        if engine.dialect.name == "sqlite":
            out["sqlite_master"] = sorted(tuple(r) for r in conn.execute(sa.text(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")))
        out["alembic_version"] = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    return out


def test_a_new_database_made_from_the_models_equals_one_the_migrations_made(tmp_path: Path) -> None:
    by_models, by_migrations = f"sqlite:///{tmp_path / 'models.db'}", f"sqlite:///{tmp_path / 'alembic.db'}"
    Database(by_models).dispose()
    _by_alembic(by_migrations)
    made = _schema(by_models)
    assert made == _schema(by_migrations)
    assert made["alembic_version"] == [SCHEMA_HEAD]


@pytest.mark.postgres
def test_a_new_postgres_database_made_from_the_models_equals_one_the_migrations_made(pg_url: str) -> None:
    Database(pg_url).dispose()
    with pg_database() as other:
        _by_alembic(other)
        assert _schema(pg_url) == _schema(other)


def test_the_migrations_themselves_make_the_models_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'alembic.db'}"
    _by_alembic(url)
    db = Database(url)
    assert _diff(db) == []
    assert _sqlite_expression_indexes(db) == EXPRESSION_INDEXES
    db.dispose()


def test_an_older_database_is_upgraded_by_its_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _by_alembic(url, "0002_throttles")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert "cluster_summaries" not in sa.inspect(conn).get_table_names()
    engine.dispose()
    db = Database(url)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]
    assert _diff(db) == []
    assert _sqlite_expression_indexes(db) == EXPRESSION_INDEXES
    db.dispose()


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
