/**
 * A throwaway PostgreSQL 15 topology on 127.0.0.1, built from Debian's binaries: a workspace directory owned by the
 * server user, a self-signed certificate, generated passwords, a primary started with the declared parameter set, streaming
 * replicas, a WAL archive and base backups. Every postmaster started is remembered with its pid so teardown can stop it
 * (and its children) even when a scenario fails or the process is interrupted; every directory lives under the workspace,
 * which teardown removes.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { parametersFor, selfManagedValue } from "../infra/parameters.js";
import { eventually } from "./eventually.js";
import { TIMEOUTS } from "./timeouts.js";
import {
  asServerUser,
  childPids,
  descendantPids,
  isRoot,
  killPid,
  killTree,
  pgBin,
  pidAlive,
  run,
  runAsServer,
  SERVER_USER,
  sleep,
  waitGoneSync,
} from "./exec.js";
import { NetLab } from "./netns.js";

export const HOST = "127.0.0.1";

/** uid/gid of the server user when we are root, else undefined (files stay ours). */
function serverIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${SERVER_USER}:`));
  if (line === undefined) throw new Error(`user ${SERVER_USER} not found: run scripts/ensure-postgres.sh`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** A free TCP port on the loopback interface (bound and released; the caller binds it immediately after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

const sqlLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** postgresql.conf lines for the declared parameter set on a self-managed server. */
export function declaredConfLines(): string[] {
  return parametersFor("selfManaged").map((p) => `${p.name} = ${sqlLiteral(selfManagedValue(p))}`);
}

/** The value `SHOW <name>` must print for each declared self-managed parameter. */
export function expectedShowValues(): Record<string, string> {
  return Object.fromEntries(parametersFor("selfManaged").map((p) => [p.name, p.shownAs ?? selfManagedValue(p)]));
}

export interface InstanceSettings {
  port: number;
  clusterName: string;
  /** '' for none; '*' or a name list for synchronous replication. */
  synchronousStandbyNames?: string;
  archive?: boolean;
  archiveTimeoutSeconds?: number;
  extra?: Record<string, string>;
}

export class Cluster {
  /** Every pid this cluster's postmaster ever had (restart gives a new one). */
  readonly pids = new Set<number>();
  killedAt?: number;
  /**
   * Issue one CHECKPOINT once the server is up as a primary (after start and after a crash-restart). PostgreSQL 15 starts
   * the checkpointer while the startup process still runs, and its first sleep is computed while recovery is in
   * progress, which leaves archive_timeout out (src/backend/postmaster/checkpointer.c, CheckpointerMain:
   * `if (XLogArchiveTimeout > 0 && !RecoveryInProgress())` bounds the sleep by archive_timeout); the CHECKPOINT wakes it
   * and its next sleep honours archive_timeout. Off only for the negative control that shows the gap (D50).
   */
  checkpointAfterStart = true;
  /** The address the server listens on and clients use: 127.0.0.1, or the namespace address of its `lab`. */
  host = HOST;
  /** The drill network the postmaster runs in (started with `ip netns exec`), if any. */
  lab?: NetLab;

  constructor(
    readonly ws: Workspace,
    readonly name: string,
    readonly dataDir: string,
    public port: number,
  ) {}

  get logFile(): string {
    return join(this.ws.dir, `${this.name}.log`);
  }

  /** The postmaster pid from postmaster.pid, if the file exists. */
  postmasterPid(): number | undefined {
    const f = join(this.dataDir, "postmaster.pid");
    if (!existsSync(f)) return undefined;
    const pid = Number(readFileSync(f, "utf8").split("\n")[0]);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  }

  async start(): Promise<void> {
    const args = ["start", "-w", "-t", "120", "-s", "-D", this.dataDir, "-l", this.logFile];
    const [cmd, argv] = asServerUser(pgBin("pg_ctl"), args);
    // Inside its lab the daemonized postmaster inherits the namespace: it sees only the veth and its own loopback.
    const [c, a] = this.lab ? this.lab.wrap(cmd, argv) : [cmd, argv];
    await run(c, a, { timeoutMs: 130_000 }).catch((e: unknown) => {
      throw new Error(`${this.name} failed to start: ${String(e)}\n${this.tailLog()}`);
    });
    const pid = this.postmasterPid();
    if (pid === undefined) throw new Error(`${this.name}: no postmaster.pid after start`);
    this.pids.add(pid);
    await this.wakeCheckpointer();
  }

  /** The CHECKPOINT of `checkpointAfterStart`, on a primary only (a standby's is a restartpoint; promotion requests one). */
  async wakeCheckpointer(): Promise<void> {
    if (!this.checkpointAfterStart) return;
    if ((await this.scalar("SELECT pg_is_in_recovery()")) === false) await this.query("CHECKPOINT");
  }

  /**
   * SIGKILL one backend, as the OOM killer does: the postmaster resets every session and restarts with crash recovery.
   * Resolves once the server accepts connections as a primary again (then wakes the checkpointer, see
   * `checkpointAfterStart`) and waits for the archiver. Returns seconds from the kill until then.
   */
  async crashRestart(timeoutMs = 60_000): Promise<number> {
    const victim = await this.client();
    const pid = Number((await victim.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p);
    const t0 = performance.now();
    killPid(pid, "SIGKILL");
    await victim.end().catch(() => undefined);
    const until = t0 + timeoutMs;
    // The postmaster notices the child's death and resets; a query that still succeeds came before the reset.
    let sawReset = false;
    for (;;) {
      try {
        const inRecovery = await this.scalar("SELECT pg_is_in_recovery()");
        if (sawReset && inRecovery === false) break;
      } catch {
        sawReset = true;
      }
      if (performance.now() > until) throw new Error(`${this.name}: no crash-restart seen\n${this.tailLog()}`);
      await sleep(20);
    }
    await this.wakeCheckpointer();
    await this.waitArchiver(until);
    return (performance.now() - t0) / 1000;
  }

  /**
   * After a crash-restart PostgreSQL 15.20 here started the archiver only on a later wake-up of the postmaster's loop:
   * with one persistent session and no new connection, 59.9 s after the restart (D50). Each poll here is a new
   * connection, which wakes the postmaster; returns once an archiver process is listed.
   */
  private async waitArchiver(until: number): Promise<void> {
    const sql = "SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'archiver'";
    await eventually(async () => (await this.scalar(sql)) === 1, {
      timeout: Math.max(0, until - performance.now()),
      interval: 100,
      what: `${this.name}'s archiver after the crash-restart`,
    });
  }

  /** The postmaster and every descendant (backends, walsenders, checkpointer …). */
  treePids(): number[] {
    const pid = this.postmasterPid();
    return pid === undefined ? [] : [pid, ...descendantPids(pid)];
  }

  /** SIGSTOP the postmaster tree: the server hangs with its sockets open (no RST), as a stalled VM does. */
  freeze(): number[] {
    const pids = this.treePids();
    for (const p of pids) killPid(p, "SIGSTOP");
    this.frozen = pids;
    return pids;
  }

  /** SIGCONT whatever `freeze` stopped (a no-op for processes that were killed meanwhile). */
  thaw(): void {
    for (const p of this.frozen) killPid(p, "SIGCONT");
    this.frozen = [];
  }

  private frozen: number[] = [];

  tailLog(lines = 20): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** Connection parameters over TLS for a role of the workspace. */
  conninfo(db = "postgres", user = "postgres"): string {
    return `host=${this.host} port=${this.port} dbname=${db} user=${user} sslmode=require passfile=${this.ws.passfile} connect_timeout=5`;
  }

  /** A node-postgres client over TLS that verifies the workspace certificate (verify-full equivalent). */
  async client(db = "postgres", user = "postgres", password?: string): Promise<pg.Client> {
    const c = new pg.Client({
      host: this.host,
      port: this.port,
      database: db,
      user,
      password: password ?? this.ws.passwordFor(user),
      ssl: { ca: this.ws.certPem, rejectUnauthorized: true },
      connectionTimeoutMillis: 10_000,
    });
    c.on("error", () => undefined);
    await c.connect();
    return c;
  }

  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    db = "postgres",
  ): Promise<T[]> {
    const c = await this.client(db);
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async scalar(sql: string, params: unknown[] = [], db = "postgres"): Promise<unknown> {
    const rows = await this.query(sql, params, db);
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  /** Kill the postmaster and all its children with SIGKILL, as a crash would. Returns the kill time (performance.now()). */
  kill9(): number {
    const pid = this.postmasterPid();
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    const kids = childPids(pid);
    killPid(pid, "SIGKILL");
    for (const k of kids) killPid(k, "SIGKILL");
    this.killedAt = performance.now();
    return this.killedAt;
  }

  async promote(): Promise<void> {
    await runAsServer(pgBin("pg_ctl"), ["promote", "-w", "-t", "60", "-s", "-D", this.dataDir], { timeoutMs: 70_000 });
  }

  /**
   * A clean stop (`pg_ctl stop -m fast`): sessions are disconnected, a shutdown checkpoint is written, and the
   * walsenders send WAL up to it before exiting (a planned switchover). Throws when the server does not stop.
   */
  async shutdownFast(): Promise<void> {
    await runAsServer(pgBin("pg_ctl"), ["stop", "-w", "-t", "60", "-s", "-m", "fast", "-D", this.dataDir], {
      timeoutMs: 70_000,
    });
  }

  /** `Latest checkpoint location` from pg_controldata (the shutdown checkpoint after a clean stop). */
  async latestCheckpointLsn(): Promise<string> {
    const r = await runAsServer(pgBin("pg_controldata"), ["-D", this.dataDir]);
    const m = /^Latest checkpoint location:\s+(\S+)$/m.exec(r.stdout);
    if (!m?.[1]) throw new Error(`${this.name}: no checkpoint location in pg_controldata`);
    return m[1];
  }

  /** Stop: fast shutdown, then SIGKILL whatever is left of every pid we knew (and their children). */
  async stop(): Promise<void> {
    this.thaw();
    const pid = this.postmasterPid();
    const known = new Set(this.pids);
    if (pid !== undefined) known.add(pid);
    const kids = [...known].flatMap((p) => (pidAlive(p) ? childPids(p) : []));
    if (pid !== undefined && pidAlive(pid)) {
      await runAsServer(pgBin("pg_ctl"), ["stop", "-w", "-t", "20", "-s", "-m", "fast", "-D", this.dataDir], {
        allowFailure: true,
        timeoutMs: 25_000,
      }).catch(() => undefined);
    }
    for (const p of [...known, ...kids]) if (pidAlive(p)) killPid(p, "SIGKILL");
    // Teardown goes on when a process outlives the deadline (the emergency teardown kills again): no throw here.
    await eventually(() => ![...known, ...kids].some(pidAlive), {
      timeout: TIMEOUTS.processesGoneMs,
      interval: TIMEOUTS.pollMs,
      what: `${this.name}'s processes to exit`,
    }).catch(() => undefined);
  }

  /** Overwrite the per-instance settings (included last by postgresql.conf). */
  writeInstanceConf(lines: string[]): void {
    this.ws.writeServerFile(join(this.dataDir, "instance.conf"), lines.join("\n") + "\n", 0o600);
  }

  /** Set one per-instance setting (replacing an earlier line) and reload the configuration. */
  async setInstanceSetting(key: string, value: string): Promise<void> {
    const f = join(this.dataDir, "instance.conf");
    const old = existsSync(f)
      ? readFileSync(f, "utf8")
          .split("\n")
          .filter((l) => l !== "" && !l.startsWith(`${key} =`))
      : [];
    this.writeInstanceConf([...old, `${key} = ${sqlLiteral(value)}`]);
    await this.query("SELECT pg_reload_conf()");
    await eventually(
      async () => (await this.scalar(`SELECT setting FROM pg_settings WHERE name = $1`, [key])) === value,
      {
        timeout: TIMEOUTS.settingAppliedMs,
        interval: TIMEOUTS.pollMs,
        what: `${this.name}: ${key} to take ${value}`,
      },
    );
  }

  appendInstanceConf(lines: string[]): void {
    const f = join(this.dataDir, "instance.conf");
    const old = existsSync(f) ? readFileSync(f, "utf8") : "";
    this.ws.writeServerFile(f, old + lines.join("\n") + "\n", 0o600);
  }

  /** Bytes in the data directory (du). */
  async sizeBytes(): Promise<number> {
    const r = await run("du", ["-sb", this.dataDir]);
    return Number(r.stdout.split(/\s+/)[0]);
  }
}

export interface PrimaryOptions {
  name?: string;
  /** See `Cluster.checkpointAfterStart`; false only for the negative control. */
  checkpointAfterStart?: boolean;
  archiveTimeoutSeconds?: number;
  extra?: Record<string, string>;
  /** Run the postmaster inside this drill network (from `Workspace.addLab`), listening on its address only. */
  lab?: NetLab;
}

/** One drill workspace: a directory under /tmp owned by the server user, holding every cluster, backup and archive. */
export class Workspace {
  readonly clusters: Cluster[] = [];
  readonly certFile: string;
  readonly keyFile: string;
  readonly passfile: string;
  readonly archiveDir: string;
  readonly socketDir: string;
  certPem = "";
  private readonly passwords: Record<string, string> = {};
  private ids = serverIds();
  private torn = false;
  /** Addresses servers of this workspace listen on: in the certificate's SAN and the passfile. */
  private readonly hosts: string[] = [HOST];
  /** Drill networks of this workspace, removed after its clusters stopped. */
  readonly labs: NetLab[] = [];

  private constructor(readonly dir: string) {
    this.certFile = join(dir, "server.crt");
    this.keyFile = join(dir, "server.key");
    this.passfile = join(dir, "pgpass");
    this.archiveDir = join(dir, "archive");
    this.socketDir = join(dir, "sock");
  }

  /** Every live workspace of this process, for signal-time teardown. */
  static readonly live = new Set<Workspace>();

  static async create(prefix = "authdb-drill-"): Promise<Workspace> {
    const dir = mkdtempSync(join(process.env.AUTHDB_DRILL_TMP ?? tmpdir(), `${prefix}${process.pid}-`));
    const ws = new Workspace(dir);
    Workspace.live.add(ws);
    try {
      ws.chownToServer(dir);
      chmodSync(dir, 0o711);
      ws.mkdirServer(ws.archiveDir);
      ws.mkdirServer(ws.socketDir);
      for (const role of ["postgres", "replicator"]) ws.passwords[role] = randomBytes(18).toString("base64url");
      ws.writePassfile();
      await ws.issueCertificate();
    } catch (e) {
      await ws.teardown();
      throw e;
    }
    return ws;
  }

  /** A self-signed certificate for every address of the workspace (SAN IP entries), key readable by the server only. */
  private async issueCertificate(): Promise<void> {
    await selfSignedCertificate(this.keyFile, this.certFile, this.hosts.map((h) => `IP:${h}`).join(","));
    this.chownToServer(this.keyFile);
    chmodSync(this.keyFile, 0o600);
    this.chownToServer(this.certFile);
    this.certPem = readFileSync(this.certFile, "utf8");
  }

  /**
   * A drill network (drill/netns.ts) for a server of this workspace: its address joins the certificate and the
   * passfile (call before creating clusters: the certificate is reissued), and teardown removes it.
   */
  async addLab(): Promise<NetLab> {
    if (this.clusters.length > 0) throw new Error("addLab before any cluster: the certificate is reissued");
    const lab = await NetLab.create();
    this.labs.push(lab);
    this.hosts.push(lab.address);
    this.writePassfile();
    await this.issueCertificate();
    return lab;
  }

  passwordFor(user: string): string {
    const p = this.passwords[user];
    if (p === undefined) throw new Error(`no password generated for ${user}`);
    return p;
  }

  /** Register an extra role's generated password (and write it to the passfile). */
  addRole(user: string): string {
    this.passwords[user] ??= randomBytes(18).toString("base64url");
    this.writePassfile();
    return this.passwordFor(user);
  }

  private writePassfile(): void {
    const lines = this.hosts.flatMap((h) => Object.entries(this.passwords).map(([u, p]) => `${h}:*:*:${u}:${p}`));
    this.writeServerFile(this.passfile, lines.join("\n") + "\n", 0o600);
  }

  chownToServer(path: string): void {
    if (this.ids) chownSync(path, this.ids.uid, this.ids.gid);
  }

  mkdirServer(path: string): void {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    this.chownToServer(path);
  }

  writeServerFile(path: string, content: string, mode = 0o600): void {
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    this.chownToServer(path);
  }

  /** Environment for client tools (psql, pgbench, pg_isready): passwords from the passfile only. */
  clientEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PGPASSFILE: this.passfile,
      PGSSLMODE: "require",
      PGCONNECT_TIMEOUT: "5",
    };
    delete env.PGPASSWORD;
    delete env.PGHOST;
    delete env.PGPORT;
    delete env.PGUSER;
    delete env.PGDATABASE;
    return env;
  }

  private instanceLines(s: InstanceSettings): string[] {
    const lines = [
      `port = ${s.port}`,
      `cluster_name = ${sqlLiteral(s.clusterName)}`,
      `synchronous_standby_names = ${sqlLiteral(s.synchronousStandbyNames ?? "")}`,
      `archive_mode = ${s.archive === false ? "off" : "on"}`,
    ];
    if (s.archiveTimeoutSeconds !== undefined) lines.push(`archive_timeout = ${s.archiveTimeoutSeconds}`);
    for (const [k, v] of Object.entries(s.extra ?? {})) lines.push(`${k} = ${sqlLiteral(v)}`);
    return lines;
  }

  /** initdb + declared parameter set + TLS-only pg_hba + replication/archiving, started. */
  async createPrimary(opts: PrimaryOptions = {}): Promise<Cluster> {
    const name = opts.name ?? `primary${this.clusters.length}`;
    const dataDir = join(this.dir, name);
    const port = await freePort();
    const cluster = new Cluster(this, name, dataDir, port);
    this.clusters.push(cluster);
    const pwfile = join(this.dir, `${name}.pw`);
    this.writeServerFile(pwfile, this.passwordFor("postgres") + "\n");
    await runAsServer(pgBin("initdb"), [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--pwfile",
      pwfile,
      "--data-checksums",
      "--auth-local=scram-sha-256",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C.UTF-8",
      "--no-instructions",
    ]);
    rmSync(pwfile, { force: true });
    const conf = [
      "",
      "# --- declared parameter set: infra/parameters.ts parametersFor('selfManaged') ---",
      ...declaredConfLines(),
      "# --- drill topology ---",
      `listen_addresses = '${HOST}'`,
      `unix_socket_directories = ${sqlLiteral(this.socketDir)}`,
      "ssl = on",
      `ssl_cert_file = ${sqlLiteral(this.certFile)}`,
      `ssl_key_file = ${sqlLiteral(this.keyFile)}`,
      "password_encryption = 'scram-sha-256'",
      "wal_level = replica",
      "max_wal_senders = 10",
      "max_replication_slots = 10",
      "hot_standby = on",
      "hot_standby_feedback = on",
      "synchronous_commit = on",
      "wal_receiver_status_interval = 1s",
      `archive_command = ${sqlLiteral(archiveCommand(this.archiveDir))}`,
      "logging_collector = off",
      "# per-instance settings (port, name, synchronous standbys, recovery) come last",
      "include_if_exists = 'instance.conf'",
      "",
    ];
    const confFile = join(dataDir, "postgresql.conf");
    this.writeServerFile(confFile, readFileSync(confFile, "utf8") + conf.join("\n"), 0o600);
    this.writeServerFile(join(dataDir, "pg_hba.conf"), hbaConf(this.labs.map((l) => l.subnet)), 0o600);
    const extra = { ...(opts.extra ?? {}), ...(opts.lab ? { listen_addresses: opts.lab.address } : {}) };
    if (opts.lab) {
      cluster.lab = opts.lab;
      cluster.host = opts.lab.address;
    }
    cluster.writeInstanceConf(
      this.instanceLines({
        port,
        clusterName: name,
        synchronousStandbyNames: "",
        archiveTimeoutSeconds: opts.archiveTimeoutSeconds ?? 60,
        extra,
      }),
    );
    cluster.checkpointAfterStart = opts.checkpointAfterStart ?? true;
    await cluster.start();
    await cluster.query(
      `CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD ${sqlLiteral(this.passwordFor("replicator"))}`,
    );
    return cluster;
  }

  /** A streaming replica of `primary` with its own physical slot, started and confirmed in recovery. */
  async createReplica(primary: Cluster, name = `replica${this.clusters.length}`): Promise<Cluster> {
    const dataDir = join(this.dir, name);
    const port = await freePort();
    const cluster = new Cluster(this, name, dataDir, port);
    this.clusters.push(cluster);
    await runAsServer(
      pgBin("pg_basebackup"),
      ["-d", primary.conninfo("postgres", "replicator"), "-D", dataDir, "-X", "stream", "-C", "-S", name, "-c", "fast"],
      { env: this.clientEnv(), timeoutMs: 300_000 },
    );
    cluster.writeInstanceConf([
      ...this.instanceLines({ port, clusterName: name, synchronousStandbyNames: "" }),
      `primary_conninfo = ${sqlLiteral(`${primary.conninfo("postgres", "replicator")} application_name=${name}`)}`,
      `primary_slot_name = ${sqlLiteral(name)}`,
    ]);
    this.writeServerFile(join(dataDir, "standby.signal"), "");
    await cluster.start();
    // Wait until the primary sees it streaming.
    await eventually(
      async () =>
        (await primary.scalar(
          "SELECT count(*)::int FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'",
          [name],
        )) === 1,
      { timeout: TIMEOUTS.standbyStreamingMs, interval: TIMEOUTS.pollMs, what: `${name} to stream from its primary` },
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${cluster.tailLog()}`);
    });
    return cluster;
  }

  /**
   * `pg_rewind` a cleanly stopped former primary onto `source` (a running primary): the blocks changed since the last
   * common checkpoint are copied back, so the node can follow the new timeline. Needs data checksums or
   * wal_log_hints (createPrimary's initdb uses --data-checksums). pg_rewind also copies the source's configuration
   * files, so the instance settings must be rewritten afterwards (`startAsStandby` does).
   */
  async rewind(target: Cluster, source: Cluster): Promise<{ output: string; rewound: boolean }> {
    const r = await runAsServer(
      pgBin("pg_rewind"),
      ["--target-pgdata", target.dataDir, "--source-server", source.conninfo(), "--progress"],
      { env: this.clientEnv(), timeoutMs: 300_000 },
    );
    const output = (r.stdout + r.stderr).trim();
    return { output, rewound: !/no rewind required/.test(output) };
  }

  /**
   * Start a stopped node as a streaming standby of `primary` (a rejoining former primary): its instance settings are
   * rewritten (port, name, primary_conninfo, its own slot on the primary, created when missing) and standby.signal
   * written. Resolves once started; whether it streams is the caller's check.
   */
  async startAsStandby(node: Cluster, primary: Cluster): Promise<void> {
    await primary.query(
      "SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)",
      [node.name],
    );
    node.writeInstanceConf([
      ...this.instanceLines({ port: node.port, clusterName: node.name, synchronousStandbyNames: "" }),
      `primary_conninfo = ${sqlLiteral(`${primary.conninfo("postgres", "replicator")} application_name=${node.name}`)}`,
      `primary_slot_name = ${sqlLiteral(node.name)}`,
    ]);
    this.writeServerFile(join(node.dataDir, "standby.signal"), "");
    await node.start();
  }

  /** A plain-format base backup with a SHA-256 manifest, self-contained (WAL streamed). Returns its directory. */
  async baseBackup(primary: Cluster, name = "basebackup"): Promise<string> {
    const dir = join(this.dir, name);
    await runAsServer(pgBin("pg_basebackup"), baseBackupArgs(primary, dir), {
      env: this.clientEnv(),
      timeoutMs: 600_000,
    });
    return dir;
  }

  async verifyBackup(dir: string): Promise<{ ok: boolean; output: string }> {
    const r = await runAsServer(pgBin("pg_verifybackup"), [dir], { allowFailure: true, timeoutMs: 300_000 });
    return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
  }

  /** Copy a base backup into a new data directory and register it as a cluster (not started). */
  async clusterFromBackup(
    backupDir: string,
    name: string,
    instanceExtra: string[] = [],
    archive = false,
  ): Promise<Cluster> {
    const dataDir = join(this.dir, name);
    await runAsServer("cp", ["-a", backupDir, dataDir]);
    const port = await freePort();
    const cluster = new Cluster(this, name, dataDir, port);
    this.clusters.push(cluster);
    cluster.writeInstanceConf([...this.instanceLines({ port, clusterName: name, archive }), ...instanceExtra]);
    return cluster;
  }

  /** Stop every cluster (by pid) and remove a cluster's directory. */
  async destroy(cluster: Cluster): Promise<void> {
    await cluster.stop();
    rmSync(cluster.dataDir, { recursive: true, force: true });
  }

  /** Stop every postmaster we started (by pid, with children) and remove the workspace. Safe to call twice. */
  async teardown(): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    await Promise.all(this.clusters.map((c) => c.stop().catch(() => undefined)));
    for (const lab of this.labs) lab.removeSync();
    removeWorkspaceDir(this.dir);
    Workspace.live.delete(this);
  }

  /** Synchronous last-resort teardown for process exit: SIGKILL every known pid with its descendants, then remove the directory. */
  teardownSync(): void {
    const killed: number[] = [];
    for (const c of this.clusters) {
      const pids = new Set(c.pids);
      const pm = c.postmasterPid();
      if (pm !== undefined) pids.add(pm);
      for (const p of pids) if (pidAlive(p)) killed.push(...killTree(p));
    }
    waitGoneSync(killed);
    for (const lab of this.labs) lab.removeSync();
    removeWorkspaceDir(this.dir);
    Workspace.live.delete(this);
  }
}

/** Removes a workspace directory, retrying while a process that was just stopped still releases files in it. */
function removeWorkspaceDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}

/**
 * Copy a segment into the archive: never overwrite a different file, succeed on an identical one (a crash between the
 * copy and the server's `.done` record makes PostgreSQL archive the same segment again — a plain `test ! -f && cp`
 * then fails forever and archiving stops; seen in the archive drill's crash-restart), and fsync before the rename so
 * an archived name always means a durable, complete file. PostgreSQL's "Continuous Archiving" chapter
 * (doc/src/sgml/backup.sgml) asks exactly this of an archive command.
 */
export function archiveCommand(dir: string): string {
  return `if [ -f ${dir}/%f ]; then cmp -s %p ${dir}/%f; else cp %p ${dir}/%f.tmp && sync ${dir}/%f.tmp && mv ${dir}/%f.tmp ${dir}/%f; fi`;
}

/** TLS-only client authentication: hostssl + SCRAM for TCP, every non-TLS TCP connection rejected. */
export function hbaConf(extraNets: readonly string[] = []): string {
  return [
    "# TYPE    DATABASE     USER  ADDRESS        METHOD",
    "local     all          all                  scram-sha-256",
    `hostnossl all          all   0.0.0.0/0      reject`,
    `hostnossl replication  all   0.0.0.0/0      reject`,
    `hostssl   replication  all   ${HOST}/32   scram-sha-256`,
    `hostssl   all          all   ${HOST}/32   scram-sha-256`,
    ...extraNets.flatMap((n) => [
      `hostssl   replication  all   ${n}   scram-sha-256`,
      `hostssl   all          all   ${n}   scram-sha-256`,
    ]),
    "",
  ].join("\n");
}

/** pg_basebackup's arguments for the drills' backups: plain format, WAL streamed, a SHA-256 manifest, plus `extra`. */
export function baseBackupArgs(primary: Cluster, dir: string, extra: readonly string[] = []): string[] {
  return [
    "-d",
    primary.conninfo("postgres", "replicator"),
    "-D",
    dir,
    "-X",
    "stream",
    "-c",
    "fast",
    "--manifest-checksums=SHA256",
    ...extra,
  ];
}

/** A two-day self-signed certificate for HOST with the given subjectAltName (e.g. "IP:127.0.0.1,DNS:127.0.0.1"). */
export async function selfSignedCertificate(keyFile: string, certFile: string, subjectAltName: string): Promise<void> {
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${HOST}`,
    "-addext",
    `subjectAltName=${subjectAltName}`,
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
}
