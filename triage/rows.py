"""Bulk reads straight from the driver (plain tuples, no per-row result processing), and bulk
updates by primary key.

A million rows through SQLAlchemy's Row and type processors cost tens of seconds; the driver's own
cursor hands back tuples in a fraction of that. Used only for the wide, read-only scans of triage,
inside the session's transaction. Values come back as the driver gives them: timestamps are ISO
text on SQLite and naive UTC datetimes on PostgreSQL (see `to_epoch` and `to_aware`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import numpy as np
from sqlalchemy import Index, Table, bindparam, update
from sqlalchemy.orm import Session

FETCH = 50_000
# JSON as triage stores it (not ASCII-escaped), with one encoder: json.dumps with options builds
# an encoder per call, and a first re-score writes the slots of every templated ad and the
# features of every cluster.
json_text = json.JSONEncoder(ensure_ascii=False).encode
# Rows written at once beyond which dropping a table's secondary indexes and building them again
# afterwards beats keeping them up to date row by row (bench/README.md, Triage).
BULK_ROWS = 100_000


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def stream(session: Session, sql: str, params: Sequence[Any] = (), batch: int = FETCH) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of `sql` in batches. Write `?` for parameters; it is adapted to the driver."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    if dialect(session) == "postgresql":
        # A server-side cursor streams; a plain psycopg cursor would load the whole result.
        cur = raw.cursor(name=f"triage_{id(sql) & 0xFFFFFF:x}")
        cur.itersize = batch
        cur.execute(sql.replace("?", "%s"), tuple(params))
    else:
        cur = raw.cursor()
        cur.execute(sql, tuple(params))
    try:
        while rows := cur.fetchmany(batch):
            yield rows
    finally:
        cur.close()


def executemany(session: Session, sql: str, rows: list[tuple[Any, ...]], batch: int = 100_000) -> None:
    """A raw executemany (`?` adapted to the driver), in batches to bound memory."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    if dialect(session) == "postgresql":
        sql = sql.replace("?", "%s")
    cur = raw.cursor()
    try:
        for start in range(0, len(rows), batch):
            cur.executemany(sql, rows[start:start + batch])
    finally:
        cur.close()


def fetch_all(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return [r for rows in stream(session, sql, params) for r in rows]


def fetch_by_keys(session: Session, sql: str, keys: Sequence[int], chunk: int) -> dict[Any, Any]:
    """`sql` ends in "IN": key -> value (or the tuple of the other columns) for these keys, asked
    `chunk` keys at a time so that no statement exceeds the driver's parameter limit."""
    out: dict[Any, Any] = {}
    for start in range(0, len(keys), chunk):
        part = keys[start:start + chunk]
        for row in fetch_all(session, f"{sql} ({','.join('?' * len(part))})", part):
            out[row[0]] = row[1] if len(row) == 2 else row[1:]
    return out


def int_pairs(session: Session, sql: str) -> np.ndarray:
    """A two-integer-column query as an (n, 2) int64 array."""
    parts = [np.array(rows, dtype=np.int64).reshape(-1, 2) for rows in stream(session, sql)]
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)


def db_time(session: Session, when: datetime) -> Any:
    """A timestamp as the models store it (naive UTC; SQLAlchemy's text format on SQLite), for raw
    writes that skip SQLAlchemy's per-row type processing."""
    naive = when.astimezone(timezone.utc).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect(session) == "sqlite" else naive


def to_epoch(values: list[Any]) -> np.ndarray:
    """Driver timestamps (ISO text or naive datetimes) as int64 epoch seconds."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    return np.array(values, dtype="datetime64[s]").astype(np.int64)


def to_aware(value: Any) -> datetime:
    """One driver timestamp as a timezone-aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def update_by_id(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Executemany UPDATE ... WHERE id = ?, grouped by the set of columns each row sets."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(sorted(r)), []).append(r)
    for cols, batch in groups.items():
        sets = [c for c in cols if c != "id"]
        stmt = update(table).where(table.c.id == bindparam("_id")).values({c: bindparam(c) for c in sets})
        session.execute(stmt, [{**{c: r[c] for c in sets}, "_id": r["id"]} for r in batch])


@contextmanager
def indexes_rebuilt(session: Session, indexes: Sequence[Index]) -> Iterator[None]:
    """Drop these indexes for the writes inside, and build them again after: one build is a sort,
    a million random insertions into an index (whose pages compete for the page cache with the
    rows written and the foreign keys checked) cost several times that (bench/README.md,
    Triage; "The first full re-score, timed quiet"). Inside the unit of work, so a crash leaves
    the indexes as they were."""
    conn = session.connection()
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)
