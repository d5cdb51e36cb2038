#!/usr/bin/env bash
# Starts the local services the test suites use (PostgreSQL) and prints the
# environment variables that point the suites at them. Idempotent.
# Usage: eval "$(bash scripts/test-services.sh)"
set -euo pipefail

PG_USER=acs
PG_PASSWORD=acs
PG_DB=acs_test

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "echo 'PostgreSQL is not installed: apt-get install -y postgresql' >&2"
  exit 0
fi

cluster=$(pg_lsclusters --no-header | head -n1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  pg_createcluster "$version" main >/dev/null
  cluster=$(pg_lsclusters --no-header | head -n1)
fi
version=$(echo "$cluster" | awk '{print $1}')
name=$(echo "$cluster" | awk '{print $2}')
port=$(echo "$cluster" | awk '{print $3}')
status=$(echo "$cluster" | awk '{print $4}')
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$name" start >&2
fi

for _ in $(seq 1 50); do
  if runuser -u postgres -- psql -p "$port" -qtAc 'select 1' >/dev/null 2>&1; then break; fi
  sleep 0.2
done

runuser -u postgres -- psql -p "$port" -qtAc \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD' CREATEDB; END IF; END\$\$;" >&2
if [ "$(runuser -u postgres -- psql -p "$port" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  runuser -u postgres -- createdb -p "$port" -O "$PG_USER" "$PG_DB" >&2
fi

echo "export ACS_TEST_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
