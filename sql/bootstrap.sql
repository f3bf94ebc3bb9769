-- authdb bootstrap (issue 7 §2): the install plan's two roles and their privileges in phonebill_auth — nothing else.
--
-- Run as the server administrator (on Azure a member of azure_pg_admin, not a superuser), connected to phonebill_auth:
--   psql "host=<fqdn> dbname=phonebill_auth user=<admin> sslmode=require" -v ON_ERROR_STOP=1 \
--        -v app_password="$APP_PASSWORD" -v monitor_password="$MONITOR_PASSWORD" -f sql/bootstrap.sql
-- Idempotent: every run (re)sets both passwords, so running it again with new values is the rotation procedure.
-- No password is stored here; they arrive as psql variables and are quoted with format('%L') before \gexec.
-- Default privileges cover tables/sequences later created in public by the role that runs this script (the migrations
-- must run as that same role).

\set ON_ERROR_STOP on

\if :{?app_password}
\else
  \warn 'bootstrap.sql: -v app_password=... is required'
  SELECT 1 / 0 AS app_password_is_required;
\endif
\if :{?monitor_password}
\else
  \warn 'bootstrap.sql: -v monitor_password=... is required'
  SELECT 1 / 0 AS monitor_password_is_required;
\endif

DO $$
BEGIN
  IF current_database() <> 'phonebill_auth' THEN
    RAISE EXCEPTION 'bootstrap.sql must run connected to phonebill_auth, not %', current_database();
  END IF;
END
$$;

-- The passwords as SQL-quoted literals (never interpolated raw into SQL).
SELECT format('%L', :'app_password') AS app_password_literal,
       format('%L', :'monitor_password') AS monitor_password_literal,
       length(:'app_password') >= 16 AND length(:'monitor_password') >= 16 AS passwords_long_enough
\gset
\if :passwords_long_enough
\else
  \warn 'bootstrap.sql: passwords must be at least 16 characters'
  SELECT 1 / 0 AS passwords_too_short;
\endif

BEGIN;

-- Roles: create when missing (NOSUPERUSER, NOREPLICATION, NOBYPASSRLS are the defaults, and only a true superuser may
-- even restate them), then always (re)apply attributes and password (rotation-safe).
SELECT 'CREATE ROLE phonebill_auth_user'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'phonebill_auth_user') \gexec
SELECT 'CREATE ROLE phonebill_monitor'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'phonebill_monitor') \gexec

SELECT format('ALTER ROLE phonebill_auth_user WITH LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 50 PASSWORD %s',
              :'app_password_literal') \gexec
SELECT format('ALTER ROLE phonebill_monitor WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD %s',
              :'monitor_password_literal') \gexec

-- Monitoring: pg_monitor (statistics views) and a read-only session default.
GRANT pg_monitor TO phonebill_monitor;
ALTER ROLE phonebill_monitor SET default_transaction_read_only = on;

-- Database and schema access. Nobody but the owner creates objects in public (PG15 already revokes it from PUBLIC;
-- stated explicitly so an older or altered database gets the same result).
GRANT CONNECT ON DATABASE phonebill_auth TO phonebill_auth_user, phonebill_monitor;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM phonebill_auth_user, phonebill_monitor;
GRANT USAGE ON SCHEMA public TO phonebill_auth_user, phonebill_monitor;

-- Application: DML only, on what exists now and on what the running role creates later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO phonebill_auth_user;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO phonebill_auth_user;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO phonebill_auth_user;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO phonebill_auth_user;

-- Monitoring: read-only on the application's tables.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO phonebill_monitor;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO phonebill_monitor;

COMMIT;
