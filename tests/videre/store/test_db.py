"""The engine: the schema check (a database at the newest revision is known from its alembic_version
row alone, and a database behind it is still migrated), PostgreSQL pooling sized from config, and a
bulk unit of work that checks its foreign keys at its end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from alembic import command
from models.entities import Cluster, ClusterSummary
from tests.conftest import make_settings
from videre.core.config import parse_settings
from videre.store import db as store_db
from videre.store.db import _AT_HEAD, SCHEMA_HEAD, Database, alembic_config


def test_schema_head_is_alembics_head() -> None:
    assert SCHEMA_HEAD == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_current_database_is_known_without_alembic(tmp_path: Path) -> None:
    url = make_settings(tmp_path).database.url
    Database(url).dispose()
    # A new process opening a database at the head never imports Alembic.
    code = ("import sys; from videre.store.db import Database; Database(sys.argv[1]).dispose(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    engine = store_db.make_engine(url)
    try:
        assert store_db._stamped_at_head(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        assert not store_db._stamped_at_head(engine)
    finally:
        engine.dispose()


def test_empty_database_is_not_at_head(tmp_path: Path) -> None:
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert not store_db._stamped_at_head(engine)
    finally:
        engine.dispose()


def test_a_database_behind_the_head_is_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    first = ScriptDirectory.from_config(alembic_config(url)).get_base()
    assert first != SCHEMA_HEAD
    command.upgrade(alembic_config(url), first)
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
            assert conn.execute(sa.text("SELECT count(*) FROM login_throttles")).scalar() == 0
    finally:
        db.dispose()
        _AT_HEAD.discard(url)


def test_a_bulk_session_checks_foreign_keys_once_at_its_end(tmp_path: Path) -> None:
    db = Database(make_settings(tmp_path).database.url)
    try:
        with pytest.raises(sa.exc.IntegrityError), db.bulk_session([ClusterSummary.__table__.c.cluster_id]) as s:
            s.add(Cluster(id=1))
            s.flush()
            s.add(ClusterSummary(cluster_id=2))  # no cluster 2
            s.flush()  # SQLite: not checked here, but at the end
            if db.dialect == "sqlite":
                assert s.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
            s.add(ClusterSummary(cluster_id=1))
        with db.session() as s:  # the unit was rolled back whole
            assert s.scalar(sa.select(sa.func.count()).select_from(Cluster)) == 0
        with db.bulk_session([ClusterSummary.__table__.c.cluster_id]) as s:
            s.add(Cluster(id=1))
            s.flush()
            s.add(ClusterSummary(cluster_id=1))
        with db.session() as s:
            assert s.scalars(sa.select(ClusterSummary.cluster_id)).all() == [1]
        if db.dialect == "sqlite":  # the pooled connection checks row by row again
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            with pytest.raises(sa.exc.IntegrityError), db.session() as s:
                s.add(ClusterSummary(cluster_id=3))
                s.flush()
    finally:
        db.dispose()


def test_sqlite_checkpoints_its_wal_seldom_and_on_close(tmp_path: Path) -> None:
    url = make_settings(tmp_path).database.url
    if not url.startswith("sqlite:///"):
        pytest.skip("SQLite's write-ahead log")
    db = Database(url)
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == store_db.WAL_CHECKPOINT_PAGES
        # About 2,500 pages in 25 commits: past SQLite's default of 1,000, which would have
        # checkpointed (and restarted the log) on the way.
        for batch in range(25):
            with db.session() as s:
                s.add_all(Cluster(id=batch * 100 + i + 1, digest=f"{i}", features={"pad": "x" * 3000})
                          for i in range(100))
        assert wal.stat().st_size > 2_000 * 4096
    finally:
        db.dispose()
    assert not wal.exists()  # the last connection checkpointed it into the database file
    check = sa.create_engine(url)
    with check.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM clusters")).scalar() == 2_500
    check.dispose()


@pytest.mark.postgres
def test_postgres_pool_is_sized_from_config(pg_url: str) -> None:
    settings = parse_settings({"database": {"url": pg_url, "pool_size": 3, "max_overflow": 1}}, env={})
    db = Database.from_settings(settings)
    try:
        assert db.engine.pool.size() == 3
        assert db.engine.pool._max_overflow == 1  # noqa: SLF001 (QueuePool keeps it there)
        held = [db.engine.connect() for _ in range(4)]
        with pytest.raises(Exception, match="QueuePool limit"):
            db.engine.pool._timeout = 0.5  # noqa: SLF001
            db.engine.connect()
        for c in held:
            c.close()
    finally:
        db.dispose()
