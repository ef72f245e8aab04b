"""The one batch write path of the ingest (crawl, import, archive replay): an INSERT or UPDATE
run for many rows as one driver executemany (a plain INSERT on PostgreSQL: one COPY).

SQLAlchemy's own executemany processes every parameter of every row through its execution
context, which cost more than the driver's write itself for 10,000 ads (bench/README.md,
import). Here the statement is compiled once per shape (`_compiled`) for the session's dialect, the column
types' own bind processors (`TypeEngine.dialect_impl(...).bind_processor`) and Python-side
column defaults are applied once per value, and the driver gets the finished parameters, so
the stored values are the ones SQLAlchemy would have stored. Never commits: the caller owns the
unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

# Compiled statements by shape: SQLAlchemy's cache key (the statement's structure, without its
# literal values), the dialect and the rows' keys. A crawl writes a batch of a few ads at a time,
# each batch with the same dozen statements, whose compiling cost more than their writing
# (bench/README.md, crawl). Bounded: cleared when full.
MAX_COMPILED = 256
_COMPILED: dict[tuple[Any, ...], SQLCompiler] = {}


def _compiled(stmt: Any, dialect: Dialect, keys: list[str]) -> tuple[SQLCompiler, dict[str, Any]]:
    """The statement compiled for executemany with these row keys, and the values of its own
    bound parameters: this statement's, not those of the one the cached compilation was made
    from (`construct_params` with this statement's extracted parameters, as SQLAlchemy's own
    cache does)."""
    cache_key = stmt._generate_cache_key()
    compiled: SQLCompiler | None = None
    key: tuple[Any, ...] = ()
    if cache_key is not None:
        key = (cache_key.key, dialect, tuple(keys))
        compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = stmt.compile(dialect=dialect, column_keys=keys, for_executemany=True, cache_key=cache_key)
        if cache_key is not None:
            if len(_COMPILED) >= MAX_COMPILED:
                _COMPILED.clear()
            _COMPILED[key] = compiled
    if cache_key is None:
        return compiled, {name: bind.effective_value for name, bind in compiled.binds.items()}
    fixed = compiled.construct_params(extracted_parameters=cache_key.bindparams, _check=False,
                                      escape_names=False)
    return compiled, fixed


def _column(compiled: SQLCompiler, fixed: dict[str, Any], name: str, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """One bound parameter's values for all rows: from the rows, from the column's Python-side
    default (called per row, as SQLAlchemy does), or the statement's fixed value (`fixed`)."""
    if name in rows[0]:
        return [row[name] for row in rows]
    inserting = {c.key for c in compiled.insert_prefetch}
    for column in (*compiled.insert_prefetch, *compiled.update_prefetch):
        if column.key == name:
            default = column.default if name in inserting else column.onupdate
            if default is None or not (default.is_scalar or default.is_callable):
                raise NotImplementedError(f"default of {column} cannot be computed here")
            if default.is_scalar:
                return [default.arg] * len(rows)  # type: ignore[attr-defined]
            # SQLAlchemy wraps a zero-argument default to take the execution context.
            make = default.arg  # type: ignore[attr-defined]
            return [make(None) for _ in rows]
    return [fixed[name]] * len(rows)


def _processed(process: Any, values: list[Any]) -> list[Any]:
    """`process` applied to each value; once per distinct value when the values are hashable
    (the timestamps of a batch repeat)."""
    try:
        done = {v: process(v) for v in dict.fromkeys(values)}
    except TypeError:  # JSON documents: dicts and lists
        return list(map(process, values))
    return [done[v] for v in values]


def write_many(session: Session, stmt: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Execute `stmt` once per row (rows share their keys) in one driver executemany."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    compiled, fixed = _compiled(stmt, dialect, list(rows[0]))
    names = list(compiled.positiontup or compiled.bind_names.values())
    columns = []
    for name in names:
        values = _column(compiled, fixed, name, rows)
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(_processed(process, values) if process else values)
    if dialect.name == "postgresql" and type(stmt) is Insert:
        _copy(conn, stmt.table, names, columns)
        return
    params: list[Any] = (list(zip(*columns)) if compiled.positional
                         else [dict(zip(names, v)) for v in zip(*columns)])
    conn.exec_driver_sql(compiled.string, params)


def upsert_insert(session: Session, table: Table) -> Any:
    """The dialect's INSERT that takes ON CONFLICT. Only the dialect in use is imported: the
    PostgreSQL one brings asyncio and its drivers' modules (start-up time, bench/README.md)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    return insert(table)


def _copy(conn: Connection, table: Any, names: list[str], columns: list[list[Any]]) -> None:
    """A plain INSERT (no ON CONFLICT) on PostgreSQL as COPY: psycopg's executemany spends more
    CPU per row than the rest of the write (bench/README.md, import). The values are the
    processed ones psycopg would have sent for the INSERT, dumped by the same adapters."""
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {conn.dialect.identifier_preparer.format_table(table)} " \
          f"({', '.join(quote(table.c[n].name) for n in names)}) FROM STDIN"
    raw = conn.connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for row in zip(*columns):
            copy.write_row(row)
