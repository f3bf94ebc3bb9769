#!/usr/bin/env bash
# Make sure Debian's PostgreSQL 15 server binaries, the pgaudit extension and pgBackRest (the offsite drill) are installed.
# Used by `npm test` (pretest) and by the drill CLI. Idempotent: when everything is present it only runs two `test -e`.
# Debian's postgresql-15 package may create and start its own cluster on port 5432; the drill never uses it and this
# script leaves it alone.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PGAUDIT_CONTROL=/usr/share/postgresql/15/extension/pgaudit.control

missing=()
[ -x "$PG_BIN/pg_ctl" ] || missing+=("pg_ctl")
[ -x "$PG_BIN/pgbench" ] || missing+=("pgbench")
[ -e "$PGAUDIT_CONTROL" ] || missing+=("pgaudit")
[ -x /usr/bin/pgbackrest ] || missing+=("pgbackrest")
if ! command -v openssl >/dev/null 2>&1; then missing+=("openssl"); fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "ensure-postgres: missing ${missing[*]}; installing postgresql-15 postgresql-15-pgaudit pgbackrest" >&2

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-postgres: not root and sudo is not available; install postgresql-15 and postgresql-15-pgaudit by hand" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  postgresql-15 postgresql-15-pgaudit postgresql-client-15 pgbackrest openssl ca-certificates

for f in "$PG_BIN/pg_ctl" "$PG_BIN/pgbench" "$PGAUDIT_CONTROL" /usr/bin/pgbackrest; do
  if [ ! -e "$f" ]; then
    echo "ensure-postgres: $f still missing after install" >&2
    exit 1
  fi
done
echo "ensure-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') with pgaudit, $(pgbackrest version) ready" >&2
