"""`videre import`: line-numbered errors, nothing lost, re-import updates the same ad."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models.ads import Ad, AdVersion
from models.entities import AdPhone, AdPhoto, Phone
from models.ops import Run
from videre.core.config import Settings
from videre.core.jsonl import read_lines
from videre.store.db import Database
from videre.store.jsonl_import import import_files


def _jpeg(path: Path, colour: tuple[int, int, int]) -> None:
    img = Image.new("RGB", (320, 400), colour)
    for x in range(0, 320, 40):
        img.paste((colour[2], colour[0], colour[1]), (x, x, x + 30, x + 60))
    img.save(path, "JPEG", quality=85)


def _ad(n: int, **extra: object) -> dict:
    return {"url": f"http://127.0.0.1:9/annons/{n}", "site": "testsajt",
            "title": f"Ny i stan {n}", "body": "Ring mig på 070-174 06 05, bara sms.",
            "name": f"Anna{n}", "age": "24 år", "location": "GBG - Majorna",
            "scraped_at": "2026-11-20T18:00:00+01:00", **extra}


def test_bad_lines_are_reported_with_numbers_and_the_rest_is_imported(
        tmp_path: Path, settings: Settings, db: Database) -> None:
    _jpeg(tmp_path / "a.jpg", (200, 120, 90))
    lines = [
        json.dumps(_ad(1, images=["a.jpg"])),
        "{not json",
        json.dumps({"site": "testsajt", "title": "no url"}),
        json.dumps(_ad(2, age=["24"])),
        "",
        json.dumps(_ad(3, unknown_key={"kept": "or ignored"})),
        json.dumps([1, 2, 3]),
        json.dumps(_ad(4, images=["missing.jpg"])),
    ]
    f = tmp_path / "ads.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = import_files([f], settings, db)

    assert [(e.line, e.message.split(":")[0]) for e in report.errors] == [
        (2, "invalid JSON"), (3, "missing url (a non-empty string)"), (4, "age must be a string, got list"),
        (7, "record must be a JSON object, got list")]
    assert report.statuses == {"new": 3}
    assert report.photos == 1
    assert len(report.photo_errors) == 1 and "missing.jpg" in report.photo_errors[0]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Ad)) == 3
        assert s.scalar(select(func.count()).select_from(AdPhoto)) == 1
        assert s.scalars(select(Phone.e164)).all() == ["+46701740605"]
        assert s.scalar(select(func.count()).select_from(AdPhone)) == 3
        run = s.scalars(select(Run)).one()
        assert run.kind == "import" and run.status == "partial"
        assert run.ads_new == 3 and run.errors == {"photo": 1, "bad_line": 4}


def test_reimport_of_the_same_url_updates_the_ad_with_a_new_version(
        tmp_path: Path, settings: Settings, db: Database) -> None:
    f = tmp_path / "ads.jsonl"
    f.write_text(json.dumps(_ad(1)) + "\n")
    import_files([f], settings, db)
    assert import_files([f], settings, db).statuses == {"unchanged": 1}
    f.write_text(json.dumps(_ad(1, body="Nytt nummer: 070-174 06 09", location="Borås")) + "\n")
    assert import_files([f], settings, db).statuses == {"changed": 1}
    with db.session() as s:
        ad = s.scalars(select(Ad)).one()
        assert ad.version == 2 and ad.city == "Borås"
        assert [v.version for v in s.scalars(select(AdVersion).order_by(AdVersion.version))] == [1, 2]
        phones = s.scalars(select(Phone.e164).join(AdPhone).where(AdPhone.ad_id == ad.id)).all()
        assert phones == ["+46701740609"]


def test_an_over_long_line_is_skipped_without_loading_it() -> None:
    data = b'{"a": 1}\n' + b"x" * 5000 + b"\n" + b'{"b": 2}\n'
    got = list(read_lines(io.BytesIO(data), max_bytes=100))
    assert [(n, raw is None) for n, raw in got] == [(1, False), (2, True), (3, False)]


@pytest.mark.postgres
def test_import_works_on_postgres(tmp_path: Path, pg_url: str) -> None:
    from tests.conftest import make_settings  # noqa: F401  (same helper, other database)

    settings = make_settings(tmp_path, database={"url": pg_url})
    db = Database.from_settings(settings)
    f = tmp_path / "ads.jsonl"
    f.write_text("\n".join(json.dumps(_ad(n)) for n in range(5)) + "\n")
    report = import_files([f], settings, db)
    assert report.statuses == {"new": 5} and not report.errors
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AdPhone)) == 5
        assert s.scalar(select(func.count()).select_from(Phone)) == 1
    db.dispose()


def test_a_chunk_of_big_lines_ends_at_its_byte_budget(tmp_path: Path) -> None:
    from videre.core.batches import MAX_BATCH_BYTES
    from videre.store.jsonl_prepare import chunks

    path = tmp_path / "big.jsonl"
    line = json.dumps({"url": "u", "site": "s", "body": "x" * 2_000_000}) + "\n"
    path.write_text(line * 10 + "\n")
    got = [[number for number, _ in c.lines] for c in chunks([path], 4_000_000)]
    per_chunk = -(-MAX_BATCH_BYTES // len(line))  # lines until the budget is reached
    assert got == [list(range(1, per_chunk + 1)), list(range(per_chunk + 1, 12))]
