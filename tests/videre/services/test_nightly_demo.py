"""`videre schedule --once` against a demo site: what an operator finds in `videre runs` after a
normal night, and after a night whose crawl was killed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from models.ops import Run
from tests.crawler.conftest import demo_config
from videre.cli.main import main
from videre.core.config import load_settings
from videre.demo import DemoSites, generate_world, serve_demo
from videre.store.db import Database


@pytest.fixture
def demo() -> Iterator[DemoSites]:
    with serve_demo(generate_world(7, 0.1)) as sites:
        yield sites


def _cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def _runs(config: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _cli(config, "runs", "--format", "jsonl").output.splitlines()]


@pytest.mark.slow
def test_a_normal_night_then_a_night_after_a_crash(tmp_path: Path, demo: DemoSites) -> None:
    config = demo_config(tmp_path, demo)
    night = _cli(config, "schedule", "--once", "--site", "nattfjaril")
    assert night.exit_code == 0, night.output
    assert "nightly run #" in night.output and ": ok:" in night.output
    runs = _runs(config)  # newest first
    assert [(r["kind"], r["site"], r["status"]) for r in runs] == [
        ("rescore", None, "ok"), ("crawl", "nattfjaril", "ok"), ("nightly", None, "ok")]
    assert runs[2]["ads_new"] == runs[1]["ads_new"] == len(demo.listing("nattfjaril"))

    # The next night's crawl is killed outright (its row stays "running"), the scheduler with it.
    db = Database.from_settings(load_settings(config, env={}))
    with db.session() as s:
        s.add_all([Run(kind="nightly", status="running"), Run(kind="crawl", site="nattfjaril", status="running")])
    db.dispose()
    demo.remove_ad(demo.listing("nattfjaril")[0].id)
    after = _cli(config, "schedule", "--once", "--site", "nattfjaril")
    assert after.exit_code == 1  # not a clean night: it had to clean up after a crash
    assert "warning: closed 2 run(s) left open by a dead process" in after.output
    runs = _runs(config)
    assert [(r["kind"], r["status"]) for r in runs[:5]] == [
        ("rescore", "ok"), ("crawl", "ok"), ("nightly", "partial"), ("crawl", "killed"), ("nightly", "killed")]
    assert runs[1]["ads_gone"] == 1 and runs[1]["ads_new"] == 0
    assert runs[2]["ads_gone"] == 1
    table = _cli(config, "runs").output
    assert "killed" in table and "+0 ~0 =" in table and " -1 " in table
