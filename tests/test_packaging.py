"""A built wheel runs on its own: `videre --version` and a first-use migration from another folder.

The wheel goes into a fresh virtual environment that borrows only the third-party dependencies of
the test environment, so nothing from the checkout can stand in for what the wheel lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The build writes setuptools' build/ folder inside the checkout, and the PostgreSQL pass runs
# beside the SQLite one (scripts/test.sh); the wheel does not depend on the backend, so it is
# built once, in the SQLite pass.
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.environ.get("VIDERE_TEST_DATABASE") == "postgres",
                                 reason="backend-independent; built in the SQLite pass")]


def _build_wheel(out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("videre-*.whl"))


def _install(wheel: Path, env_dir: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    uv = shutil.which("uv")
    if uv:
        subprocess.run([uv, "pip", "install", "-q", "--no-deps", "--python", str(python), str(wheel)],
                       check=True, capture_output=True, timeout=300)
    else:  # a wheel is a zip laid out for site-packages
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(site)
    # Third-party dependencies come from the test environment; its own `videre` install is an
    # editable finder whose .pth is not run from a path added this way.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_the_wheel_carries_its_migrations_and_runs_from_another_folder(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    assert "videre/migrations/env.py" in names and "videre/config.example.yaml" in names
    assert any(n.startswith("videre/migrations/versions/") and n.endswith(".py") for n in names)
    assert not any(n.startswith(("alembic/", "tests/", "bench/")) for n in names)

    python = _install(wheel, tmp_path / "env")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIDERE_CONFIG")}
    env["VIDERE_DATABASE_URL"] = f"sqlite:///{elsewhere / 'fresh.db'}"

    where = subprocess.run([str(python), "-c", "import videre.store.db as d; print(d.ALEMBIC_DIR)"],
                           cwd=elsewhere, env=env, check=True, capture_output=True, text=True).stdout
    assert str(tmp_path / "env") in where and str(REPO) not in where

    shown = subprocess.run([str(python), "-m", "videre", "--version"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert version("videre") in shown.stdout

    runs = subprocess.run([str(python), "-m", "videre", "runs", "--format", "jsonl"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)
    assert runs.returncode == 0, runs.stderr
    tables = subprocess.run([str(python), "-c", (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "print(c.execute('select version_num from alembic_version').fetchone()[0]);"
        "print(c.execute(\"select count(*) from sqlite_master where type='table'\").fetchone()[0])"),
        str(elsewhere / "fresh.db")], capture_output=True, text=True, check=True).stdout.split()
    assert tables[0] and int(tables[1]) > 10
