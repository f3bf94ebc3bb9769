/**
 * sql/bootstrap.sql against a real throwaway PostgreSQL 15 (the drill's cluster module), run as a non-superuser
 * administrator like Azure's (CREATEROLE + database owner): twice, then privileges, rotation and the connection limit.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { Workspace, type Cluster } from "../../../drill/cluster.js";
import { pgBin, run } from "../../../drill/exec.js";
import { ensurePostgres } from "../../../drill/run.js";
import { BOOTSTRAP_SQL_PATH } from "../../../infra/bootstrap.js";

const script = fileURLToPath(BOOTSTRAP_SQL_PATH);
let ws: Workspace;
let primary: Cluster;

async function bootstrap(app: string | undefined, monitor: string | undefined) {
  const vars = [
    ...(app === undefined ? [] : ["-v", `app_password=${app}`]),
    ...(monitor === undefined ? [] : ["-v", `monitor_password=${monitor}`]),
  ];
  return run(
    pgBin("psql"),
    ["-X", "-q", "-d", primary.conninfo("phonebill_auth", "authdb_admin"), ...vars, "-f", script],
    {
      env: ws.clientEnv(),
      allowFailure: true,
    },
  );
}

const as = (user: string, password: string) => primary.client("phonebill_auth", user, password);

before(async () => {
  ensurePostgres();
  ws = await Workspace.create("authdb-bootstrap-");
  primary = await ws.createPrimary({ name: "primary" });
  ws.addRole("authdb_admin");
  await primary.query(
    `CREATE ROLE authdb_admin LOGIN CREATEROLE CREATEDB PASSWORD '${ws.passwordFor("authdb_admin")}'`,
  );
  await primary.query("CREATE DATABASE phonebill_auth OWNER authdb_admin");
  // A table that exists before the bootstrap (created by the admin, as migrations would).
  const admin = await primary.client("phonebill_auth", "authdb_admin");
  await admin.query("CREATE TABLE public.before_tbl (id serial PRIMARY KEY, v text)");
  await admin.end();
});

after(async () => {
  await ws?.teardown();
});

const appPw1 = "app-first-password-0123456789";
const appPw2 = "app-rotated-password-9876543210";
const monPw1 = "monitor-first-password-0123";
const monPw2 = "monitor-rotated-password-4567";

test("refuses to run without password variables", async () => {
  const r = await bootstrap(undefined, monPw1);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /app_password/);
});

test("runs twice as a non-superuser admin; the second run rotates both passwords", async () => {
  const first = await bootstrap(appPw1, monPw1);
  assert.equal(first.code, 0, first.stderr);
  const app = await as("phonebill_auth_user", appPw1);
  await app.end();
  const second = await bootstrap(appPw2, monPw2);
  assert.equal(second.code, 0, second.stderr);
  await assert.rejects(as("phonebill_auth_user", appPw1), /password authentication failed/);
  await assert.rejects(as("phonebill_monitor", monPw1), /password authentication failed/);
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
  const src = (await import("node:fs")).readFileSync(script, "utf8");
  assert.doesNotMatch(src, /PASSWORD\s+'/i, "no password literal in the script");
});

test("the app user reads and writes existing and future tables but cannot create tables", async () => {
  const admin = await primary.client("phonebill_auth", "authdb_admin");
  await admin.query("CREATE TABLE public.after_tbl (id bigserial PRIMARY KEY, v text)");
  await admin.end();
  const app = await as("phonebill_auth_user", appPw2);
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
  const mon = await as("phonebill_monitor", monPw2);
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
    for (let i = 0; i < 50; i++) clients.push(await as("phonebill_auth_user", appPw2));
    assert.equal(clients.length, 50);
    await assert.rejects(as("phonebill_auth_user", appPw2), /too many connections for role "phonebill_auth_user"/);
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
});
