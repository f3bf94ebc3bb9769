#!/usr/bin/env bash
# Entry point of both twin containers (the image's ENTRYPOINT), run as the postgres user: nothing here needs root, and
# nothing is installed at start (the image has pgaudit from its build).
#
# The official image's docker-entrypoint.sh is not used: it turns POSTGRES_PASSWORD_FILE into an exported
# POSTGRES_PASSWORD, which the server then inherits for its whole life (docs/local-twin.md). Here no password is ever
# in an environment variable or an argument; they stay in files.
#
# Every location comes from the environment (so the same script runs outside a container, as the integration test
# does); what the server *is* comes from the command, `postgres -c name=value …` (twin.ts postgresCommand).
#   AUTHDB_ROLE              primary | replica
#   AUTHDB_DATA_DIR          the data directory (a volume in the container)
#   AUTHDB_CONFIG_DIR        pg_hba.conf, pg_ident.conf; on the primary also bootstrap.sql and run.psql
#   AUTHDB_SECRETS_DIR       primary: the SCRAM verifiers; replica: the administrator's password
#   AUTHDB_TLS_DIR           server.crt, server.key; on the replica also ca.crt (to verify the primary)
#   AUTHDB_SOCKET_DIR        Unix socket directory
#   AUTHDB_LISTEN_ADDRESSES  TCP addresses the server listens on once set up ('*' in the container)
#   AUTHDB_PORT              TCP port (and socket name)
#   AUTHDB_ADMIN_LOGIN       the administrator role (bootstrap superuser, replication login)
# primary: AUTHDB_DATABASE, AUTHDB_ENCODING, AUTHDB_LOCALE (init.sh)
# replica: AUTHDB_PRIMARY_HOST, AUTHDB_PRIMARY_PORT, AUTHDB_REPLICATION_SLOT, AUTHDB_PASSFILE (clone.sh)
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf 'authdb: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 64
}
need() { for v; do [ -n "${!v:-}" ] || die "$v is not set"; done; }

need AUTHDB_ROLE AUTHDB_DATA_DIR AUTHDB_CONFIG_DIR AUTHDB_SECRETS_DIR AUTHDB_TLS_DIR AUTHDB_SOCKET_DIR \
  AUTHDB_LISTEN_ADDRESSES AUTHDB_PORT AUTHDB_ADMIN_LOGIN
[ "$(id -u)" != 0 ] || die "runs as the postgres user, not root (the image's USER)"
[ "${1:-}" = postgres ] || die "the command must be 'postgres -c name=value …', not '${1:-}'"
# Everything this script writes (the passfile above all) is for the postgres user only.
umask 077

location=(-D "$AUTHDB_DATA_DIR" -c "port=$AUTHDB_PORT" -c "unix_socket_directories=$AUTHDB_SOCKET_DIR")
admin_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$AUTHDB_SOCKET_DIR" -p "$AUTHDB_PORT" -U "$AUTHDB_ADMIN_LOGIN" "$@"
}

temp_pid=
stop_temp_server() {
  if [ -n "$temp_pid" ] && kill -0 "$temp_pid" 2>/dev/null; then
    kill -INT "$temp_pid" # fast shutdown
    wait "$temp_pid" || true
  fi
  temp_pid=
}
trap stop_temp_server EXIT

# The same server, socket only: no TCP client can connect before the rotation and the bootstrap are complete, and no
# other session exists while the administrator's verifier is in flight.
start_temp_server() {
  "$@" "${location[@]}" -c listen_addresses= &
  temp_pid=$!
  local deadline=$((SECONDS + ${AUTHDB_START_SECONDS:-120}))
  # As the administrator (peer map): pg_isready as "postgres" would log a failed login at every start.
  until pg_isready -q -h "$AUTHDB_SOCKET_DIR" -p "$AUTHDB_PORT" -U "$AUTHDB_ADMIN_LOGIN" -d postgres; do
    kill -0 "$temp_pid" 2>/dev/null || die "the socket-only server exited during start-up"
    ((SECONDS < deadline)) || die "the socket-only server did not start within ${AUTHDB_START_SECONDS:-120}s"
    sleep 0.2
  done
}

# libpq (pg_basebackup, then the walreceiver through primary_conninfo's passfile=) reads the administrator's password
# from this file: never an argument or a variable. Rewritten at every start, so a rotated password reaches replication.
write_passfile() {
  {
    printf '%s:%s:*:%s:' "$AUTHDB_PRIMARY_HOST" "$AUTHDB_PRIMARY_PORT" "$AUTHDB_ADMIN_LOGIN"
    # .pgpass escapes ':' and '\' with a backslash.
    sed -e 's/[\\:]/\\&/g' "$AUTHDB_SECRETS_DIR/administrator-password"
    printf '\n'
  } >"$AUTHDB_PASSFILE.tmp"
  mv -f "$AUTHDB_PASSFILE.tmp" "$AUTHDB_PASSFILE"
}

case "$AUTHDB_ROLE" in
  primary)
    need AUTHDB_DATABASE
    [ -s "$AUTHDB_DATA_DIR/PG_VERSION" ] || "$here/init.sh"
    start_temp_server "$@"
    # At every start, so that a rotation (which replaces the container) reaches the database before any client does.
    "$here/rotate.sh"
    admin_psql -d postgres -v db="$AUTHDB_DATABASE" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    # The bootstrap exactly as the Kubernetes Job runs it (infra/bootstrap.ts bootstrapDriver); it is idempotent.
    admin_psql -d "$AUTHDB_DATABASE" -f "$AUTHDB_CONFIG_DIR/run.psql"
    stop_temp_server
    ;;
  replica)
    need AUTHDB_PRIMARY_HOST AUTHDB_PRIMARY_PORT AUTHDB_REPLICATION_SLOT AUTHDB_PASSFILE
    write_passfile
    [ -s "$AUTHDB_DATA_DIR/PG_VERSION" ] || "$here/clone.sh"
    ;;
  *) die "AUTHDB_ROLE must be primary or replica, not $AUTHDB_ROLE" ;;
esac

log "starting the $AUTHDB_ROLE on $AUTHDB_LISTEN_ADDRESSES:$AUTHDB_PORT"
exec "$@" "${location[@]}" -c "listen_addresses=$AUTHDB_LISTEN_ADDRESSES"
