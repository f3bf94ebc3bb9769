#!/usr/bin/env bash
# First start of the replica (entrypoint.sh runs it when the data directory holds no cluster): a base backup of the
# primary over TLS, verified against the twin's CA (verify-full: certificate and host name, before the password is
# sent), streaming its WAL through a physical replication slot, and written as a standby (-R).
set -Eeuo pipefail

die() {
  printf 'authdb clone: %s\n' "$*" >&2
  exit 64
}
for v in AUTHDB_DATA_DIR AUTHDB_TLS_DIR AUTHDB_PRIMARY_HOST AUTHDB_PRIMARY_PORT AUTHDB_ADMIN_LOGIN \
  AUTHDB_REPLICATION_SLOT AUTHDB_PASSFILE; do
  [ -n "${!v:-}" ] || die "$v is not set"
done

# -R writes these into postgresql.auto.conf as primary_conninfo: the walreceiver then verifies the primary the same
# way and reads the password from the same passfile (which entrypoint.sh rewrites at every start). No password in it.
conninfo="host=$AUTHDB_PRIMARY_HOST port=$AUTHDB_PRIMARY_PORT user=$AUTHDB_ADMIN_LOGIN sslmode=verify-full"
conninfo+=" sslrootcert=$AUTHDB_TLS_DIR/ca.crt passfile=$AUTHDB_PASSFILE connect_timeout=5"

deadline=$((SECONDS + ${AUTHDB_WAIT_SECONDS:-300}))
until pg_isready -q -d "$conninfo dbname=postgres"; do
  ((SECONDS < deadline)) || die "$AUTHDB_PRIMARY_HOST:$AUTHDB_PRIMARY_PORT did not answer within ${AUTHDB_WAIT_SECONDS:-300}s"
  printf 'authdb clone: waiting for %s:%s\n' "$AUTHDB_PRIMARY_HOST" "$AUTHDB_PRIMARY_PORT" >&2
  sleep 1
done

# A slot left behind by an earlier replica whose volume was wiped would make --create-slot fail; an active one (a live
# replica) is left alone, and the base backup then fails, as it should.
psql -X -q -v ON_ERROR_STOP=1 -d "$conninfo dbname=postgres" -v slot="$AUTHDB_REPLICATION_SLOT" <<'SQL'
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = :'slot' AND NOT active;
SQL

pg_basebackup -d "$conninfo" -D "$AUTHDB_DATA_DIR" -R -X stream -C -S "$AUTHDB_REPLICATION_SLOT" \
  --checkpoint=fast --no-password
# PostgreSQL refuses a data directory that others can read; the volume's mount point may come with looser modes.
chmod 0700 "$AUTHDB_DATA_DIR"
