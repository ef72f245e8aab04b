"""The ops lock keeps processes apart on SQLite and PostgreSQL, and dies with its holder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import lock_once_freed, make_settings, pg_database
from videre.core.config import Settings
from videre.store import oplock
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    if request.param == "postgres":
        settings = make_settings(tmp_path, database={"url": request.getfixturevalue("pg_url")})
    else:
        settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    if request.param == "sqlite" and db.dialect != "sqlite":
        db.dispose()
        pytest.skip("the test database is PostgreSQL (VIDERE_TEST_DATABASE): the postgres case covers it")
    yield settings, db
    db.dispose()


def _holder(settings: Settings) -> subprocess.Popen[str]:
    """A child process that takes the lock, says so, and holds it until killed."""
    code = textwrap.dedent(f"""
        import sys, time
        from videre.core.config import parse_settings
        from videre.store.db import Database
        from videre.store.oplock import OpsLock
        from pathlib import Path
        settings = parse_settings({{"data_dir": {str(settings.path())!r},
                                   "database": {{"url": {settings.database.url!r}}}}}, env={{}})
        lock = OpsLock(Database.from_settings(settings), settings.path("locks"), purpose="crawl")
        lock.acquire()
        print("locked", flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_second_holder_is_refused_until_the_first_releases(any_db: tuple[Settings, Database]) -> None:
    settings, db = any_db
    first = OpsLock(db, settings.path("locks"), purpose="nightly run")
    first.acquire()
    with pytest.raises(LockBusy, match="another Videre process"):
        OpsLock(db, settings.path("locks")).acquire()
    first.release()
    with OpsLock(db, settings.path("locks")) as again:
        assert again.held
    assert not again.held


def test_a_lock_held_by_another_process_dies_with_it(any_db: tuple[Settings, Database]) -> None:
    settings, db = any_db
    holder = _holder(settings)
    try:
        with pytest.raises(LockBusy) as busy:
            OpsLock(db, settings.path("locks")).acquire()
        if db.dialect == "sqlite":
            assert f"pid {holder.pid}" in str(busy.value) and "crawl" in str(busy.value)
    finally:
        holder.kill()
        holder.wait()
    lock_once_freed(db, settings.path("locks"))  # SIGKILL leaves no stale lock behind


def test_a_lock_no_session_holds_is_asked_for_again(settings: Settings, db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: a killed holder's session ends a moment after the kill; in between the lock is
    busy but nobody holds it. That is asked again, a few times, before it is reported busy."""
    tries: list[int] = []

    def freed_twice(self: OpsLock) -> None:
        tries.append(1)
        if len(tries) <= 2:
            raise oplock._Freed

    monkeypatch.setattr(oplock, "FREED_WAIT_S", 0.0)
    monkeypatch.setattr(OpsLock, "_try_advisory", freed_twice)
    OpsLock(db, settings.path("locks"))._acquire_advisory()
    assert len(tries) == 3

    def always_freed(self: OpsLock) -> None:
        tries.append(1)
        raise oplock._Freed

    tries.clear()
    monkeypatch.setattr(OpsLock, "_try_advisory", always_freed)
    with pytest.raises(LockBusy, match="another Videre process is writing ads"):
        OpsLock(db, settings.path("locks"))._acquire_advisory()
    assert len(tries) == oplock.FREED_RETRIES


@pytest.mark.postgres
def test_a_lock_in_another_database_on_the_server_is_not_this_ones(tmp_path: Path) -> None:
    """Advisory locks are per database but pg_locks lists the server's: a lock busy here while
    its holder's session ends must not be blamed on a Videre writing to another database."""
    key = oplock._advisory_key(oplock.OPS_LOCK)
    with pg_database() as url_a, pg_database() as url_b:
        db_a = Database.from_settings(make_settings(tmp_path / "a", database={"url": url_a}))
        db_b = Database.from_settings(make_settings(tmp_path / "b", database={"url": url_b}))
        try:
            with OpsLock(db_a, tmp_path / "locks", purpose="rescore"):
                with db_b.engine.connect() as conn:
                    assert oplock._advisory_holder(conn, key) is None
                with OpsLock(db_b, tmp_path / "locks") as other:
                    assert other.held
                with db_a.engine.connect() as conn:
                    mine = oplock._advisory_holder(conn, key)
                    assert mine is not None and mine.application_name == "videre rescore"
        finally:
            db_a.dispose()
            db_b.dispose()


def test_sqlite_lock_file_sits_beside_the_database(settings: Settings, db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite only")
    with OpsLock(db, settings.path("locks")):
        pass
    assert (Path(db.engine.url.database or "").parent / "videre.db.videre-ops.lock").exists()
