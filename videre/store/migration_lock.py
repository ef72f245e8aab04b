"""What makes a migration all-or-nothing and one-at-a-time on both backends.

- PostgreSQL has transactional DDL; a session advisory lock serialises processes.
- SQLite does too, but Python's sqlite3 driver commits before each CREATE TABLE on its own. The
  migration runs on its own engine with the driver's transaction handling off and an explicit
  BEGIN IMMEDIATE, so that each migration is one real transaction (the SQLAlchemy pysqlite
  "serializable isolation / transactional DDL" recipe). A lock file next to the database makes a
  second process wait for the first upgrade instead of failing on SQLite's busy timeout.
- A new database gets the models' schema and its alembic_version row in one transaction
  (`create_schema`).
- A database that an older version left half-made (tables but no alembic_version row) is
  repaired when its tables are empty, and refused with a clear message when they hold data.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text

import models
from videre.core.errors import ConfigError

# pg_advisory_lock key: any fixed 64-bit number that no other program on the server uses.
ADVISORY_KEY = 0x5669_6465_7265_4D31  # "VidereM1"


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".migrate-lock")
    with open(lock_path, "a+b") as handle:
        # Blocks until the other process's upgrade is done; the kernel lets go if it is killed.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _driver_autocommit(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None


def _begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def migration_engine(engine: Engine) -> Iterator[Engine]:
    """The engine to migrate with: on SQLite a copy whose transactions really hold DDL."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    from videre.store.db import _sqlite_pragmas

    target = create_engine(engine.url, connect_args={"timeout": 30})
    event.listen(target, "connect", _driver_autocommit)
    event.listen(target, "connect", _sqlite_pragmas)
    event.listen(target, "begin", _begin_immediate)
    try:
        yield target
    finally:
        target.dispose()


def create_schema(conn: Connection, revision: str) -> None:
    """The models' tables and indexes, stamped at `revision`, in one transaction: what Alembic's
    migrations up to that revision make (tests/models/test_migrations.py holds the two equal)."""
    with conn.begin():
        models.Base.metadata.create_all(conn)
        # As Alembic makes its version table, so that later upgrades find it as their own.
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})


def clear_half_made_schema(conn: Connection) -> None:
    """No migration is recorded: drop Videre's tables if all are empty, refuse if any holds rows."""
    existing = set(inspect(conn).get_table_names())
    tables = [t for t in reversed(models.Base.metadata.sorted_tables) if t.name in existing]
    filled = [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]
    # What follows begins its own transaction.
    conn.rollback()
    if not tables:
        return
    if filled:
        raise ConfigError(
            f"the database {conn.engine.url!r} has Videre's tables but no record of its schema version "
            f"(the alembic_version table is missing or empty), and {', '.join(sorted(filled))} hold data. "
            "An older version was interrupted while creating it. Restore it from a backup, or move it "
            "aside and start with a new database; it is not changed automatically.")
    with conn.begin():
        for table in tables:
            table.drop(conn)
