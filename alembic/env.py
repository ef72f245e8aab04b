"""Alembic environment: the URL comes from Videre's settings unless a connection is handed in."""

from __future__ import annotations

from sqlalchemy import Connection

import models
from alembic import context
from models.ops import SCHEDULER_JOBS_TABLE
from videre.core.config import load_settings
from videre.store.db import make_engine

target_metadata = models.Base.metadata
# Tables that live in the database but are not Videre's models: APScheduler's job store
# (videre.services.schedule) creates and owns its table, so autogenerate must not offer to drop it.
FOREIGN_TABLES = frozenset({SCHEDULER_JOBS_TABLE})


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
        # All or nothing per migration on both backends; on SQLite this holds because videre.store.db
        # migrates on a connection whose transactions really contain DDL (videre/store/migration_lock.py).
        transaction_per_migration=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().database.url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_online()
