"""`videre import` and `videre extract` through the console script, as a user runs them: they end
without the interpreter's teardown (App.end_at_once), and still every line of their output reaches
the pipe, every ad is stored, the exit status is kept and the database is closed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from models.ads import Ad, AdVersion
from tests.conftest import make_settings
from videre.demo.generate import generate_world
from videre.store.db import Database

BASES = {"nattfjaril": "http://127.0.0.1:8701", "kvallsros": "http://127.0.0.1:8702",
         "stadsnytt": "http://127.0.0.1:8703", "vastkontakt": "http://127.0.0.1:8704"}
VIDERE = str(Path(sys.executable).parent / "videre")


def _lines(path: Path, bad_at: int) -> int:
    records = [{**r, "images": []} for r in generate_world(11, 4.0, with_photos=False).iter_records(BASES)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(bad_at, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(records)


def test_import_ends_at_once_with_its_report_and_every_ad_stored(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'var'}\ndatabase:\n  url: {settings.database.url}\n")
    data = tmp_path / "ads.jsonl"
    ads = _lines(data, bad_at=700)
    assert ads > 1_000  # several chunks, in worker processes
    run = subprocess.run([VIDERE, "--config", str(config), "import", str(data)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr  # one bad line
    assert run.stdout.strip() == f"{ads + 1} lines: {ads} new, 0 changed, 0 unchanged, 1 bad; 0 photos"
    assert f"{data}:701: " in run.stderr
    if settings.database.url.startswith("sqlite:///"):
        # SQLite folds its WAL away when the last connection closes.
        db_file = Path(settings.database.url.removeprefix("sqlite:///"))
        assert db_file.is_file() and not Path(f"{db_file}-wal").exists()
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Ad)) == ads
            assert s.scalar(select(func.count()).select_from(AdVersion)) == ads
    finally:
        db.dispose()


def test_extract_ends_at_once_with_every_line_written(tmp_path: Path) -> None:
    data = tmp_path / "ads.jsonl"
    ads = _lines(data, bad_at=1_200)
    with data.open("rb") as stdin:
        run = subprocess.run([VIDERE, "extract"], stdin=stdin, capture_output=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 1
    out = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]
    assert len(out) == ads + 1 and "error" in out[1_200]
    assert sum("phones" in row for row in out) == ads
    assert run.stderr.decode("utf-8").startswith("line 1201: ")
