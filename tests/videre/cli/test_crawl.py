"""`videre crawl` as a user runs it: a real crawl of a demo site, a failing site, a typo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.crawler.conftest import demo, demo_config, world  # noqa: F401 (the demo fixtures)
from videre.cli.main import main
from videre.demo import DemoSites, World


def _config(tmp_path: Path, demo: DemoSites, cards: str = "ads") -> Path:
    def edit(site: dict[str, Any]) -> None:
        if site["slug"] == "vastkontakt":
            site["listing"]["cards"] = cards

    return demo_config(tmp_path, demo, edit)


def videre(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The console script, as a user types it (python -m videre.cli.main would load main.py twice).
    return subprocess.run([str(Path(sys.executable).parent / "videre"), "--config", str(config), *args],
                          capture_output=True, text=True, timeout=600)


def test_help_has_an_example() -> None:
    out = CliRunner().invoke(main, ["crawl", "--help"]).output
    assert "videre crawl nattfjaril kvallsros" in out and "--timeout" in out


def test_crawl_prints_counts_per_site(tmp_path: Path, demo: DemoSites, world: World) -> None:
    cfg = _config(tmp_path, demo)
    run = videre(cfg, "crawl", "vastkontakt")
    assert run.returncode == 0, run.stdout + run.stderr
    n = world.truth()["sites"]["vastkontakt"]["ads"]
    row = next(line for line in run.stdout.splitlines() if "vastkontakt" in line)
    cells = [c.strip() for c in row.strip("│┃| ").split("│")]
    pages = world.truth()["sites"]["vastkontakt"]["listing_pages"]
    assert cells[:7] == ["vastkontakt", "ok", str(pages), str(n), "0", "0", cells[6]]
    assert int(cells[6]) > 0 and cells[7] == "-"
    assert "s in all" in run.stdout


def test_a_failed_site_says_why_and_exits_1(tmp_path: Path, demo: DemoSites) -> None:
    run = videre(_config(tmp_path, demo, cards="annonser"), "crawl", "vastkontakt")
    assert run.returncode == 1
    assert "failed" in run.stdout
    assert "no ads stored" in run.stdout
    assert "annonser is not a list of ads" in run.stdout


def test_an_unknown_site_is_refused_before_anything_starts(tmp_path: Path, demo: DemoSites) -> None:
    run = videre(_config(tmp_path, demo), "crawl", "nattfjaril", "nosuchsite")
    assert run.returncode == 2
    assert "no site 'nosuchsite' in config" in run.stderr
