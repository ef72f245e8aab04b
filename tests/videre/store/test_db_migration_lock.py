"""Migrations are all-or-nothing and one-at-a-time: a kill -9 in the first migration leaves a usable
database, two first starts at once both succeed, and a half-made schema is repaired or refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

import models
from videre.core.errors import ConfigError
from videre.store.db import Database, alembic_config

ROOT = Path(__file__).resolve().parents[3]
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()

# Opens the database; with STALL set, making the schema of a new database stops after that many
# tables and says so.
OPENER = textwrap.dedent("""
    import os, sys, time
    import sqlalchemy as sa
    import models
    stall = int(os.environ.get("STALL", "0"))
    if stall:
        made = []
        def slow(table, connection, **kw):
            made.append(table.name)
            if len(made) == stall:
                print("MID", flush=True)
                time.sleep(60)
        for table in models.Base.metadata.tables.values():
            sa.event.listen(table, "after_create", slow)
    from videre.store.db import Database
    go = os.environ.get("GO")
    print("READY", flush=True)
    while go and not os.path.exists(go):
        time.sleep(0.005)
    Database(sys.argv[1]).dispose()
    print("DONE", flush=True)
""")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'v.db'}"


def _opener(url: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", OPENER, url], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **env})


def _assert_complete(url: str) -> None:
    db = Database(url)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalars().all() == [HEAD]
        assert set(models.Base.metadata.tables) <= set(sa.inspect(conn).get_table_names())
    db.dispose()


def test_kill_9_while_making_a_new_schema_leaves_a_usable_database(url: str) -> None:
    proc = _opener(url, STALL="6")
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while (line := proc.stdout.readline()) and line.strip() != "MID":
        assert time.monotonic() < deadline
    assert line.strip() == "MID", proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _assert_complete(url)  # before: "table clusters already exists" on every later start (SQLite)


def test_two_first_starts_at_once_both_succeed(url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_opener(url, GO=str(go)) for _ in range(2)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "READY"
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and "DONE" in out, err[-2000:]
    _assert_complete(url)


def _half_made(url: str, rows: bool) -> None:
    """What an older version left after a kill: some tables, no version row."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    tables = [models.Base.metadata.tables[n] for n in ("clusters", "phones", "sites")]
    with engine.begin() as conn:
        models.Base.metadata.create_all(conn, tables=tables)
        conn.execute(sa.text("create table alembic_version (version_num varchar(32) not null primary key)"))
        if rows:
            conn.execute(tables[1].insert().values(e164="+46701740605"))
    engine.dispose()


def test_a_half_made_empty_schema_is_repaired(url: str) -> None:
    _half_made(url, rows=False)
    _assert_complete(url)


def test_a_half_made_schema_holding_data_is_refused_with_a_clear_message(url: str) -> None:
    _half_made(url, rows=True)
    with pytest.raises(ConfigError, match="no record of its schema version.*phones hold data"):
        Database(url)
