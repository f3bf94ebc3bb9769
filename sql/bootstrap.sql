-- authdb bootstrap: the install plan's two roles and their privileges in the application database, and the
-- extensions the audit trail and slow-query analysis rely on — nothing else.
--
-- Run as the server administrator (on Azure a member of azure_pg_admin, not a superuser), connected to the application
-- database, through the driver infra/bootstrap.ts writes (run.psql), which sets these psql variables:
--   database          the application database (phonebill_auth)
--   app_login         the application's role        monitor_login     the monitoring role
--   app_verifier      SCRAM-SHA-256 verifier of the application's password (never the password itself)
--   monitor_verifier  SCRAM-SHA-256 verifier of the monitoring password
--   extensions        comma-separated extensions to create (pgaudit,pg_stat_statements)
-- The verifiers are computed on the client (infra/scram.ts), so no cleartext password ever reaches the server: not its
-- log (even when a statement fails or waits on a lock), not pg_stat_activity, not pg_stat_statements.
-- Idempotent: every run (re)sets both verifiers, so running it again with new ones is the rotation procedure.
-- Default privileges cover tables/sequences later created in public by the role that runs this script (the migrations
-- must run as that same role).

\set ON_ERROR_STOP on

\if :{?database}
\else
  \warn 'bootstrap.sql: run it through run.psql (the database variable is missing)'
  SELECT 1 / 0 AS database_is_required;
\endif
\if :{?app_login}
\else
  \warn 'bootstrap.sql: -v app_login=... is required'
  SELECT 1 / 0 AS app_login_is_required;
\endif
\if :{?monitor_login}
\else
  \warn 'bootstrap.sql: -v monitor_login=... is required'
  SELECT 1 / 0 AS monitor_login_is_required;
\endif
\if :{?app_verifier}
\else
  \warn 'bootstrap.sql: -v app_verifier=... is required'
  SELECT 1 / 0 AS app_verifier_is_required;
\endif
\if :{?monitor_verifier}
\else
  \warn 'bootstrap.sql: -v monitor_verifier=... is required'
  SELECT 1 / 0 AS monitor_verifier_is_required;
\endif
\if :{?extensions}
\else
  \set extensions 'pgaudit,pg_stat_statements'
\endif

-- The statements from here to the ALTER ROLEs carry the verifiers (from which a password can be attacked offline,
-- and with which a server can be impersonated to a client). Where this role may set them, every place a statement's text lands is turned off
-- until the verifiers are set: the log (log_statement, log_min_duration_statement, log_min_error_statement, pgaudit) and
-- the statistics views the monitoring role reads through pg_monitor (pg_stat_statements, pg_stat_activity). All are
-- superuser settings (PostgreSQL docs, runtime-config-logging: "Only superusers and users with the appropriate SET
-- privilege can change this setting"), so on Azure, where the administrator is no superuser, they are skipped; there
-- the server's own values hold: log_statement none and pg_stat_statements.track none (Azure's defaults, D41).
SELECT format('SET %s = %L', name, value)
  FROM (VALUES ('log_statement', 'none'), ('log_min_duration_statement', '-1'),
               ('log_min_error_statement', 'panic'), ('pgaudit.log', 'none'),
               ('pg_stat_statements.track', 'none'), ('track_activities', 'off')) AS knob(name, value)
 WHERE EXISTS (SELECT FROM pg_settings WHERE pg_settings.name = knob.name)
   AND has_parameter_privilege(knob.name, 'SET') \gexec

SELECT current_database() = :'database' AS right_database,
       :'app_verifier' ~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'
         AND :'monitor_verifier' ~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'
         AS verifiers_are_scram
\gset
\if :right_database
\else
  \warn 'bootstrap.sql must run connected to the application database'
  SELECT 1 / 0 AS wrong_database;
\endif
\if :verifiers_are_scram
\else
  -- A cleartext password here would be logged the moment a statement fails or waits; refuse before any statement.
  \warn 'bootstrap.sql: app_verifier and monitor_verifier must be SCRAM-SHA-256 verifiers, not passwords'
  SELECT 1 / 0 AS verifiers_must_be_scram;
\endif

-- Extensions first. Microsoft Learn (security-audit): "you need to allowlist, load, and create the extension in the
-- database on which you plan to use it"; pgaudit's event triggers are what name the object of each DDL audit line.
-- Only missing ones are created, so a rerun needs no privilege beyond the first run's.
SELECT format('CREATE EXTENSION %I', e)
  FROM unnest(string_to_array(:'extensions', ',')) AS e
 WHERE NOT EXISTS (SELECT FROM pg_extension WHERE extname = e) \gexec

BEGIN;

-- Roles: create when missing (NOSUPERUSER, NOREPLICATION, NOBYPASSRLS are the defaults, and only a true superuser may
-- even restate them), then always (re)apply attributes and verifier (rotation-safe). A verifier given to PASSWORD is
-- stored as it is (PostgreSQL docs, CREATE ROLE: a password "already in MD5-encrypted or SCRAM-encrypted format … is
-- stored as-is").
SELECT format('CREATE ROLE %I', :'app_login')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_login') \gexec
SELECT format('CREATE ROLE %I', :'monitor_login')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'monitor_login') \gexec

SELECT format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 50 PASSWORD %L',
              :'app_login', :'app_verifier') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD %L',
              :'monitor_login', :'monitor_verifier') \gexec

-- The verifiers are set: the rest of the bootstrap (grants, privileges) is logged and audited as the server says.
SELECT format('RESET %s', knob.name)
  FROM unnest(ARRAY['log_statement', 'log_min_duration_statement', 'log_min_error_statement', 'pgaudit.log',
                    'pg_stat_statements.track', 'track_activities']) AS knob(name)
 WHERE EXISTS (SELECT FROM pg_settings WHERE pg_settings.name = knob.name)
   AND has_parameter_privilege(knob.name, 'SET') \gexec

-- Monitoring: pg_monitor (statistics views) and a read-only session default.
GRANT pg_monitor TO :"monitor_login";
ALTER ROLE :"monitor_login" SET default_transaction_read_only = on;

-- Database and schema access. Nobody but the owner creates objects in public (PG15 already revokes it from PUBLIC;
-- stated explicitly so an older or altered database gets the same result).
GRANT CONNECT ON DATABASE :"database" TO :"app_login", :"monitor_login";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM :"app_login", :"monitor_login";
GRANT USAGE ON SCHEMA public TO :"app_login", :"monitor_login";

-- Application: DML only, on what exists now and on what the running role creates later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_login";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_login";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_login";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_login";

-- Monitoring: read-only on the application's tables.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"monitor_login";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO :"monitor_login";

COMMIT;
