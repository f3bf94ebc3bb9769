#!/usr/bin/env bash
# First start of the primary (entrypoint.sh runs it when the data directory holds no cluster): initdb, with the
# administrator as the bootstrap superuser.
#
# initdb's --pwfile gets the administrator's SCRAM verifier, not the password: initdb hands the file's first line to
# ALTER USER … PASSWORD, and PostgreSQL stores a value that is already a SCRAM verifier as it is (docs, CREATE ROLE).
# So the primary never holds the administrator's cleartext at all; only the replica, which logs in with it, does.
set -Eeuo pipefail

die() {
  printf 'authdb init: %s\n' "$*" >&2
  exit 64
}
for v in AUTHDB_DATA_DIR AUTHDB_SECRETS_DIR AUTHDB_ADMIN_LOGIN AUTHDB_ENCODING AUTHDB_LOCALE; do
  [ -n "${!v:-}" ] || die "$v is not set"
done

verifier="$AUTHDB_SECRETS_DIR/administrator-scram-verifier"
# Checked on the client: anything else (a cleartext password uploaded by mistake) would be stored as a password.
grep -Eqx 'SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+' "$verifier" ||
  die "$verifier does not hold a SCRAM-SHA-256 verifier"

# The generated pg_hba.conf is never read (hba_file points at the uploaded one); its methods are the safe ones anyway.
initdb -D "$AUTHDB_DATA_DIR" --username="$AUTHDB_ADMIN_LOGIN" --pwfile="$verifier" \
  --auth-local=peer --auth-host=scram-sha-256 \
  --encoding="$AUTHDB_ENCODING" --lc-collate="$AUTHDB_LOCALE" --lc-ctype="$AUTHDB_LOCALE" --no-instructions
