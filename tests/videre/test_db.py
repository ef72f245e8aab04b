"""The engine: PostgreSQL connection pooling sized from config."""

from __future__ import annotations

import pytest

from videre.core.config import parse_settings
from videre.store.db import Database


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
