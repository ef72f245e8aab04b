"""The benchmark's bulk loader makes the same rows as `videre import` does."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import make_settings
from videre.demo.generate import generate_world
from videre.store.db import Database
from videre.store.jsonl_import import import_files

ROOT = Path(__file__).resolve().parents[2]


def _loader() -> Any:
    spec = importlib.util.spec_from_file_location("triage_load", ROOT / "bench" / "triage_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Columns that differ by construction: the moment of writing.
VOLATILE = {"changed_at", "first_seen", "last_seen"}
TABLES = {
    "sites": ("slug", "name"),
    "ads": None,
    "ad_versions": None,
    "phones": ("e164", "country", "is_hub", "hub_reason"),
    "ad_phones": None,
    "places": ("name", "country", "lat", "lon"),
    "ad_places": None,
}


def _rows(db: Database, table: str, columns: tuple[str, ...] | None) -> list[tuple[Any, ...]]:
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=db.engine)
    cols = [c for c in t.columns if c.name not in VOLATILE and c.name != "id"
            and (columns is None or c.name in columns)]
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).all()
    return sorted((tuple(json.dumps(v, sort_keys=True, default=str) for v in r) for r in rows))


def test_bulk_load_makes_the_rows_videre_import_makes(tmp_path: Path) -> None:
    world = generate_world(5, 0.3, with_photos=False)
    records = list(world.iter_records({s: f"http://{s}.test" for s in ("nattfjaril", "kvallsros", "vastkontakt")}))
    jsonl = tmp_path / "ads.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    a = make_settings(tmp_path / "a")
    db_a = Database.from_settings(a)
    report = import_files([jsonl], a, db_a)
    assert not report.errors
    b = make_settings(tmp_path / "b")
    db_b = Database.from_settings(b)
    assert _loader().bulk_load(iter(records), b, db_b, workers=1) == len(records)

    for table, columns in TABLES.items():
        assert _rows(db_a, table, columns) == _rows(db_b, table, columns), table
    db_a.dispose()
    db_b.dispose()
