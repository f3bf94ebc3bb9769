/**
 * sql/bootstrap.sql against a real throwaway PostgreSQL 15 (the drill's cluster module), run through the driver the
 * Kubernetes Job and the twin use, as a non-superuser administrator like Azure's (CREATEROLE + database owner): twice,
 * then privileges, rotation, the connection limit, the audit trail — and the places a cleartext password would leak
 * to (server log, pg_stat_activity, pg_stat_statements) with every logging knob turned up.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { Workspace, type Cluster } from "../../../drill/cluster.js";
import { pgBin, run } from "../../../drill/exec.js";
import { ensurePostgres } from "../../../drill/run.js";
import { BOOTSTRAP_SQL_PATH, bootstrapDriver, verifierFileName } from "../../../infra/bootstrap.js";
import { scramVerifier } from "../../../infra/scram.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN } from "../../../infra/types.js";

const script = fileURLToPath(BOOTSTRAP_SQL_PATH);
const TARGET = { database: "phonebill_auth", applicationLogin: APPLICATION_LOGIN, monitoringLogin: MONITORING_LOGIN };
let ws: Workspace;
let primary: Cluster;
let secretsDir: string;

/** Runs the bootstrap the way the Job does: the driver reads the verifiers from files, then includes the SQL. */
async function bootstrap(
  verifiers: { application?: string; monitoring?: string },
  opts: { user?: string; database?: string } = {},
) {
  rmSync(secretsDir, { recursive: true, force: true });
  secretsDir = mkdtempSync(join(tmpdir(), "authdb-bootstrap-secrets-"));
  for (const [role, v] of Object.entries(verifiers)) {
    if (v !== undefined) writeFileSync(join(secretsDir, verifierFileName(role as "application")), v, { mode: 0o600 });
  }
  const database = opts.database ?? TARGET.database;
  const driverFile = join(secretsDir, "run.psql");
  writeFileSync(driverFile, bootstrapDriver(secretsDir, script, { ...TARGET, database }));
  return run(
    pgBin("psql"),
    ["-X", "-q", "-d", primary.conninfo(database, opts.user ?? "authdb_admin"), "-f", driverFile],
    {
      env: ws.clientEnv(),
      allowFailure: true,
    },
  );
}

const as = (user: string, password: string) => primary.client("phonebill_auth", user, password);
const logText = () => readFileSync(primary.logFile, "utf8");

before(async () => {
  ensurePostgres();
  ws = await Workspace.create("authdb-bootstrap-");
  secretsDir = mkdtempSync(join(tmpdir(), "authdb-bootstrap-secrets-"));
  // Every place a statement's text can land, turned up: if a password travels in a statement, it shows.
  primary = await ws.createPrimary({
    name: "primary",
    extra: {
      log_statement: "all",
      log_min_duration_statement: "0",
      log_min_error_statement: "error",
      lock_timeout: "2s",
      "pgaudit.log": "all",
      "pg_stat_statements.track": "all",
      "pg_stat_statements.track_utility": "on",
    },
  });
  ws.addRole("authdb_admin");
  await primary.query(
    `CREATE ROLE authdb_admin LOGIN CREATEROLE CREATEDB PASSWORD '${ws.passwordFor("authdb_admin")}'`,
  );
  await primary.query("CREATE DATABASE phonebill_auth OWNER authdb_admin");
  await primary.query("CREATE DATABASE audit_check OWNER authdb_admin");
  // pgaudit is not a trusted extension: locally only a superuser can create it. On Azure, azure.extensions lets the
  // administrator (azure_pg_admin) create it (Learn, security-audit: "allowlist, load, and create"). The superuser
  // creates it here in phonebill_auth in the administrator's stead; audit_check below shows the bootstrap creating it.
  const su = await primary.client("phonebill_auth");
  await su.query("CREATE EXTENSION pgaudit");
  await su.query("CREATE EXTENSION pg_stat_statements");
  await su.end();
  // A table that exists before the bootstrap (created by the admin, as migrations would).
  const admin = await primary.client("phonebill_auth", "authdb_admin");
  await admin.query("CREATE TABLE public.before_tbl (id serial PRIMARY KEY, v text)");
  await admin.end();
});

after(async () => {
  await ws?.teardown();
  rmSync(secretsDir, { recursive: true, force: true });
});

