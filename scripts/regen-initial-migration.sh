#!/usr/bin/env bash
# Development only, before the first release: rewrite the single initial migration from the
# models, against an empty SQLite database. Once a database in the field has been migrated,
# add new revisions with `alembic revision --autogenerate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f alembic/versions/0001_initial.py
VIDERE_DATABASE_URL="sqlite:///$tmp/empty.db" \
  alembic -c alembic.ini revision --autogenerate --rev-id 0001 -m "initial schema" >/dev/null
mv alembic/versions/0001_initial_schema.py alembic/versions/0001_initial.py
echo "wrote alembic/versions/0001_initial.py"
