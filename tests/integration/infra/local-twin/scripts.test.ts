/**
 * The local twin's scripts (infra/local-twin/scripts/*.sh), run for real against local PostgreSQL 15 processes, since
 * no container engine runs here. Each "container" is a temporary directory tree holding exactly the files the
 * component uploads to it (twin.ts twinFiles), started with exactly the environment and command the component gives it
 * (twinEnv, postgresCommand) — only the paths, the port and the listen address differ — as the postgres OS user with
 * nothing else in its environment. The CA and server certificate are made with openssl here in place of @pulumi/tls,
 * with the component's names (serverCertificateNames).
 *
 * The primary runs with every knob that could record a statement turned up (log_statement=all, pgaudit.log=all,
 * log_min_duration_statement=0, pg_stat_statements.track=all): the administrator's password and verifier must still
 * reach neither the server log nor pg_stat_statements.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../drill/cluster.js";
import {
  PG_BIN,
  asServerUser,
  isRoot,
  killTree,
  pgBin,
  pidAlive,
  run,
  runAsServer,
  sleep,
  spawnTracked,
} from "../../../../drill/exec.js";
import { ensurePostgres } from "../../../../drill/run.js";
import { readBootstrapSql } from "../../../../infra/bootstrap.js";
import {
  ADMINISTRATOR_VERIFIER_FILE,
  REPLICATION_SLOT,
  type TwinFileContents,
  type TwinPaths,
  type TwinRole,
  postgresCommand,
  serverCertificateNames,
  twinEnv,
  twinFiles,
} from "../../../../infra/local-twin/twin.js";
import { scramVerifier } from "../../../../infra/scram.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN } from "../../../../infra/types.js";

const HOST = "127.0.0.1";
const NETWORK = "authdb-test";
const ADMIN = "phonebill_admin";
const DATABASE = "phonebill_auth";
/** Where each statement's text could be recorded, all on (the declared set has them off or coarse). */
const RECORD_EVERYTHING = [
  "log_statement=all",
  "pgaudit.log=all",
  "log_min_duration_statement=0",
  "pg_stat_statements.track=all",
  "pg_stat_statements.track_utility=on",
];

const password = () => randomBytes(18).toString("base64url");
const pw = {
  admin: password(),
  adminRotated: password(),
  application: password(),
  monitoring: password(),
};
const verifier = {
  admin: scramVerifier(pw.admin),
  adminRotated: scramVerifier(pw.adminRotated),
  application: scramVerifier(pw.application),
  monitoring: scramVerifier(pw.monitoring),
};
/** A verifier's secret-bearing parts (StoredKey, ServerKey), which must not appear anywhere either. */
const verifierParts = (v: string): string[] => [v, ...v.split("$")[2].split(":")];

let root: string;
/** uid and gid of the postgres OS user (Debian's package creates it), the owner of every upload as in the image. */
let pgIds: { uid: number; gid: number } | undefined;
const chownPg = (p: string) => {
  if (pgIds) chownSync(p, pgIds.uid, pgIds.gid);
};

/** The TLS material: the twin's CA, a server certificate it issued, and a CA nobody trusts. */
let tlsDir: string;
const tlsFile = (f: string) => readFileSync(join(tlsDir, f), "utf8");

