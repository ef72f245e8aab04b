"""The one batch write path of the ingest (crawl, import, archive replay): an INSERT or UPDATE
run for many rows as one driver executemany.

SQLAlchemy's own executemany processes every parameter of every row through its execution
context, which cost more than the driver's write itself for 10,000 ads (bench/README.md,
import). Here the statement is compiled once per batch for the session's dialect, the column
types' own bind processors (`TypeEngine.dialect_impl(...).bind_processor`) and Python-side
column defaults are applied once per value, and the driver gets the finished parameters, so
the stored values are the ones SQLAlchemy would have stored. Never commits: the caller owns the
unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

Fill = Callable[[dict[str, Any]], Any]


def _filler(compiled: SQLCompiler, name: str, keys: set[str]) -> Fill:
    """How one bound parameter gets its value for a row: from the row, from the column's
    Python-side default (called per row, as SQLAlchemy does), or the statement's fixed value."""
    if name in keys:
        return lambda row: row[name]
    for column in (*compiled.insert_prefetch, *compiled.update_prefetch):
        if column.key == name:
            default = column.default if name in {c.key for c in compiled.insert_prefetch} else column.onupdate
            if default is None or not (default.is_scalar or default.is_callable):
                raise NotImplementedError(f"default of {column} cannot be computed here")
            if default.is_scalar:
                value = default.arg  # type: ignore[attr-defined]
                return lambda row: value
            # SQLAlchemy wraps a zero-argument default to take the execution context.
            make = default.arg  # type: ignore[attr-defined]
            return lambda row: make(None)
    value = compiled.binds[name].effective_value
    return lambda row: value


def write_many(session: Session, stmt: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Execute `stmt` once per row (rows share their keys) in one driver executemany."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    compiled: SQLCompiler = stmt.compile(dialect=dialect, column_keys=keys,  # type: ignore[assignment]
                                          for_executemany=True)
    names = list(compiled.positiontup or compiled.bind_names.values())
    fills = [_filler(compiled, name, set(keys)) for name in names]
    processors = [compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    steps = list(zip(fills, processors))
    values = [[p(f(row)) if p else f(row) for f, p in steps] for row in rows]
    params: list[Any] = ([tuple(v) for v in values] if compiled.positional
                         else [dict(zip(names, v)) for v in values])
    conn.exec_driver_sql(compiled.string, params)