const appPw1 = "app-first-password-0123456789-Aa!";
const appPw2 = "app-rotated-password-9876543210-Bb*";
const monPw1 = "monitor-first-password-0123-Cc~";
const monPw2 = "monitor-rotated-password-4567-Dd^";
const ALL_PASSWORDS = [appPw1, appPw2, monPw1, monPw2];

test("refuses to run without a verifier", async () => {
  const r = await bootstrap({ monitoring: scramVerifier(monPw1) });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /app_verifier/);
});

test("refuses a cleartext password where a verifier belongs, before any statement runs", async () => {
  const r = await bootstrap({ application: appPw1, monitoring: scramVerifier(monPw1) });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /must be SCRAM-SHA-256 verifiers, not passwords/);
  assert.ok(!logText().includes(appPw1), "the refused password must not reach the server log");
});

test("runs twice as a non-superuser admin; the second run rotates both passwords", async () => {
  const first = await bootstrap({ application: scramVerifier(appPw1), monitoring: scramVerifier(monPw1) });
  assert.equal(first.code, 0, first.stderr);
  const app = await as(APPLICATION_LOGIN, appPw1);
  await app.end();
  const second = await bootstrap({ application: scramVerifier(appPw2), monitoring: scramVerifier(monPw2) });
  assert.equal(second.code, 0, second.stderr);
  await assert.rejects(as(APPLICATION_LOGIN, appPw1), /password authentication failed/);
  await assert.rejects(as(MONITORING_LOGIN, monPw1), /password authentication failed/);
  const roles = await primary.query<{
    rolname: string;
    rolconnlimit: number;
    rolsuper: boolean;
    rolcreaterole: boolean;
    rolcreatedb: boolean;
  }>(
    "SELECT rolname, rolconnlimit, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname LIKE 'phonebill%' ORDER BY 1",
  );
  assert.deepEqual(roles, [
    { rolname: "phonebill_auth_user", rolconnlimit: 50, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
    { rolname: "phonebill_monitor", rolconnlimit: -1, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
  ]);
  const stored = await primary.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [
    APPLICATION_LOGIN,
  ]);
  assert.match(stored[0]?.rolpassword ?? "", /^SCRAM-SHA-256\$4096:/, "the server stores the verifier it was given");
  const src = readFileSync(script, "utf8");
  assert.doesNotMatch(src, /PASSWORD\s+'/i, "no password literal in the script");
  assert.doesNotMatch(src, /phonebill_auth_user|phonebill_monitor/, "role names come from the driver, not the script");
});

test("no generated password reaches the server log, pg_stat_statements or pg_stat_activity — even on a lock wait or a failing statement", async () => {
  // A lock wait: another session holds a lock on the role's catalog row, so the bootstrap's ALTER ROLE waits (and is
  // logged with its duration) until lock_timeout; a failing statement is logged whole with log_min_error_statement.
  const blocker = await primary.client("phonebill_auth");
  const watcher = await primary.client("phonebill_auth");
  const seen: string[] = [];
  try {
    await blocker.query("BEGIN");
    await blocker.query(`ALTER ROLE ${APPLICATION_LOGIN} CONNECTION LIMIT 50`);
    const waiting = bootstrap({ application: scramVerifier(appPw1), monitoring: scramVerifier(monPw1) });
    for (let i = 0; i < 20; i++) {
      const rows = await watcher.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
      );
      seen.push(...rows.rows.map((r) => r.query));
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await waiting;
    assert.notEqual(r.code, 0, "the bootstrap waited on the lock and failed with lock_timeout");
    assert.match(logText(), /canceling statement due to lock timeout/);
    await blocker.query("ROLLBACK");
    const ok = await bootstrap({ application: scramVerifier(appPw2), monitoring: scramVerifier(monPw2) });
    assert.equal(ok.code, 0, ok.stderr);
    const statements = await watcher.query<{ query: string }>("SELECT query FROM pg_stat_statements");
    seen.push(...statements.rows.map((r) => r.query));
  } finally {
    await blocker.end().catch(() => undefined);
    await watcher.end().catch(() => undefined);
  }
  const log = logText();
  assert.match(log, /ALTER ROLE/, "the log holds the ALTER ROLE statements (else this proves nothing)");
  assert.ok(
    seen.some((q) => /ALTER ROLE/i.test(q)),
    "the statistics views saw the ALTER ROLE (else this proves nothing)",
  );
  for (const pw of ALL_PASSWORDS) {
    assert.ok(!log.includes(pw), "a password reached the server log");
    assert.ok(!seen.some((q) => q.includes(pw)), "a password reached pg_stat_activity or pg_stat_statements");
  }
  const app = await as(APPLICATION_LOGIN, appPw2);
  await app.end();
});

test("the negative control: a cleartext ALTER ROLE does leak to the log and the statistics views", async () => {
  const probe = "control-cleartext-password-777";
  const c = await primary.client("phonebill_auth");
  try {
    await c.query(`CREATE ROLE leak_probe LOGIN PASSWORD '${probe}'`);
    const statements = await c.query<{ query: string }>("SELECT query FROM pg_stat_statements");
    assert.ok(logText().includes(probe), "log_statement=all logs a cleartext password (the leak the verifiers avoid)");
    assert.ok(statements.rows.some((r) => r.query.includes(probe)) || logText().includes(probe));
  } finally {
    await c.query("DROP ROLE IF EXISTS leak_probe").catch(() => undefined);
    await c.end();
  }
});

const STATEMENT_TEXT_KNOBS = [
  "log_statement",
  "log_min_duration_statement",
  "log_min_error_statement",
  "pgaudit.log",
  "pg_stat_statements.track",
  "track_activities",
];

/** Runs the bootstrap with fresh verifiers while another session holds the role's row, and returns where they landed. */
async function verifierTrail(): Promise<{
  verifiers: string[];
  inLog: boolean;
  inStats: boolean;
  inActivity: boolean;
}> {
  const verifiers = [scramVerifier(appPw2), scramVerifier(monPw2)];
  const logBefore = logText().length;
  const blocker = await primary.client("phonebill_auth");
  const watcher = await primary.client("phonebill_auth");
  const activity: string[] = [];
  try {
    await watcher.query("SELECT pg_stat_statements_reset()");
    await blocker.query("BEGIN");
    await blocker.query(`ALTER ROLE ${APPLICATION_LOGIN} CONNECTION LIMIT 50`);
    const waiting = bootstrap({ application: verifiers[0], monitoring: verifiers[1] });
    for (let i = 0; i < 20; i++) {
      const rows = await watcher.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
      );
      activity.push(...rows.rows.map((r) => r.query));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waiting;
    await blocker.query("ROLLBACK");
    const ok = await bootstrap({ application: verifiers[0], monitoring: verifiers[1] });
    assert.equal(ok.code, 0, ok.stderr);
    const statements = await watcher.query<{ query: string }>("SELECT query FROM pg_stat_statements");
    const log = logText().slice(logBefore);
    const has = (texts: string[]) => texts.some((t) => verifiers.some((v) => t.includes(v)));
    return {
      verifiers,
      inLog: has([log]),
      inStats: has(statements.rows.map((r) => r.query)),
      inActivity: has(activity),
    };
  } finally {
    await blocker.end().catch(() => undefined);
    await watcher.end().catch(() => undefined);
  }
}

test("where the administrator may set them, the verifiers reach no log and no statistics view either", async () => {
  // Negative control first: as Azure's administrator (no SET privilege on these superuser settings), the bootstrap
  // cannot switch them off, and with every knob turned up the verifiers do land in all three places.
  const exposed = await verifierTrail();
  assert.deepEqual(
    { inLog: exposed.inLog, inStats: exposed.inStats, inActivity: exposed.inActivity },
    { inLog: true, inStats: true, inActivity: true },
    "without the privilege the verifiers land in the log and the statistics views (else this proves nothing)",
  );
  // With the privilege (a self-managed server's administrator, or PostgreSQL 15's GRANT SET ON PARAMETER), the
  // bootstrap switches them off for its own transaction, and none of the three sees a verifier.
  for (const knob of STATEMENT_TEXT_KNOBS) await primary.query(`GRANT SET ON PARAMETER ${knob} TO authdb_admin`);
  try {
    const hidden = await verifierTrail();
    assert.deepEqual(
      { inLog: hidden.inLog, inStats: hidden.inStats, inActivity: hidden.inActivity },
      { inLog: false, inStats: false, inActivity: false },
    );
  } finally {
    for (const knob of STATEMENT_TEXT_KNOBS) await primary.query(`REVOKE SET ON PARAMETER ${knob} FROM authdb_admin`);
  }
  const app = await as(APPLICATION_LOGIN, appPw2);
  await app.end();
});

test("creates the audit extensions and pgaudit names each DDL's object; without the extension it cannot", async () => {
  // As a superuser here (see before()): the bootstrap's own CREATE EXTENSION step, in a database that has none.
  const r = await bootstrap(
    { application: scramVerifier(appPw2), monitoring: scramVerifier(monPw2) },
    { user: "postgres", database: "audit_check" },
  );
  assert.equal(r.code, 0, r.stderr);
  const ext = await primary.query<{ extname: string }>(
    "SELECT extname FROM pg_extension ORDER BY 1",
    [],
    "audit_check",
  );
  assert.deepEqual(
    ext.map((e) => e.extname).filter((e) => e !== "plpgsql"),
    ["pg_stat_statements", "pgaudit"],
  );
  await primary.query("CREATE TABLE audited_tbl (id int)", [], "audit_check");
  await primary.query("CREATE ROLE audited_role", [], "audit_check");
  await primary.query("ALTER ROLE audited_role PASSWORD 'x'", [], "audit_check");
  await primary.query("CREATE DATABASE no_extension");
  await primary.query("CREATE TABLE unnamed_tbl (id int)", [], "no_extension");
  const audit = logText()
    .split("\n")
    .filter((l) => l.includes("AUDIT:"));
  assert.ok(
    audit.some((l) => /DDL,CREATE TABLE,TABLE,public\.audited_tbl/.test(l)),
    "DDL audited with its object",
  );
  assert.ok(
    audit.some((l) => /ROLE,CREATE ROLE,,,CREATE ROLE audited_role/.test(l)),
    "role change audited",
  );
  assert.ok(audit.some((l) => /ROLE,ALTER ROLE,,,ALTER ROLE audited_role PASSWORD <REDACTED>/.test(l)));
  // Negative control: preloaded but not created, pgaudit logs the statement without the object it created.
  assert.ok(
    audit.some((l) => /DDL,CREATE TABLE,,,CREATE TABLE unnamed_tbl/.test(l)),
    "no object name without it",
  );
  await primary.query("DROP ROLE audited_role");
});

test("the app user reads and writes existing and future tables but cannot create tables", async () => {
  const admin = await primary.client("phonebill_auth", "authdb_admin");
  await admin.query("CREATE TABLE public.after_tbl (id bigserial PRIMARY KEY, v text)");
  await admin.end();
  const app = await as(APPLICATION_LOGIN, appPw2);
  try {
    for (const t of ["before_tbl", "after_tbl"]) {
      await app.query(`INSERT INTO ${t} (v) VALUES ('a')`);
      await app.query(`UPDATE ${t} SET v = 'b'`);
      assert.equal((await app.query(`SELECT count(*)::int n FROM ${t} WHERE v = 'b'`)).rows[0].n, 1);
      await app.query(`DELETE FROM ${t}`);
    }
    await assert.rejects(app.query("CREATE TABLE public.nope (id int)"), /permission denied for schema public/);
    await assert.rejects(app.query("CREATE SCHEMA nope"), /permission denied/);
  } finally {
    await app.end();
  }
});

test("the monitoring user is in pg_monitor and can only read", async () => {
  const mon = await as(MONITORING_LOGIN, monPw2);
  try {
    assert.equal(
      (await mon.query("SELECT pg_has_role('phonebill_monitor', 'pg_monitor', 'member') m")).rows[0].m,
      true,
    );
    await mon.query("SELECT count(*) FROM before_tbl");
    await mon.query("SELECT count(*) FROM after_tbl");
    await mon.query("SELECT count(*) FROM pg_stat_activity");
    await assert.rejects(
      mon.query("INSERT INTO before_tbl (v) VALUES ('x')"),
      /read-only transaction|permission denied/,
    );
    await mon.query("SET default_transaction_read_only = off");
    await assert.rejects(
      mon.query("INSERT INTO before_tbl (v) VALUES ('x')"),
      /permission denied for table before_tbl/,
    );
    await assert.rejects(mon.query("CREATE TABLE public.nope (id int)"), /permission denied for schema public/);
  } finally {
    await mon.end();
  }
});

test("CONNECTION LIMIT 50: fifty sessions open, the 51st is refused", async () => {
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < 50; i++) clients.push(await as(APPLICATION_LOGIN, appPw2));
    assert.equal(clients.length, 50);
    await assert.rejects(as(APPLICATION_LOGIN, appPw2), /too many connections for role "phonebill_auth_user"/);
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
});
