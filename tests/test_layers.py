"""The layer contracts in pyproject.toml hold, and an upward import breaks them (docs/architecture.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("videre", "crawler", "triage", "models")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is installed with the test extras")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def _copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    for pkg in PACKAGES:
        shutil.copytree(REPO / pkg, root / pkg, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "translations", "data"))
    return root


def test_the_tree_keeps_its_layers() -> None:
    done = _lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "upward"), [
    ("videre/extract/upward.py", "import videre.store.db"),
    ("triage/upward.py", "from videre.services import review"),
    ("crawler/upward.py", "import triage.score"),
])
def test_an_upward_import_breaks_the_contract(tmp_path: Path, module: str, upward: str) -> None:
    root = _copy_tree(tmp_path)
    (root / module).write_text(f'"""Imports a layer above its own."""\n{upward}\n')
    done = _lint(root)
    assert done.returncode != 0
    assert "Layers only point down BROKEN" in done.stdout
    assert module.removesuffix(".py").replace("/", ".") in done.stdout
