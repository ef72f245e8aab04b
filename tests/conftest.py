"""Shared fixtures: settings on a temporary database, and a fresh PostgreSQL database.

With VIDERE_TEST_DATABASE=postgres, `make_settings` (and so the `settings` and `db` fixtures) gives
each caller a fresh PostgreSQL database instead of a SQLite file: a copy of one migrated template,
dropped when the test ends (or, when a wider fixture made it, when the session ends).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from videre.core.config import Settings, parse_settings
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
ON_POSTGRES = os.environ.get("VIDERE_TEST_DATABASE", "sqlite") == "postgres"
if os.environ.get("VIDERE_TEST_DATABASE", "sqlite") not in ("sqlite", "postgres"):
    raise pytest.UsageError("VIDERE_TEST_DATABASE is sqlite (the default) or postgres")

# Databases made by make_settings on PostgreSQL, in order; the template they are copied from.
_made: list[str] = []
_template: list[str] = []
# One PostgreSQL database per folder, as one SQLite file per folder: a test that builds settings
# for the same folder twice (a second crawl) must find its first database again.
_by_folder: dict[Path, str] = {}


def _admin() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _create(name: str, template: str | None = None) -> str:
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return PG_BASE_URL + name


def _drop(names: list[str]) -> None:
    admin = _admin()
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :n"), {"n": name})
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def fresh_database_url(tmp_path: Path) -> str:
    """A new, migrated, empty database: a SQLite file in tmp_path, or (VIDERE_TEST_DATABASE=postgres)
    a PostgreSQL database copied from a template migrated once per session."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'videre.db'}"
    if tmp_path in _by_folder:
        return _by_folder[tmp_path]
    if not _template:
        name = f"videre_t_tmpl_{uuid.uuid4().hex[:10]}"
        Database(_create(name)).dispose()
        _template.append(name)
    _by_folder[tmp_path] = copy_database(PG_BASE_URL + _template[0], tmp_path)
    return _by_folder[tmp_path]


def copy_database(url: str, tmp_path: Path) -> str:
    """A copy of a test database (nobody may be connected to it) for tmp_path's test."""
    if url.startswith("sqlite:///"):
        shutil.copy(url.removeprefix("sqlite:///"), tmp_path / "videre.db")
        return f"sqlite:///{tmp_path / 'videre.db'}"
    name = f"videre_t_{uuid.uuid4().hex[:12]}"
    _made.append(name)
    return _create(name, template=url.rsplit("/", 1)[1])


def lock_once_freed(db: Database, locks: Path, timeout_s: float = 15.0) -> None:
    """Take the ops lock and let it go, waiting while a holder that has just ended still holds it:
    an ended process leaves no stale lock, but PostgreSQL frees its lock only once the server
    process notices the closed connection, a moment later (under load, after a first try)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with OpsLock(db, locks) as lock:
                assert lock.held
            return
        except LockBusy:
            assert time.monotonic() < deadline, "the ended holder's lock was never freed"
            time.sleep(0.1)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    data: dict[str, Any] = {"data_dir": str(tmp_path / "var")}
    if "database" not in overrides:
        data["database"] = {"url": fresh_database_url(tmp_path)}
    data.update(overrides)
    return parse_settings(data, source=tmp_path / "config.yaml", env={})


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Drop the PostgreSQL databases this test made (those of wider fixtures wait for the end)."""
    before = len(_made)
    yield
    if ON_POSTGRES and len(_made) > before:
        _drop(_made[before:])
        del _made[before:]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if ON_POSTGRES and (_made or _template):
        _drop(_made + _template)
        _made.clear()
        _template.clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.from_settings(settings)
    yield database
    database.dispose()


@contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    name = f"videre_t_{uuid.uuid4().hex[:12]}"
    try:
        yield _create(name)
    finally:
        _drop([name])


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with pg_database() as url:
        yield url
