"""`videre demo` end to end: demo sites, a real crawl (Chromium included), re-score, queue."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from videre.demo.generate import generate_world

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_config(tmp_path: Path) -> Path:
    """The repository's config.yaml with the demo sites moved to free ports and a temp database."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for site in data["sites"]:
        port = _free_port()
        site["start_urls"] = [u.replace(f":{urlsplit(u).port}", f":{port}") for u in site["start_urls"]]
    data["data_dir"] = str(tmp_path / "var")
    data["database"] = {"url": f"sqlite:///{tmp_path / 'demo.db'}"}
    data.setdefault("crawl", {})["download_delay"] = 0
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.browser
@pytest.mark.slow
def test_demo_ranks_a_planted_organised_group_above_every_independent_seller(tmp_path: Path) -> None:
    cfg = demo_config(tmp_path)
    run = subprocess.run([sys.executable, "-m", "videre", "--config", str(cfg), "demo",
                          "--no-serve", "--top", "5"], capture_output=True, text=True, timeout=900,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Re-scored" in run.stdout

    listed = subprocess.run([sys.executable, "-m", "videre", "--config", str(cfg), "queue",
                             "list", "--format", "jsonl", "--limit", "0"],
                            capture_output=True, text=True, timeout=120, check=True)
    items = [json.loads(line) for line in listed.stdout.splitlines()]
    assert items, "the demo queue is empty"

    truth = generate_world(7).truth()
    kind_of = {a["path"]: g["kind"] for g in truth["groups"] for a in g["ads"]}

    def kinds(item: dict) -> set[str]:
        return {kind_of.get(urlsplit(u).path, "?") for u in item["ads"]}

    organised = [i for i, item in enumerate(items) if kinds(item) <= {"organised", "agency"}]
    independent = [i for i, item in enumerate(items)
                   if kinds(item) & {"independent", "reposter", "tourer", "stock_phrase"}]
    assert organised, f"no planted group in the queue: {[sorted(kinds(i)) for i in items]}"
    assert organised[0] < min(independent, default=len(items))
    assert all(item["reasons"] for item in items)


def test_the_demo_writes_the_bundled_example_config_where_there_is_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from videre.cli.demo import _write_example_config
    from videre.cli.main import App
    from videre.demo.sites import SITES

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIDERE_CONFIG", raising=False)
    monkeypatch.delenv("VIDERE_DATABASE_URL", raising=False)
    app = App(None)
    assert app.settings.source is None and not app.settings.sites
    _write_example_config(app)
    assert (tmp_path / "config.yaml").is_file()
    assert app.settings.source == (tmp_path / "config.yaml").resolve()
    assert {s.slug for s in app.settings.sites} >= set(SITES)
    # Relative paths are anchored at the written file, so the demo's data stays in this folder.
    assert str(tmp_path) in app.settings.database.url
