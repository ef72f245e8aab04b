"""JSON encoded where an ad is prepared is stored as it is, and stores exactly what SQLAlchemy would
have stored for the value (SQLite, and PostgreSQL with VIDERE_TEST_DATABASE=postgres)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select

from models.ads import Ad, AdVersion
from videre.core.config import Settings
from videre.extract.records import AdRecord
from videre.store.ads import store_ads
from videre.store.db import Database
from videre.store.json_text import JSONText, dump_json
from videre.store.prepared import PrepareConfig, canonical_content, content_hash, prepare

NOW = datetime(2026, 11, 30, 21, 0, tzinfo=timezone.utc)


def _record(i: int) -> AdRecord:
    return AdRecord(url=f"http://127.0.0.1:8701/annons/{i}", site="nattfjaril", scraped_at=NOW,
                    posted_at=NOW if i % 2 else None, title=f"Ny i stan – Göteborg \"{i}\"",
                    body="Ring 070-123 45 67, inga dolda nr.\n\u2028😀", name="Åsa", age="23",
                    location="Göteborg", phone="", images=("a.jpg",) if i % 2 else ())


def test_dump_json_keeps_encoded_text_and_encodes_values_like_json_dumps() -> None:
    value = {"b": [1, "ö", None], "a": {"x": 1.5}}
    assert dump_json(value) == json.dumps(value)
    text = JSONText('{"z": "ö", "a": 1}')
    assert dump_json(text) == '{"z": "ö", "a": 1}' and type(dump_json(text)) is str


def test_prepared_ads_store_canonical_records_and_the_extraction_as_sqlalchemy_would(
        db: Database, settings: Settings) -> None:
    config = PrepareConfig.from_settings(settings)
    prepared = [prepare(_record(i), [], config).item for i in range(4)]
    with db.session() as s:
        store_ads(s, prepared, NOW)
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        # Read as text, whatever the column type: what the driver was given.
        cast = "CAST({} AS TEXT)"
        cur.execute(f"SELECT a.url, {cast.format('a.extraction')}, {cast.format('v.record')}, "
                    "v.content_hash FROM ads a JOIN ad_versions v ON v.ad_id = a.id ORDER BY a.url")
        rows = cur.fetchall()
    finally:
        raw.close()
    by_url = {p.record.url: p for p in prepared}
    assert len(rows) == 4
    for url, extraction, record, digest in rows:
        item = by_url[url]
        assert extraction == json.dumps(item.extraction)
        assert record == canonical_content(item.record)
        # The stored record is the very text its content hash is taken over.
        assert hashlib.sha256(record.encode("utf-8")).hexdigest() == digest == content_hash(item.record)
    with db.session() as s:
        ad = s.scalars(select(Ad).where(Ad.url == prepared[1].record.url)).one()
        version = s.scalars(select(AdVersion).where(AdVersion.ad_id == ad.id)).one()
        assert ad.extraction == prepared[1].extraction
        assert version.record == prepared[1].record.content()
