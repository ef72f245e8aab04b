"""`videre queue list --format jsonl` lists every ad URL of an item and their number (the stored
summary for the web UI is capped; the command is not)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.triage.builders import add_ad, fiction
from triage import queue_items as items
from triage.rescore import rescore
from videre.cli.main import main
from videre.core.config import Settings
from videre.store.db import Database


def test_jsonl_lists_every_ad_url_beyond_the_summary_cap(db: Database, settings: Settings, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(items, "MAX_SUMMARY_ADS", 5)
    roster = ["Alina", "Bianca", "Daria", "Elena", "Ioana", "Maria"]
    for i in range(24):
        add_ad(db, f"ad-{i:02d}", name=roster[i % 6], age=20 + i % 6, city="Göteborg", phones=(fiction(1),),
               body=f"{roster[i % 6]} hos oss i Göteborg. Boka på vårt nummer.", days=i)
    rescore(settings, db, full=True)
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {settings.data_dir}\ndatabase:\n  url: {settings.database.url}\n",
                      encoding="utf-8")
    out = CliRunner().invoke(main, ["--config", str(config), "queue", "list", "--format", "jsonl", "--limit", "0"])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines() if line.strip()]
    assert len(lines) == 1
    item = lines[0]
    assert item["ad_count"] == len(item["ads"]) == 24
    assert sorted(u.rsplit("/", 1)[-1] for u in item["ads"]) == [f"ad-{i:02d}" for i in range(24)]
    assert {"id", "score", "status", "reasons", "phones", "cities", "first_seen", "last_seen"} <= set(item)