async function makeTls(): Promise<void> {
  tlsDir = join(root, "pki");
  mkdirSync(tlsDir, { mode: 0o700 });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const ca = (name: string, cn: string) =>
    run("openssl", [
      "req",
      "-x509",
      ...ec,
      "-days",
      "2",
      "-subj",
      `/O=authdb/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout",
      join(tlsDir, `${name}.key`),
      "-out",
      join(tlsDir, `${name}.crt`),
    ]);
  await ca("ca", `${NETWORK} twin CA`);
  await ca("untrusted", "someone else's CA");
  const names = serverCertificateNames(NETWORK);
  const san = [...names.dnsNames.map((n) => `DNS:${n}`), ...names.ipAddresses.map((a) => `IP:${a}`)].join(",");
  writeFileSync(
    join(tlsDir, "server.ext"),
    [
      `subjectAltName=${san}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  await run("openssl", [
    "req",
    "-new",
    ...ec,
    "-subj",
    `/O=authdb/CN=${NETWORK}-primary`,
    "-keyout",
    join(tlsDir, "server.key"),
    "-out",
    join(tlsDir, "server.csr"),
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    join(tlsDir, "server.csr"),
    "-CA",
    join(tlsDir, "ca.crt"),
    "-CAkey",
    join(tlsDir, "ca.key"),
    "-set_serial",
    "2",
    "-days",
    "2",
    "-extfile",
    join(tlsDir, "server.ext"),
    "-out",
    join(tlsDir, "server.crt"),
  ]);
}

/** One twin "container": its directory tree, port and log. */
interface Node {
  readonly role: TwinRole;
  readonly paths: TwinPaths;
  readonly port: number;
  readonly log: string;
  child?: ChildProcess;
}
const nodes: Partial<Record<TwinRole, Node>> = {};

function layout(role: TwinRole, port: number): Node {
  const base = join(root, role);
  const paths: TwinPaths = {
    scripts: join(base, "usr/local/lib/authdb"),
    config: join(base, "etc/authdb"),
    secrets: join(base, "run/authdb/secrets"),
    tls: join(base, "etc/authdb/tls"),
    data: join(base, "var/lib/postgresql/data"),
    socket: join(base, "var/run/postgresql"),
    passfile: join(base, "var/lib/postgresql/.pgpass"),
  };
  // As in the image: upload directories belong to root (Docker creates them), home, data and socket to postgres.
  for (const d of [paths.scripts, paths.config, paths.secrets, paths.tls])
    mkdirSync(d, { recursive: true, mode: 0o755 });
  for (const d of [join(base, "var/lib/postgresql"), paths.data, paths.socket]) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
    chmodSync(d, 0o700);
    chownPg(d);
  }
  return { role, paths, port, log: join(root, `${role}.log`) };
}

function contents(adminPassword: string, adminVerifier: string): TwinFileContents<string> {
  return {
    administratorLogin: ADMIN,
    bootstrapSql: readBootstrapSql(),
    bootstrap: { database: DATABASE, applicationLogin: APPLICATION_LOGIN, monitoringLogin: MONITORING_LOGIN },
    administratorPassword: adminPassword,
    administratorVerifier: adminVerifier,
    verifiers: { application: verifier.application, monitoring: verifier.monitoring },
    serverCertPem: tlsFile("server.crt"),
    serverKeyPem: tlsFile("server.key"),
    caCertPem: tlsFile("ca.crt"),
  };
}

/** Writes the container's uploads, owned by the postgres user with the upload's mode, as Docker would. */
function upload(node: Node, c: TwinFileContents<string>): void {
  for (const f of twinFiles(node.role, node.paths, c)) {
    // A new upload replaces the file (read-only ones included), as a replaced container gets fresh ones.
    rmSync(f.path, { force: true });
    writeFileSync(f.path, f.content);
    chmodSync(f.path, Number.parseInt(f.mode, 8));
    chownPg(f.path);
  }
}

/** The entry point with the component's environment and command, as the postgres user, nothing else inherited. */
function start(node: Node): void {
  const primary = nodes.primary!;
  const env = twinEnv(node.role, node.paths, {
    listenAddresses: HOST,
    port: node.port,
    administratorLogin: ADMIN,
    database: DATABASE,
    encoding: "UTF8",
    locale: "C.utf8",
    primaryHost: HOST,
    primaryPort: primary.port,
    replicationSlot: REPLICATION_SLOT,
  });
  const command = [...postgresCommand(node.paths), ...RECORD_EVERYTHING.flatMap((s) => ["-c", s])];
  const [cmd, args] = asServerUser("env", [
    "-i",
    `PATH=${PG_BIN}:/usr/local/bin:/usr/bin:/bin`,
    `HOME=${join(root, node.role, "var/lib/postgresql")}`,
    "LANG=C.UTF-8",
    ...env,
    "bash",
    join(node.paths.scripts, "entrypoint.sh"),
    ...command,
  ]);
  const fd = openSync(node.log, "a");
  chmodSync(node.log, 0o644);
  try {
    node.child = spawnTracked(cmd, args, { stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
}

const logText = (node: Node) => readFileSync(node.log, "utf8");

/** Until the node accepts TCP connections (or its entry point exits). */
async function ready(node: Node, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await run(pgBin("pg_isready"), ["-q", "-h", HOST, "-p", String(node.port)], { allowFailure: true });
    if (r.code === 0) return;
    if (node.child?.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${node.role} did not become ready:\n${logText(node).split("\n").slice(-30).join("\n")}`);
    }
    await sleep(200);
  }
}

async function stop(node: Node): Promise<void> {
  const child = node.child;
  if (!child) return;
  if (child.exitCode === null) {
    await runAsServer(pgBin("pg_ctl"), ["stop", "-D", node.paths.data, "-m", "fast", "-w", "-s"], {
      allowFailure: true,
      timeoutMs: 30_000,
    });
    for (let i = 0; i < 100 && child.exitCode === null; i++) await sleep(100);
  }
  if (child.pid !== undefined && pidAlive(child.pid)) killTree(child.pid);
  node.child = undefined;
}

const postmasterPid = (node: Node) =>
  Number(readFileSync(join(node.paths.data, "postmaster.pid"), "utf8").split("\n")[0]);

/** psql (libpq, as applications use it) over TCP; the password, if any, from a passfile. */
async function psql(conninfo: string, sql: string, pass?: string) {
  const passfile = join(root, "client.pgpass");
  writeFileSync(passfile, pass === undefined ? "" : `*:*:*:*:${pass}\n`, { mode: 0o600 });
  const env = { PATH: process.env.PATH, PGPASSFILE: passfile, PGCONNECT_TIMEOUT: "5" };
  return run(pgBin("psql"), ["-X", "-qtA", "-d", conninfo, "-c", sql], { env, allowFailure: true });
}
const verified = (node: Node, user: string, db = "postgres", host = "localhost") =>
  `host=${host} port=${node.port} dbname=${db} user=${user} sslmode=verify-full sslrootcert=${join(tlsDir, "ca.crt")}`;
async function as(node: Node, user: string, pass: string, sql: string, db = "postgres"): Promise<string> {
  const r = await psql(verified(node, user, db), sql, pass);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

before(async () => {
  ensurePostgres();
  if (isRoot()) {
    const m = /^postgres:[^:]*:(\d+):(\d+):/m.exec(readFileSync("/etc/passwd", "utf8"));
    if (!m) throw new Error("no postgres user: run scripts/ensure-postgres.sh");
    pgIds = { uid: Number(m[1]), gid: Number(m[2]) };
  }
  root = mkdtempSync(join(process.env.AUTHDB_DRILL_TMP ?? tmpdir(), "authdb-twin-scripts-"));
  chmodSync(root, 0o755);
  await makeTls();
  nodes.primary = layout("primary", await freePort());
  nodes.replica = layout("replica", await freePort());
  upload(nodes.primary, contents(pw.admin, verifier.admin));
  upload(nodes.replica, contents(pw.admin, verifier.admin));
});

after(async () => {
  // The replica first, so it does not spend the primary's shutdown reconnecting.
  for (const n of [nodes.replica, nodes.primary]) if (n) await stop(n);
  if (root) rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe("local twin scripts against PostgreSQL 15", () => {
  it("the primary starts from an empty data directory as the postgres user: initdb, rotation, bootstrap", async () => {
    const primary = nodes.primary!;
    start(primary);
    await ready(primary);
    const status = readFileSync(`/proc/${postmasterPid(primary)}/status`, "utf8");
    assert.equal(/^Uid:\s+(\d+)/m.exec(status)?.[1], String(pgIds?.uid ?? process.getuid!()));
    // initdb stored the verifier it was given: the cleartext, which the primary never had, logs in.
    assert.equal(await as(primary, ADMIN, pw.admin, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"), "t");
    // The bootstrap ran in the database it created: roles with their verifiers, the audit extensions.
    assert.equal(
      await as(primary, APPLICATION_LOGIN, pw.application, "SELECT current_user", DATABASE),
      APPLICATION_LOGIN,
    );
    assert.equal(await as(primary, MONITORING_LOGIN, pw.monitoring, "SELECT current_user", DATABASE), MONITORING_LOGIN);
    assert.equal(
      await as(
        primary,
        ADMIN,
        pw.admin,
        "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension",
        DATABASE,
      ),
      "pg_stat_statements,pgaudit,plpgsql",
    );
    assert.equal(await as(primary, ADMIN, pw.admin, "SHOW shared_preload_libraries"), "pg_stat_statements,pgaudit");
  });

  it("the server's environment holds no password or verifier, and the primary holds no cleartext password", async () => {
    const primary = nodes.primary!;
    const environ = readFileSync(`/proc/${postmasterPid(primary)}/environ`, "utf8")
      .split("\0")
      .filter(Boolean);
    for (const secret of [pw.admin, ...verifierParts(verifier.admin), pw.application, verifier.application])
      assert.ok(!environ.some((e) => e.includes(secret)), "a secret is in the server's environment");
    assert.ok(!environ.some((e) => /PASSWORD|PGPASS/.test(e.split("=")[0])), environ.join("\n"));
    assert.deepEqual(readdirSync(primary.paths.secrets).sort(), [
      ADMINISTRATOR_VERIFIER_FILE,
      "application-scram-verifier",
      "monitoring-scram-verifier",
    ]);
  });

  it("TLS only: plain TCP is refused, for sessions and for replication", async () => {
    const primary = nodes.primary!;
    const plain = await psql(
      `host=${HOST} port=${primary.port} dbname=postgres user=${ADMIN} sslmode=disable`,
      "SELECT 1",
      pw.admin,
    );
    assert.notEqual(plain.code, 0);
    assert.match(
      plain.stderr,
      /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "phonebill_admin", database "postgres", no encryption/,
    );
    const replication = await psql(
      `host=${HOST} port=${primary.port} user=${ADMIN} sslmode=disable replication=true`,
      "IDENTIFY_SYSTEM",
      pw.admin,
    );
    assert.notEqual(replication.code, 0);
    assert.match(
      replication.stderr,
      /pg_hba\.conf rejects replication connection for host "127\.0\.0\.1", user "phonebill_admin", no encryption/,
    );
  });

  it("verify-full against the twin CA: localhost and 127.0.0.1 verify, another name or another CA does not", async () => {
    const primary = nodes.primary!;
    for (const host of ["localhost", HOST]) {
      const r = await psql(
        verified(primary, ADMIN, "postgres", host),
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        pw.admin,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "t");
    }
    const wrongName = await psql(
      `host=db.example.invalid hostaddr=${HOST} port=${primary.port} dbname=postgres user=${ADMIN} sslmode=verify-full sslrootcert=${join(tlsDir, "ca.crt")}`,
      "SELECT 1",
      pw.admin,
    );
    assert.notEqual(wrongName.code, 0);
    assert.match(wrongName.stderr, /does not match host name "db\.example\.invalid"/);

    // Refused before any password is sent: the server never even learns the user name, which libpq sends only once
    // TLS is established. The same attempt against the right CA does reach authentication (the control).
    const probe = "untrusted_ca_probe";
    const conninfo = (ca: string) =>
      `host=localhost port=${primary.port} dbname=postgres user=${probe} sslmode=verify-full sslrootcert=${join(tlsDir, ca)}`;
    const before = logText(primary).length;
    const untrusted = await psql(conninfo("untrusted.crt"), "SELECT 1", "not-a-password");
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /certificate verify failed/);
    await sleep(300);
    const afterUntrusted = logText(primary).slice(before);
    assert.match(afterUntrusted, /could not accept SSL connection/, "the server saw the refused handshake");
    assert.ok(!afterUntrusted.includes(probe), "the user name reached the server: the client spoke before verifying");
    const trusted = await psql(conninfo("ca.crt"), "SELECT 1", "not-a-password");
    assert.match(trusted.stderr, /password authentication failed for user "untrusted_ca_probe"/);
  });

  it("the replica clones the primary over verified TLS with a slot, and streams", async () => {
    const primary = nodes.primary!;
    const replica = nodes.replica!;
    start(replica);
    await ready(replica);
    assert.equal(await as(replica, ADMIN, pw.admin, "SELECT pg_is_in_recovery()"), "t");
    await until(
      "the replica to stream",
      async () =>
        (await as(primary, ADMIN, pw.admin, "SELECT state || ',' || sync_state FROM pg_stat_replication")) ===
        "streaming,async",
    );
    assert.equal(
      await as(
        primary,
        ADMIN,
        pw.admin,
        `SELECT active FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}'`,
      ),
      "t",
    );
    assert.equal(
      await as(primary, ADMIN, pw.admin, "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_replication USING (pid)"),
      "t",
      "the walsender's connection is TLS",
    );
    await as(
      primary,
      ADMIN,
      pw.admin,
      "CREATE TABLE streamed (v text); INSERT INTO streamed VALUES ('hello')",
      DATABASE,
    );
    await until("the row to reach the replica", async () => {
      const r = await psql(verified(replica, ADMIN, DATABASE), "SELECT v FROM streamed", pw.admin);
      return r.code === 0 && r.stdout.trim() === "hello";
    });
    // primary_conninfo, written by pg_basebackup -R: verify-full with the CA, the password through the passfile only.
    const auto = readFileSync(join(replica.paths.data, "postgresql.auto.conf"), "utf8");
    assert.match(auto, /primary_conninfo = '.*sslmode=''verify-full''.*sslrootcert=''[^']*\/ca\.crt''/);
    assert.match(auto, new RegExp(`passfile=''?${replica.paths.passfile}`));
    assert.ok(!auto.includes(pw.admin), "the password is in primary_conninfo");
    assert.match(auto, new RegExp(`primary_slot_name = '${REPLICATION_SLOT}'`));
    // Only the files it uses: no verifier, no bootstrap SQL.
    assert.deepEqual(readdirSync(replica.paths.secrets), ["administrator-password"]);
    assert.deepEqual(readdirSync(replica.paths.config).sort(), ["pg_hba.conf", "pg_ident.conf", "tls"]);
    assert.ok(!logText(replica).includes(pw.admin));
  });

  it("rotation: the next start sets the new administrator password from its verifier, which no log or view records", async () => {
    const primary = nodes.primary!;
    const replica = nodes.replica!;
    // A rotation replaces both containers with new uploads: the primary's verifier, the replica's password.
    await stop(replica);
    await stop(primary);
    upload(primary, contents(pw.adminRotated, verifier.adminRotated));
    upload(replica, contents(pw.adminRotated, verifier.adminRotated));
    const offset = logText(primary).length;
    start(primary);
    await ready(primary);
    assert.equal(await as(primary, ADMIN, pw.adminRotated, "SELECT 1"), "1");
    const old = await psql(verified(primary, ADMIN), "SELECT 1", pw.admin);
    assert.match(old.stderr, /password authentication failed for user "phonebill_admin"/);

    const log = logText(primary).slice(offset);
    // The recording is on in the set-up server too (else this proves nothing): the bootstrap's statements are there.
    assert.match(log, /LOG: {2}statement: .*ALTER ROLE/, "log_statement=all recorded the bootstrap");
    assert.match(log, /AUDIT: SESSION,.*ROLE,ALTER ROLE/, "pgaudit recorded the bootstrap");
    for (const secret of [
      pw.adminRotated,
      pw.admin,
      ...verifierParts(verifier.adminRotated),
      ...verifierParts(verifier.admin),
    ])
      assert.ok(!log.includes(secret), "the administrator's password or verifier reached the server log");
    // pgaudit would redact the password of this one statement, but the session is kept out of the audit entirely
    // (the role name is CSV-quoted there: "ALTER ROLE ""phonebill_admin"" …").
    assert.doesNotMatch(log, new RegExp(`AUDIT: .*ALTER ROLE "*${ADMIN}`), "the rotation session was audited");
    const statements = await as(
      primary,
      ADMIN,
      pw.adminRotated,
      "SELECT string_agg(query, E'\\n') FROM pg_stat_statements",
      DATABASE,
    );
    assert.match(statements, /ALTER ROLE/, "pg_stat_statements recorded utility statements (else this proves nothing)");
    for (const part of verifierParts(verifier.adminRotated))
      assert.ok(!statements.includes(part), "the administrator's verifier is in pg_stat_statements");

    // The replica's next start writes the new password to its passfile and streams again.
    start(replica);
    await ready(replica);
    await until(
      "the replica to stream with the new password",
      async () =>
        (await as(
          primary,
          ADMIN,
          pw.adminRotated,
          "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
        )) === "1",
    );
  });

  it("a rotation that fails (here on a lock timeout) does not log its statement either", async () => {
    const primary = nodes.primary!;
    const offset = logText(primary).length;
    // Another session holds the administrator's catalog row, so the rotation's ALTER ROLE waits, then fails.
    const holder = spawnTracked(pgBin("psql"), ["-X", "-q", "-d", verified(primary, ADMIN)], {
      env: { PATH: process.env.PATH, PGPASSFILE: join(root, "holder.pgpass") },
      stdio: ["pipe", "ignore", "ignore"],
    });
    writeFileSync(join(root, "holder.pgpass"), `*:*:*:*:${pw.adminRotated}\n`, { mode: 0o600 });
    try {
      holder.stdin!.write(`BEGIN;\nALTER ROLE ${ADMIN} CONNECTION LIMIT -1;\nSELECT pg_sleep(30);\n`);
      await until(
        "the lock holder",
        async () =>
          (await as(
            primary,
            ADMIN,
            pw.adminRotated,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'",
          )) === "1",
      );
      const rotation = await runAsServer(
        "env",
        [
          "-i",
          `PATH=${PG_BIN}:/usr/bin:/bin`,
          "PGOPTIONS=-c lock_timeout=1s",
          `AUTHDB_SECRETS_DIR=${primary.paths.secrets}`,
          `AUTHDB_SOCKET_DIR=${primary.paths.socket}`,
          `AUTHDB_PORT=${primary.port}`,
          `AUTHDB_ADMIN_LOGIN=${ADMIN}`,
          "bash",
          join(primary.paths.scripts, "rotate.sh"),
        ],
        { allowFailure: true },
      );
      assert.notEqual(rotation.code, 0);
      assert.match(rotation.stderr, /canceling statement due to lock timeout/);
    } finally {
      if (holder.pid !== undefined) killTree(holder.pid);
    }
    await sleep(300);
    const log = logText(primary).slice(offset);
    assert.match(log, /ERROR: {2}canceling statement due to lock timeout/);
    for (const part of verifierParts(verifier.adminRotated))
      assert.ok(!log.includes(part), "the failed rotation's statement reached the server log");
  });

  it("the clone refuses a primary it cannot verify (a CA that did not issue its certificate)", async () => {
    const primary = nodes.primary!;
    const dir = join(root, "stray-replica");
    mkdirSync(join(dir, "tls"), { recursive: true, mode: 0o755 });
    mkdirSync(join(dir, "data"), { recursive: true, mode: 0o700 });
    chownPg(join(dir, "data"));
    writeFileSync(join(dir, "tls/ca.crt"), tlsFile("untrusted.crt"), { mode: 0o444 });
    const passfile = join(dir, "pgpass");
    writeFileSync(passfile, `*:*:*:*:${pw.adminRotated}\n`, { mode: 0o600 });
    chownPg(passfile);
    const clone = await runAsServer(
      "env",
      [
        "-i",
        `PATH=${PG_BIN}:/usr/bin:/bin`,
        "AUTHDB_WAIT_SECONDS=2",
        `AUTHDB_DATA_DIR=${join(dir, "data")}`,
        `AUTHDB_TLS_DIR=${join(dir, "tls")}`,
        `AUTHDB_PRIMARY_HOST=localhost`,
        `AUTHDB_PRIMARY_PORT=${primary.port}`,
        `AUTHDB_ADMIN_LOGIN=${ADMIN}`,
        `AUTHDB_REPLICATION_SLOT=stray`,
        `AUTHDB_PASSFILE=${passfile}`,
        "bash",
        join(nodes.replica!.paths.scripts, "clone.sh"),
      ],
      { allowFailure: true },
    );
    assert.notEqual(clone.code, 0);
    assert.deepEqual(readdirSync(join(dir, "data")), [], "nothing was copied");
  });
});
