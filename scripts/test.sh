#!/usr/bin/env bash
# Install everything, make sure PostgreSQL is up on 127.0.0.1:5432, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ls /etc/postgresql >/dev/null 2>&1; then
    echo "== starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 (trust auth, database test)"; exit 1; }

exec .venv/bin/python -m pytest -q "$@"
