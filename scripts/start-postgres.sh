#!/usr/bin/env bash
# Starts a PostgreSQL server on 127.0.0.1:5432 for the rock-mac tests and benchmark, and prints its URL.
# Idempotent: installs Debian's `postgresql` only if missing, starts the cluster only if it is down,
# creates role `rock` (password `rock`) and database `rock_test` only if missing.
# No systemd needed (CI containers have none): the cluster is driven with pg_ctlcluster.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "start-postgres: not root and no sudo: cannot install or start PostgreSQL" >&2
    exit 2
  fi
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "start-postgres: installing Debian package postgresql" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed server version, and its cluster (Debian's package creates `main`).
version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  echo "start-postgres: creating cluster $version/main" >&2
  $SUDO pg_createcluster "$version" main >/dev/null
fi

# Listen on loopback TCP with password authentication (the Debian default for 127.0.0.1 is scram).
conf_dir="/etc/postgresql/$version/main"
if ! grep -q "^listen_addresses = '127.0.0.1'" "$conf_dir/postgresql.conf"; then
  echo "listen_addresses = '127.0.0.1'" | $SUDO tee -a "$conf_dir/postgresql.conf" >/dev/null
fi
if ! grep -q "^port = 5432" "$conf_dir/postgresql.conf"; then
  echo "start-postgres: $conf_dir/postgresql.conf: expected port = 5432" >&2
  exit 1
fi

status="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }')"
if [ "$status" != "online" ]; then
  echo "start-postgres: starting cluster $version/main" >&2
  $SUDO pg_ctlcluster "$version" main start
fi

# Wait until it accepts connections (a fresh start replays its WAL first).
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then break; fi
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "start-postgres: server not ready on 127.0.0.1:5432" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sudo -u postgres sh -c "$1"; fi
}

if [ "$(as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'rock'\"")" != "1" ]; then
  echo "start-postgres: creating role rock" >&2
  as_postgres "psql -q -c \"CREATE ROLE rock LOGIN PASSWORD 'rock'\""
fi
if [ "$(as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'rock_test'\"")" != "1" ]; then
  echo "start-postgres: creating database rock_test" >&2
  as_postgres "createdb -O rock rock_test"
fi

echo "postgres://rock:rock@127.0.0.1:5432/rock_test"
