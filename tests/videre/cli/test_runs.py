"""`videre runs`, `videre purge` and `videre schedule --once` as an operator uses them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from models.ops import Run
from tests.videre.stored_ads import add_ad
from videre.cli.main import main
from videre.core.config import load_settings
from videre.store.db import Database

NIGHT = datetime(2026, 11, 27, 1, 15, tzinfo=timezone.utc)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"data_dir": "var", "database": {"url": f"sqlite:///{tmp_path / 'v.db'}"},
                                    "sites": []}))
    return path


@pytest.fixture
def db(config: Path) -> Database:
    database = Database.from_settings(load_settings(config, env={}))
    with database.session() as s:
        s.add_all([
            Run(kind="crawl", site="nattfjaril", status="ok", started_at=NIGHT,
                finished_at=NIGHT + timedelta(minutes=7, seconds=5), pages=31, ads_new=12, ads_changed=3,
                ads_unchanged=590, ads_gone=4, photos=40),
            Run(kind="crawl", site="kvallsros", status="partial", started_at=NIGHT + timedelta(minutes=1),
                finished_at=NIGHT + timedelta(minutes=20), pages=12, ads_new=0, ads_unchanged=9,
                errors={"fetch": 3, "photo": 1},
                error_samples=[{"kind": "fetch", "where": "http://127.0.0.1:8702/annons/x1",
                                "message": "HTTP 503"}],
                warnings=["site changed? 9 ads seen, against 150 usually (median of the last 5 runs)"]),
            Run(kind="nightly", status="killed", started_at=NIGHT - timedelta(days=1),
                message="its process ended without closing the run"),
        ])
    return database


def _invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def test_the_table_shows_counts_errors_and_the_site_changed_flag(config: Path, db: Database) -> None:
    out = _invoke(config, "runs").output
    lines = out.splitlines()
    kvallsros = next(line for line in lines if "kvallsros" in line)
    assert "partial site changed?" in kvallsros and "fetch:3 photo:1" in kvallsros
    nattfjaril = next(line for line in lines if "nattfjaril" in line)
    assert "+12 ~3 =590 -4" in nattfjaril and "7m05s" in nattfjaril and "02:15" in nattfjaril
    # Newest first.
    assert out.index("kvallsros") < out.index("nattfjaril") < out.index("killed")


def test_jsonl_and_filters(config: Path, db: Database) -> None:
    rows = [json.loads(line) for line in _invoke(config, "runs", "--kind", "crawl", "--format", "jsonl").output.splitlines()]
    assert [r["site"] for r in rows] == ["kvallsros", "nattfjaril"]
    assert rows[1]["seconds"] == 425 and rows[1]["ads_gone"] == 4
    only = _invoke(config, "runs", "--site", "nattfjaril", "--format", "json").output
    assert [r["site"] for r in json.loads(only)] == ["nattfjaril"]
    assert json.loads(_invoke(config, "runs", "--status", "killed", "--format", "json").output)[0]["kind"] == "nightly"


def test_one_run_in_full_with_error_samples(config: Path, db: Database) -> None:
    out = _invoke(config, "runs", "2").output
    assert "HTTP 503" in out and "http://127.0.0.1:8702/annons/x1" in out and "median of the last 5 runs" in out
    result = CliRunner().invoke(main, ["--config", str(config), "runs", "99"])
    assert result.exit_code == 2 and "no run 99" in result.output


def test_purge_dry_run_then_purge(config: Path, db: Database) -> None:
    with db.session() as s:
        add_ad(s, "http://127.0.0.1:8701/annons/gammal", seen=datetime.now(timezone.utc) - timedelta(days=400))
    dry = _invoke(config, "purge", "--dry-run").output
    assert "would purge: 1 ads" in dry and "http://127.0.0.1:8701/annons/gammal" in dry
    done = _invoke(config, "purge").output
    assert "purged: 1 ads" in done and "audit log" in done
    assert "would purge: 0 ads" in _invoke(config, "purge", "--dry-run").output
    runs = json.loads(_invoke(config, "runs", "--kind", "purge", "--format", "json").output)
    assert runs[0]["ads_gone"] == 1


def test_schedule_once_without_sites_says_so_and_fails(config: Path, db: Database) -> None:
    result = CliRunner().invoke(main, ["--config", str(config), "schedule", "--once"])
    assert result.exit_code == 1
    assert "warning: no enabled sites to crawl" in result.output


def test_rescore_and_import_refuse_to_run_beside_a_crawl(config: Path, db: Database,
                                                         tmp_path: Path) -> None:
    from videre.store.oplock import OpsLock

    records = tmp_path / "ads.jsonl"
    records.write_text("")
    settings = load_settings(config, env={})
    with OpsLock(db, settings.path("locks"), purpose="crawl"):
        for args in (["rescore"], ["import", str(records)]):
            result = CliRunner().invoke(main, ["--config", str(config), *args])
            assert result.exit_code == 2, result.output
            assert "another Videre process is writing ads" in result.output
            assert "crawl by pid" in result.output
    assert _invoke(config, "rescore").exit_code == 0
