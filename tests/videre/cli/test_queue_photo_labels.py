"""`videre queue list|show` name photos by their short label (P17), as the web UI does, while the
jsonl contract keeps the stored reason text."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import copy_database
from tests.videre.web.conftest import seeded_file  # noqa: F401  (the seeded web world, reused)
from tests.videre.web.seed import World
from videre.cli.main import main


def _run(tmp_path: Path, seeded: tuple[str, World], *args: str) -> str:
    url = copy_database(seeded[0], tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'var'}\ndatabase:\n  url: {url}\n")
    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False,
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_show_names_photos_by_short_label(tmp_path: Path, seeded_file: tuple[str, World]) -> None:
    world = seeded_file[1]
    out = _run(tmp_path, seeded_file, "queue", "show", str(world.items["organised"]))
    label = f"P{world.photos['shared']}"
    assert f"photo {label} under Anna, Bella" in out
    assert not any(len(w.strip(".,;:")) == 64 for w in out.split())
    assert f"photos {label}" in out


def test_jsonl_keeps_the_stored_reason_text(tmp_path: Path, seeded_file: tuple[str, World]) -> None:
    out = _run(tmp_path, seeded_file, "queue", "list", "--format", "jsonl", "--limit", "1")
    item = json.loads(out.splitlines()[0])
    photo = next(r for r in item["reasons"] if r["code"] == "shared_photos")
    assert len(photo["text"].split("photo ")[1].split(" ")[0]) == 64
    assert set(item) >= {"id", "score", "status", "reasons", "ads", "phones", "cities", "first_seen", "last_seen"}
