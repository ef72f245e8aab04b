"""Per-ad signals: the worker processes of a big re-score write exactly what one process writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import copy_database, make_settings
from tests.triage.test_rescore import BASES, _jsonl
from triage import signals
from triage.rescore import signal_params
from videre.demo.generate import generate_world
from videre.store.db import Database
from videre.store.jsonl_import import import_files

TABLES = ("SELECT * FROM ad_signals ORDER BY ad_id", "SELECT * FROM template_words ORDER BY doc_key")


def _rows(db: Database) -> list[list[tuple[object, ...]]]:
    with db.engine.connect() as conn:
        return [[tuple(r) for r in conn.execute(text(sql))] for sql in TABLES]


def test_workers_compare_and_repair_like_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = make_settings(tmp_path / "a")
    db_a = Database.from_settings(a)
    records = list(generate_world(5, 1.0, with_photos=False).iter_records(BASES))
    import_files([_jsonl(tmp_path / "w.jsonl", records)], a, db_a)
    params = signal_params(a)
    with db_a.session() as s:
        signals.refresh_signals(s, params, full=True)
        # Damage: a lost words row, a stale signal row; a full run must repair both.
        s.execute(text("DELETE FROM template_words WHERE doc_key = (SELECT MIN(doc_key) FROM template_words)"))
        s.execute(text("UPDATE ad_signals SET flags = flags + 1024 WHERE ad_id = (SELECT MIN(ad_id) FROM ad_signals)"))
    db_a.dispose()
    (tmp_path / "b").mkdir()
    b = make_settings(tmp_path / "b", database={"url": copy_database(a.database.url, tmp_path / "b")})
    db_a, db_b = Database.from_settings(a), Database.from_settings(b)
    with db_a.session() as s:
        one = signals.refresh_signals(s, params, full=True, workers=1)
    monkeypatch.setattr(signals, "PARALLEL_MIN", 1)
    monkeypatch.setattr(signals, "BATCH", 97)  # several batches per worker
    with db_b.session() as s:
        two = signals.refresh_signals(s, params, full=True, workers=2)
    assert one == two == 1
    assert _rows(db_a) == _rows(db_b)
    assert len(_rows(db_b)[1]) > 0
    db_a.dispose()
    db_b.dispose()


def test_rows_computed_with_other_minhash_settings_are_stale(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    records = list(generate_world(5, 0.3, with_photos=False).iter_records(BASES))
    import_files([_jsonl(tmp_path / "w.jsonl", records)], settings, db)
    params = signal_params(settings)
    other = replace(params, shape=replace(params.shape, bands=params.shape.bands * 2))
    fewer_words = replace(params, min_tokens=params.min_tokens + 1)
    assert len({params.version, other.version, fewer_words.version}) == 3
    with db.session() as s:
        n = signals.refresh_signals(s, params, full=False)
        assert n > 0 and signals.refresh_signals(s, params, full=False) == 0
        # Other bands: every row again, now with twice as many band values.
        assert signals.refresh_signals(s, other, full=False) == n
        widths = s.execute(text("SELECT DISTINCT length(bands) FROM ad_signals WHERE n_tokens > 0")).scalars().all()
        assert widths == [8 * other.shape.bands]
        assert signals.refresh_signals(s, fewer_words, full=False) == n
        assert signals.refresh_signals(s, fewer_words, full=False) == 0
    db.dispose()
