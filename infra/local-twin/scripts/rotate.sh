#!/usr/bin/env bash
# Sets the administrator's password on the primary from its SCRAM-SHA-256 verifier (entrypoint.sh runs it at every
# start, on the socket-only server, so a rotation reaches the database before any client does).
#
# The session first turns off every place a statement's text can land, because this statement carries the verifier
# (from which the password can be brute-forced offline):
#   pgaudit.log                 pgaudit redacts ROLE-class statements by parsing them; this session relies on nothing
#                               being written at all
#   log_statement               logs the statement verbatim (ddl, all)
#   log_min_duration_statement  logs it verbatim when it is slow (the declared set logs anything over 1 s)
#   log_min_error_statement     logs it verbatim when it fails (a lock timeout, a missing role)
#   pg_stat_statements.track    keeps utility statements' text verbatim, readable by pg_read_all_stats (pg_monitor)
# All are superuser settings; the administrator is the twin's superuser.
set -Eeuo pipefail

die() {
  printf 'authdb rotate: %s\n' "$*" >&2
  exit 64
}
for v in AUTHDB_SECRETS_DIR AUTHDB_SOCKET_DIR AUTHDB_PORT AUTHDB_ADMIN_LOGIN; do
  [ -n "${!v:-}" ] || die "$v is not set"
done

verifier="$AUTHDB_SECRETS_DIR/administrator-scram-verifier"
# Checked here, on the client: a check on the server would send the value in a statement of its own.
grep -Eqx 'SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+' "$verifier" ||
  die "$verifier does not hold a SCRAM-SHA-256 verifier"

# psql reads the file itself (backticks): the verifier is in no argument and no environment variable.
AUTHDB_VERIFIER_FILE="$verifier" psql -X -q -v ON_ERROR_STOP=1 -h "$AUTHDB_SOCKET_DIR" -p "$AUTHDB_PORT" \
  -U "$AUTHDB_ADMIN_LOGIN" -d postgres -v admin_login="$AUTHDB_ADMIN_LOGIN" <<'SQL'
SET pgaudit.log = 'none';
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = 'panic';
SET pg_stat_statements.track = 'none';
\set admin_verifier `cat "$AUTHDB_VERIFIER_FILE"`
ALTER ROLE :"admin_login" PASSWORD :'admin_verifier';
SQL
