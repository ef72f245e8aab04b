"""A hostile JSONL: every bad record is reported by line and skipped, every good one stored, and
no photo is read from outside the file's folder (issue 16, items 1-2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models.ads import Ad
from models.entities import AdPhoto, Photo
from tests.conftest import make_settings
from videre.store.db import Database
from videre.store.jsonl_import import import_files

ROOT = Path(__file__).resolve().parents[3]


def _ad(n: int, **extra: object) -> dict:
    return {"url": f"http://127.0.0.1:9/annons/{n}", "site": "testsajt", "title": f"Ny i stan {n}",
            "body": "Ring mig på 070-174 06 05.", "scraped_at": "2026-11-20T18:00:00+01:00", **extra}


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode()


def hostile_corpus(folder: Path) -> tuple[Path, set[str], set[str], int]:
    """(file, urls that must be stored, urls that must not, bad lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    outside = folder.parent / "outside.jpg"
    Image.new("RGB", (64, 64), (10, 200, 30)).save(outside, "JPEG")
    Image.new("RGB", (64, 64), (200, 10, 30)).save(folder / "inside.jpg", "JPEG")
    os.symlink(outside, folder / "link.jpg")
    os.mkfifo(folder / "fifo.jpg")
    n = iter(range(10_000))
    good: set[str] = set()
    lines: list[bytes] = []

    def keep(**extra: object) -> None:
        ad = _ad(next(n), **extra)
        good.add(ad["url"])
        lines.append(_line(ad))

    bad_lines = [
        b'{"url": "http://127.0.0.1:9/annons/s1", "site": "t", "title": "\\ud800 lone"}',
        b'{"url": "http://127.0.0.1:9/annons/s2", "site": "t", "title": "a\\udfff\\ud800"}',
        b'{"url": "http://127.0.0.1:9/annons/u8", "site": "t", "title": "\xff\xfe bytes"}',
        b'{"url": "http://127.0.0.1:9/annons/u9", "site": "t", "body": "\xc3("}',
        _line(_ad(9001, url="http://127.0.0.1:9/annons/t1", scraped_at="0001-01-01T00:00:00+14:00")),
        _line(_ad(9002, url="http://127.0.0.1:9/annons/t2", posted_at="9999-12-31T23:59:59-14:00")),
        _line(_ad(9003, url="http://127.0.0.1:9/annons/t3", posted_at="1200-01-01T00:00:00")),
        b"[" * 100_000 + b"]" * 100_000,
        b'\xff\xfe{\x00"\x00',
        b"\x00\x00\x00",
    ]
    refused_photos = ["/dev/zero", "/dev/urandom", "fifo.jpg", "/etc/passwd", "../../etc/hostname",
                      "/proc/self/environ", "link.jpg", str(outside), "../outside.jpg", "in\x00side.jpg",
                      "/proc/self/fd/0", ".", ""]
    for i, bad in enumerate(bad_lines):
        keep()
        lines.append(bad)
        keep(images=[refused_photos[i % len(refused_photos)], "inside.jpg"])
    for ref in refused_photos:
        keep(images=[ref])
    keep(body="NUL\x00 in the body", name="A\x00", images=["inside.jpg"])
    keep(extra={"nested": ["\x00", {"k\x00": 1}]})
    path = folder / "ads.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    refused = {f"http://127.0.0.1:9/annons/{k}" for k in ("s1", "s2", "u8", "u9", "t1", "t2", "t3")}
    return path, good, refused, len(bad_lines)


def _check_store(db: Database, good: set[str], refused: set[str]) -> None:
    with db.session() as s:
        urls = set(s.scalars(select(Ad.url)))
        assert urls == good and not urls & refused
        # Only the one photo inside the folder was ever read and stored.
        assert s.scalar(select(func.count()).select_from(Photo)) == 1
        assert s.scalar(select(func.count(func.distinct(AdPhoto.photo_id)))) == 1
        ad = s.scalars(select(Ad).where(Ad.body.like("NUL%"))).one()
        assert ad.body == "NUL in the body" and ad.name == "A"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("workers", [0, 2])
def test_a_hostile_file_stores_every_good_record_and_nothing_from_outside(
        tmp_path: Path, backend: str, workers: int, request: pytest.FixtureRequest) -> None:
    over = {"database": {"url": request.getfixturevalue("pg_url")}} if backend == "postgres" else {}
    settings = make_settings(tmp_path, **over)
    db = Database.from_settings(settings)
    path, good, refused, bad = hostile_corpus(tmp_path / "drop")
    report = import_files([path], settings, db, workers=workers)
    reasons = {e.line: e.message for e in report.errors}
    assert report.bad_lines == bad == len(reasons)
    assert "lone surrogate U+D800" in reasons[2]
    assert "not valid UTF-8: ff at byte" in reasons[8]
    assert "scraped_at is out of range" in reasons[14]
    assert "posted_at is out of range" in reasons[17]
    assert report.statuses == {"new": len(good)}
    photo_errors = "\n".join(report.photo_errors)
    for why in ("outside the folder", "not a regular file", "empty path"):
        assert why in photo_errors
    assert any("record.images[0]: NUL characters removed" in w for w in report.warnings)
    assert any("record.body: NUL characters removed" in w for w in report.warnings)
    _check_store(db, good, refused)
    # Again: nothing stored twice.
    assert import_files([path], settings, db, workers=workers).statuses == {"unchanged": len(good)}
    db.dispose()


def test_the_cli_reports_each_bad_line_and_exits_1_within_bounds(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    path, good, refused, bad = hostile_corpus(tmp_path / "drop")
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'var'}\ndatabase:\n  url: {settings.database.url}\n")
    # The import runs under a fresh Python whose only children are the import's own processes, so
    # its RUSAGE_CHILDREN peak is theirs: this test process's RUSAGE_CHILDREN also counts whatever
    # earlier tests' worker processes happen to be reaped meanwhile.
    peak_file = tmp_path / "peak_kib"
    measure = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[2:]); "
               "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
               "sys.exit(done.returncode)")
    # A FIFO or /dev/zero read would hang or grow without bound: the timeout fails the test.
    done = subprocess.run([sys.executable, "-c", measure, str(peak_file),
                           sys.executable, "-m", "videre", "--config", str(config), "import", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("bad line: ") == bad
    assert f"{len(good)} new" in done.stdout and f"{bad} bad" in done.stdout
    assert int(peak_file.read_text()) < 200 * 1024
    db = Database.from_settings(settings)
    _check_store(db, good, refused)
    db.dispose()


@pytest.mark.postgres
def test_a_row_postgresql_refuses_costs_only_its_own_line(tmp_path: Path, pg_url: str) -> None:
    settings = make_settings(tmp_path, database={"url": pg_url})
    db = Database.from_settings(settings)
    path = tmp_path / "ads.jsonl"
    # sites.slug holds 64 characters: SQLite would take more, PostgreSQL refuses the row.
    rows = [_ad(1), _ad(2, site="s" * 100), _ad(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = import_files([path], settings, db, workers=0)
    assert report.statuses == {"new": 2}
    assert [(e.line, e.message.split(":")[0]) for e in report.errors] == [(2, "the database refused it")]
    with db.session() as s:
        assert set(s.scalars(select(Ad.url))) == {rows[0]["url"], rows[2]["url"]}
    db.dispose()
