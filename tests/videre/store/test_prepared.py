"""Prepared ads cross a process pool as tuples and come back whole: every field, the ones left out
of comparisons too (the digest and the encoded JSON the writer stores)."""

from __future__ import annotations

import pickle
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from videre.core.config import Settings
from videre.extract.records import AdRecord, FetchedPhoto
from videre.store.jsonl_prepare import LineOutcome, PreparedChunk
from videre.store.prepared import PrepareConfig, Prepared, packed, prepare, unpacked

NOW = datetime(2026, 12, 1, 20, 15, tzinfo=timezone.utc)


def _prepared(settings: Settings, i: int) -> Prepared:
    record = AdRecord(url=f"http://127.0.0.1:8702/annons/{i}", site="kvallsros", scraped_at=NOW,
                      posted_at=NOW if i % 2 else None, title="Ny i Borås", body=f"Sms 0701-23 45 6{i}",
                      name="Lina", age="24", location="Borås", region="SE" if i % 2 else None,
                      images=("http://127.0.0.1:8702/p/1.jpg",), extra={"id": i, "tags": ["a"]})
    broken = FetchedPhoto("http://127.0.0.1:8702/p/1.jpg", error="HTTP 404")
    return prepare(record, [broken], PrepareConfig.from_settings(settings), page=("W/\"e1\"", ""))


def _same(a: Prepared, b: Prepared) -> None:
    assert a == b
    for f in fields(a.item):
        assert getattr(a.item, f.name) == getattr(b.item, f.name), f.name
    for f in fields(a.item.record):
        assert getattr(a.item.record, f.name) == getattr(b.item.record, f.name), f.name
    assert a.photo_errors == b.photo_errors


def test_packed_and_unpacked_give_back_every_field(settings: Settings) -> None:
    for i in range(2):
        original = _prepared(settings, i)
        assert original.photo_errors and original.item.record_json and original.item.extraction_json
        back = unpacked(pickle.loads(pickle.dumps(packed(original))))
        _same(back, original)
        assert type(back.item.record) is AdRecord and back.item.content_digest() == original.item.digest


def test_a_chunk_pickles_with_its_errors_and_warnings(settings: Settings) -> None:
    chunk = PreparedChunk(Path("/data/ads.jsonl"), 4, [
        LineOutcome(1, _prepared(settings, 0), warnings=("title: NUL removed",)),
        LineOutcome(2, error="missing url (a non-empty string)"),
        LineOutcome(4, _prepared(settings, 1))])
    back = pickle.loads(pickle.dumps(chunk, protocol=5))
    assert back == chunk and back.path == Path("/data/ads.jsonl") and back.lines == 4
    assert [o.number for o in back.outcomes] == [1, 2, 4]
    for a, b in zip(back.outcomes, chunk.outcomes):
        if b.prepared:
            assert a.prepared is not None
            _same(a.prepared, b.prepared)
