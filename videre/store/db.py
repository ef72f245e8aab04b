"""Engine, sessions and automatic migration. The only place that knows how to reach the database."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError

from videre.core.config import Settings
from videre.core.errors import ConfigError
from videre.store.json_text import dump_json

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.orm import Session, sessionmaker

# The migrations ship inside the package (videre/migrations is the repository's alembic/ folder),
# so an installed wheel finds them as well as a checkout does.
ALEMBIC_DIR = Path(str(resources.files("videre") / "migrations"))
# The newest migration's revision. A database already there is known without loading Alembic
# and every migration script (start-up time, bench/README.md "Import"); a test holds this to
# Alembic's own head, so a new migration must update it.
SCHEMA_HEAD = "0003_cluster_summaries"
# WAL pages written before a commit checkpoints them into the database file (SQLite's default
# is 1,000, about 4 MB). A bulk write changes the same index pages in every batch: each
# checkpoint copies them again and waits for two fsyncs, 0.1-0.2 s of a 10,000-ad import's
# writing at 1,000 (bench/README.md, "Import"). The WAL file grows to about 40 MB between
# checkpoints; closing the last connection still checkpoints it and removes it.
WAL_CHECKPOINT_PAGES = 10_000
# How long a connection waits for another's lock before it gives up (SQLite's busy timeout).
BUSY_TIMEOUT_S = 30.0


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    # WAL lets the web UI read while a crawl subprocess writes; FKs are off by default in SQLite.
    _journal_wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cur.close()


def _journal_wal(cur: sqlite3.Cursor) -> None:
    """Switch to WAL. A new database's first switch needs it alone for a moment, and SQLite says
    "database is locked" at once, without waiting out the busy timeout, when another process is
    opening it too (two commands started together on a new store: one of them failed); so wait
    here, as the busy timeout would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_engine(url: str, echo: bool = False, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"database.url is not a valid SQLAlchemy URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_S}, json_serializer=dump_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=max_overflow, json_serializer=dump_json)


def alembic_config(url: str) -> AlembicConfig:
    # Alembic loads only where a schema is checked: a crawl process, started after its parent
    # checked it, never needs it (start-up time, see bench/README.md).
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# Database URLs whose schema this process has seen at the newest revision: a crawl process opens
# several engines, and checking reads every migration script.
_AT_HEAD: set[str] = set()


def assume_current(url: str) -> None:
    """Skip the schema check for `url` in this process: its parent has just checked it."""
    _AT_HEAD.add(url)


def recorded_revision(conn: Connection) -> str | None:
    """The schema revision the database records, read without Alembic (one query); None when it
    records none (a new database). Ends its read transaction, so that what follows begins its own."""
    try:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except ProgrammingError:  # no alembic_version table (PostgreSQL)
        versions = []
    except OperationalError as exc:
        if conn.dialect.name != "sqlite" or "no such table" not in str(exc.orig):
            raise
        versions = []
    conn.rollback()
    return versions[0] if len(versions) == 1 else None


def _stamped_at_head(engine: Engine) -> bool:
    """True when the database records SCHEMA_HEAD."""
    try:
        with engine.connect() as conn:
            return recorded_revision(conn) == SCHEMA_HEAD
    except OperationalError as exc:
        raise ConfigError(f"cannot reach the database {engine.url!r}: {exc.orig}") from None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; cheap when it already is.

    A new, empty database gets the models' schema in one transaction, stamped with SCHEMA_HEAD
    (Alembic's "create_all, then stamp"; a test holds it equal to what the migrations make), so a
    first start loads neither Alembic nor its scripts. An older schema is upgraded by Alembic,
    each migration in one transaction (on SQLite too, see migration_lock). Both run under a lock
    that makes a second process starting at the same time wait and then find the work done.
    """
    key = engine.url.render_as_string(hide_password=False)
    if key in _AT_HEAD:
        return
    if _stamped_at_head(engine):
        _AT_HEAD.add(key)
        return
    from videre.store.migration_lock import clear_half_made_schema, create_schema, migration_engine, migration_lock

    with migration_lock(engine), migration_engine(engine) as target, target.connect() as conn:
        current = recorded_revision(conn)
        if current is None:
            clear_half_made_schema(conn)
            create_schema(conn, SCHEMA_HEAD)
        elif current != SCHEMA_HEAD:
            upgrade(conn, key)
    _AT_HEAD.add(key)


def upgrade(conn: Connection, url: str) -> None:
    """Alembic's upgrade to head on `conn` (outside a transaction: each migration begins its own)."""
    from alembic import command

    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _check_references(conn: Connection, column: Column[Any]) -> None:
    """IntegrityError when a row's `column` names no row of the table its ForeignKey points to.
    The parent's keys are read once into a list (MATERIALIZED: else SQLite looks each row's key
    up in the parent, as PRAGMA foreign_key_check does; after a bulk write most of those pages
    are in the WAL, where a look-up costs most: 8 s at 1M ads against about 2 s)."""
    (key,) = column.foreign_keys
    table, parent = column.table.name, key.column
    hint = "MATERIALIZED " if (conn.dialect.server_version_info or (0,)) >= (3, 35) else ""
    bad = conn.exec_driver_sql(
        f"WITH parent_keys AS {hint}(SELECT {parent.name} AS k FROM {parent.table.name}) "  # type: ignore[attr-defined]
        f"SELECT {column.name} FROM {table} WHERE {column.name} IS NOT NULL "
        f"AND {column.name} NOT IN (SELECT k FROM parent_keys) LIMIT 1").first()
    if bad is not None:
        raise IntegrityError(f"{table}.{column.name} -> {parent.table.name}", None,  # type: ignore[attr-defined]
                             ValueError(f"{table}.{column.name} = {bad[0]} names no {parent.table.name} row"))


class Database:
    """An engine plus a session factory; `session()` is one unit of work that commits at the edge."""

    def __init__(self, url: str, echo: bool = False, auto_migrate: bool = True,
                 pool_size: int = 5, max_overflow: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, echo, pool_size, max_overflow)
        if auto_migrate:
            migrate(self.engine)

    @cached_property
    def sessions(self) -> "sessionmaker[Session]":
        # The ORM loads with the first session: a process that only locks or checks the schema
        # (the parent of a crawl) never needs it.
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Database":
        d = settings.database
        return cls(d.url, d.echo, pool_size=d.pool_size, max_overflow=d.max_overflow)

    @cached_property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator["Session"]:
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def bulk_session(self, written: Sequence[Column[Any]]) -> Iterator["Session"]:
        """One unit of work like `session()`, for writing most rows of big tables at once (the
        first re-score after a bulk load). On SQLite the foreign keys of the columns it writes
        (`written`, each with one ForeignKey) are checked once at the end, column by column, not
        row by row: a row's check opens the parent table for every row, 12 s of a 1M-ad first
        re-score's writing, where one query per column reads the parent's keys once
        (bench/README.md, "The first full re-score, timed quiet"). A violation rolls the unit
        back (IntegrityError), as the row's own check would have. No ON DELETE action runs
        inside: the caller deletes no row that others point to. Its connection gets its checks
        back before the pool has it again. On PostgreSQL, exactly `session()`."""
        if self.dialect != "sqlite":
            with self.session() as s:
                yield s
            return
        with self.engine.connect() as conn:
            # Set before the unit of work begins: SQLite ignores it inside a transaction (a
            # PRAGMA begins none, and SQLAlchemy's own begin is a no-op for the driver here).
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            try:
                with self.sessions(bind=conn) as s:
                    try:
                        yield s
                        for column in written:
                            _check_references(s.connection(), column)
                        s.commit()
                    except BaseException:
                        s.rollback()
                        raise
            finally:
                # The unit has committed or rolled back: outside a transaction again, the pooled
                # connection gets its checks back (or is dropped if it cannot).
                try:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
                except Exception:
                    conn.invalidate()
                    raise

    def dispose(self) -> None:
        self.engine.dispose()
