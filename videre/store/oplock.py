"""A lock that keeps two crawls, imports, re-scores, nightly runs or purges from running at once,
across processes.

PostgreSQL: a session-level advisory lock on a connection held for the lock's life. SQLite: an
flock on a file beside the database. Both vanish with the process that holds them, so a run killed
with SIGKILL never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy import Connection, Row, text

from videre.core.errors import VidereError
from videre.store.db import Database

# One name for everything that writes ads in bulk: crawls, imports, re-scores, the nightly
# sequence, purges.
OPS_LOCK = "videre-ops"
# Held by the crawl subprocess for its whole life (crawler/crawl_process.py). Its parent holds OPS_LOCK, but
# a parent killed on its own releases that while the child still closes its spiders (it gets
# SIGTERM through PR_SET_PDEATHSIG and may take a while): whoever takes OPS_LOCK also checks
# that no crawl child is left.
CRAWL_CHILD_LOCK = "videre-ops-crawl-child"


# Locks held for the life of the process (OpsLock.hold_until_exit).
_KEPT: list["OpsLock"] = []
# PostgreSQL: how often, and how far apart, a lock that no session holds any more is asked for again.
FREED_RETRIES = 5
FREED_WAIT_S = 0.1


class LockBusy(VidereError):
    """Another process holds the lock; the message says which, when it can tell."""


class _Freed(Exception):
    """The advisory lock was busy, but no session holds it by the time its holder is looked up."""


def _advisory_key(name: str) -> int:
    # pg_try_advisory_lock takes a signed 64-bit key.
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_file_for(db: Database, fallback_dir: Path, name: str) -> Path:
    """Beside the SQLite file, so every process using that database meets the same lock."""
    database = db.engine.url.database
    if database and database != ":memory:":
        path = Path(database).expanduser().resolve()
        return path.with_name(f"{path.name}.{name}.lock")
    return fallback_dir / f"{name}.lock"


class OpsLock:
    """`with OpsLock(db, lock_dir) as lock:` raises LockBusy if another process has it.

    `lock_dir` is used only for an in-memory SQLite database.
    """

    def __init__(self, db: Database, lock_dir: Path, name: str = OPS_LOCK, purpose: str = "") -> None:
        self.db = db
        self.name = name
        self.purpose = purpose
        self.lock_dir = lock_dir
        self._conn: Connection | None = None
        self._fh: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fh is not None

    def acquire(self) -> None:
        if self.held:
            return
        if self.db.dialect == "postgresql":
            self._acquire_advisory()
        else:
            self._acquire_file()
        if self.name == OPS_LOCK:
            self._no_orphaned_crawl()

    def _no_orphaned_crawl(self) -> None:
        probe = OpsLock(self.db, self.lock_dir, CRAWL_CHILD_LOCK, purpose="check")
        try:
            probe.acquire()
        except LockBusy as exc:
            self.release()
            raise LockBusy(f"a crawl process is still finishing after the process that started it "
                           f"ended: {exc}") from None
        probe.release()

    def _acquire_advisory(self) -> None:
        # A lock found busy with no session holding it is being let go: its holder's session is
        # ending (a killed process's backend notices the closed socket a moment later). Ask again.
        for _ in range(FREED_RETRIES):
            try:
                self._try_advisory()
                return
            except _Freed:
                time.sleep(FREED_WAIT_S)
        raise LockBusy("another Videre process is writing ads to this database")

    def _try_advisory(self) -> None:
        key = _advisory_key(self.name)
        conn = self.db.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            if got:
                # Shown to whoever finds the lock busy (pg_stat_activity), as the lock file is on SQLite.
                conn.execute(text("SELECT set_config('application_name', :v, false)"),
                             {"v": f"videre {self.purpose or 'ops'}"[:63]})
            holder = None if got else _advisory_holder(conn, key)
            # The lock lives on the session, not the transaction: end the transaction, keep the session.
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            if holder is None:
                raise _Freed
            raise LockBusy("another Videre process is writing ads to this database "
                           f"({holder.application_name or 'PostgreSQL backend'} pid {holder.pid}, "
                           f"connected {holder.backend_start:%Y-%m-%d %H:%M})")
        self._conn = conn

    def _acquire_file(self) -> None:
        path = lock_file_for(self.db, self.lock_dir, self.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read(2000)
            fh.close()
            raise LockBusy("another Videre process is writing ads to this database"
                           f"{_describe_holder(holder)} (lock file {path})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "purpose": self.purpose,
                             "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        fh.flush()
        self._fh = fh

    def hold_until_exit(self) -> None:
        """Never release: the lock goes when the kernel closes the process's file or socket.
        The process must end with os._exit, since the interpreter's shutdown would close both
        and can take seconds of thread joins after a crawl (crawler/crawl_process.py)."""
        _KEPT.append(self)

    def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _advisory_key(self.name)})
                conn.execute(text("RESET application_name"))  # the connection goes back to the pool
                conn.commit()
            except BaseException:
                # Closing the session for good is what surely frees the lock.
                conn.invalidate()
                raise
            finally:
                conn.close()
        if self._fh is not None:
            # The file stays: removing it would let a waiting process lock a file no one else opens.
            fh, self._fh = self._fh, None
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def __enter__(self) -> "OpsLock":
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _advisory_holder(conn: Connection, key: int) -> Row[Any] | None:
    """The session holding advisory lock `key` in this database. Advisory locks are per database,
    but pg_locks shows the whole server's: without the database's own oid a busy lock would name
    another database's Videre (two deployments, or the test suite's databases, on one server)."""
    return conn.execute(text(
        "SELECT a.pid, a.application_name, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
        "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.objid::bigint = (:k & 4294967295) AND l.classid::bigint = ((:k >> 32) & 4294967295)"),
        {"k": key}).first()


def _describe_holder(raw: str) -> str:
    try:
        info = json.loads(raw)
    except ValueError:
        return ""
    if not isinstance(info, dict):
        return ""
    what = f" {info['purpose']}" if info.get("purpose") else ""
    return f" ({what.strip() or 'run'} by pid {info.get('pid')} on {info.get('host')} since {info.get('since')})"
