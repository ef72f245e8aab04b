#!/usr/bin/env bash
# Install everything Videre needs on a fresh Debian/Ubuntu machine with Python 3.11+:
# Debian's Chromium (for JavaScript sites), then a virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "Videre needs Python 3.11 or newer"'

if ! command -v uv >/dev/null 2>&1; then
  # uv builds the environment about six times faster than pip; fall back to pip if it cannot be had.
  "$PY" -m pip install -q uv 2>/dev/null || "$PY" -m pip install -q --user uv 2>/dev/null || true
  export PATH="$HOME/.local/bin:$PATH"
fi

echo "== creating .venv"
if command -v uv >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || uv venv -q --python "$PY" .venv
  # pdqhash builds from source and needs numpy and Cython present at build time.
  uv pip install -q --python .venv/bin/python numpy cython setuptools wheel
  uv pip install -q --python .venv/bin/python --no-build-isolation -e ".[test]"
else
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q numpy cython setuptools wheel
  .venv/bin/pip install -q --no-build-isolation -e ".[test]"
fi
# Bytecode compiled now, as pip does for what it installs (uv and an editable install do not):
# otherwise every command compiles SQLAlchemy and the rest again wherever .pyc files cannot be
# written (PYTHONDONTWRITEBYTECODE), about 2 s of start-up (bench/README.md "Import").
.venv/bin/python -m compileall -q -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
  videre crawler triage models >/dev/null 2>&1 || true
echo "== installed: $(.venv/bin/videre --version)"
