#!/usr/bin/env bash
# Install everything, make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up, and
# run the whole test suite twice: on SQLite, then on PostgreSQL (README.md, Tests).
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

redis_up() { .venv/bin/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_timeout=2).ping()" 2>/dev/null; }
if ! redis_up && ! command -v redis-server >/dev/null && command -v apt-get >/dev/null; then
  echo "== installing Redis"
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || true
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "== starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379 (apt-get install -y redis-server)"; exit 1; }

echo "== lint: ruff and the layer contracts (docs/architecture.md)"
.venv/bin/ruff check .
.venv/bin/lint-imports

# The two passes run side by side: each spends much of its time waiting on crawl processes,
# browsers and servers, so together they take little longer than the first alone. They share
# nothing: SQLite files live in each test's tmp_path, PostgreSQL databases get unique names.
log2=$(mktemp -t videre-pass2.XXXXXX)
trap 'rm -f "$log2"' EXIT
echo "== pass 2 (in the background): the suite again on PostgreSQL (VIDERE_TEST_DATABASE=postgres)"
# Every test on the shared `settings`/`db` fixtures, the web fixtures and the crawl configs gets a
# PostgreSQL database of its own. Browser tests and those marked `postgres` run in pass 1.
VIDERE_TEST_DATABASE=postgres .venv/bin/python -m pytest -q -p no:cacheprovider \
  -m "not browser and not postgres" "$@" >"$log2" 2>&1 &
pass2=$!

status=0
echo "== pass 1: the whole suite on SQLite (and the tests written for PostgreSQL and Redis)"
.venv/bin/python -m pytest -q "$@" || status=$?
wait "$pass2" || status=$?
echo "== pass 2: the suite again on PostgreSQL (VIDERE_TEST_DATABASE=postgres)"
cat "$log2"
exit "$status"
