/** The local drill scenarios. Each builds its own topology in its own workspace and tears it down, pass or fail. */
import { randomBytes } from "node:crypto";
import { existsSync, openSync, readdirSync, readFileSync, statSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { expectedShowValues, HOST, Workspace, type Cluster } from "./cluster.js";
import { killPid, pgBin, run, runAsServer, sleep } from "./exec.js";
import type { DrillOptions } from "./options.js";
import type { ScenarioOutcome, ScenarioResult } from "./report.js";
import { TARGETS } from "./targets.js";
import { eventually } from "./eventually.js";
import { TIMEOUTS } from "./timeouts.js";
import { FailoverWriter, throughputBuckets } from "./writer.js";

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

async function pgbenchInit(ws: Workspace, c: Cluster, scale: number): Promise<void> {
  await run(pgBin("pgbench"), ["-i", "-q", "-s", String(scale), "--no-vacuum", c.conninfo()], {
    env: ws.clientEnv(),
    timeoutMs: 900_000,
  });
  await c.query("VACUUM ANALYZE");
}

export interface PgbenchResult {
  tps: number;
  avgLatencyMs: number;
  p95LatencyMs: number;
  transactions: number;
  failed: number;
}

/** Run pgbench with per-transaction logging; TPS and average from its summary, p95 from the transaction log. */
export async function pgbenchRun(
  ws: Workspace,
  c: Cluster,
  clients: number,
  seconds: number,
  tag: string,
): Promise<PgbenchResult> {
  const prefix = join(ws.dir, `pgbench-${tag}`);
  const r = await run(
    pgBin("pgbench"),
    ["-c", String(clients), "-j", "2", "-T", String(seconds), "-n", "-l", `--log-prefix=${prefix}`, c.conninfo()],
    { env: ws.clientEnv(), timeoutMs: (seconds + 120) * 1000, cwd: ws.dir },
  );
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
  const avg = Number(/latency average = ([\d.]+) ms/.exec(r.stdout)?.[1]);
  const processed = Number(/number of transactions actually processed: (\d+)/.exec(r.stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? "0");
  const base = prefix.slice(ws.dir.length + 1);
  const latencies: number[] = [];
  for (const f of readdirSync(ws.dir).filter((n) => n.startsWith(`${base}.`))) {
    for (const line of readFileSync(join(ws.dir, f), "utf8").split("\n")) {
      const fields = line.split(" ");
      if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  const p95 = latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.95) - 1)]
    : NaN;
  if (!Number.isFinite(tps) || !Number.isFinite(avg))
    throw new Error(`cannot parse pgbench output:\n${r.stdout}\n${r.stderr}`);
  return { tps, avgLatencyMs: avg, p95LatencyMs: p95, transactions: processed, failed };
}

async function pgbenchConsistent(c: Cluster): Promise<boolean> {
  const row = (
    await c.query<{ a: string; b: string; t: string }>(
      "SELECT (SELECT sum(abalance) FROM pgbench_accounts)::text a, (SELECT sum(bbalance) FROM pgbench_branches)::text b, (SELECT sum(tbalance) FROM pgbench_tellers)::text t",
    )
  )[0];
  return row !== undefined && row.a === row.b && row.b === row.t;
}

// ---------------------------------------------------------------------------------------------------------------------

export async function connectScenario(ws: Workspace): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  const notes: string[] = [];
  // TLS through node-postgres, verifying the certificate and SAN (verify-full equivalent), and through libpq.
  const ssl = (
    await primary.query<{ ssl: boolean; version: string }>(
      "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    )
  )[0];
  const libpq = await run(
    pgBin("psql"),
    [
      "-X",
      "-A",
      "-t",
      "-c",
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
      `${primary.conninfo()} sslmode=verify-full sslrootcert=${ws.certFile}`,
    ],
    { env: ws.clientEnv(), allowFailure: true },
  );
  const tls = ssl?.ssl === true && libpq.code === 0 && libpq.stdout.trim() === "t" && /^TLSv1\.[23]$/.test(ssl.version);
  notes.push(
    `TLS session: ${ssl?.version ?? "none"}; libpq verify-full: ${libpq.code === 0 ? "ok" : libpq.stderr.trim()}`,
  );
  // Non-TLS connections (primary and replica, normal and replication) must be refused by pg_hba.
  const refusals = await Promise.all(
    [primary, replica].map((c) =>
      run(
        pgBin("psql"),
        [
          "-X",
          "-A",
          "-t",
          "-c",
          "SELECT 1",
          `host=${HOST} port=${c.port} dbname=postgres user=postgres sslmode=disable passfile=${ws.passfile}`,
        ],
        {
          env: ws.clientEnv(),
          allowFailure: true,
        },
      ),
    ),
  );
  const nonTlsRefused = refusals.every((r) => r.code !== 0 && /no encryption/.test(r.stderr));
  notes.push(`non-TLS attempt: ${refusals[0]?.stderr.trim().split("\n").pop() ?? ""}`);
  // Effective parameters equal the declared set, on the primary and on the replica.
  const expected = expectedShowValues();
  let matching = 0;
  const mismatches: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const [p, r] = await Promise.all([primary.scalar(`SHOW "${name}"`), replica.scalar(`SHOW "${name}"`)]);
    if (p === want && r === want) matching++;
    else mismatches.push(`${name}: declared ${want}, primary ${String(p)}, replica ${String(r)}`);
  }
  if (mismatches.length) notes.push(`parameter mismatches: ${mismatches.join("; ")}`);
  const replicaInRecovery = (await replica.scalar("SELECT pg_is_in_recovery()")) === true;
  const declared = Object.keys(expected).length;
  const metrics = { tls, nonTlsRefused, parametersMatching: matching, parametersDeclared: declared, replicaInRecovery };
  const targets = { tls: true, nonTlsRefused: true, parametersMatching: declared, replicaInRecovery: true };
  const passed = tls && nonTlsRefused && matching === declared && replicaInRecovery;
  return { results: [{ name: "connect", passed, metrics, targets }], notes };
}

export async function loadScenario(ws: Workspace, o: DrillOptions["load"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  const results: ScenarioResult[] = [];
  const notes: string[] = [
    `pgbench tpcb-like, scale ${o.scale}, ${o.durationSeconds} s per run, -j 2, TLS + SCRAM over loopback, as the superuser (see max_connections note).`,
  ];
  for (const clients of o.clients) {
    const r = await pgbenchRun(ws, primary, clients, o.durationSeconds, `c${clients}`);
    const consistent = await pgbenchConsistent(primary);
    const meets = r.tps >= TARGETS.minTps && r.avgLatencyMs < TARGETS.maxAvgLatencyMs;
    results.push({
      name: "load",
      passed: meets && consistent && r.failed === 0 && r.transactions > 0,
      metrics: {
        tps: round(r.tps, 1),
        avgLatencyMs: round(r.avgLatencyMs),
        p95LatencyMs: round(r.p95LatencyMs),
        clients,
      },
      targets: { tps: TARGETS.minTps, avgLatencyMs: TARGETS.maxAvgLatencyMs },
    });
    notes.push(
      `${clients} clients: ${r.tps.toFixed(0)} TPS, avg ${r.avgLatencyMs.toFixed(1)} ms, p95 ${r.p95LatencyMs.toFixed(1)} ms, ${r.transactions} transactions, ${r.failed} failed, balances consistent: ${consistent}.` +
        (meets
          ? ""
          : ` Target missed: with 2 cores, ${clients} concurrent clients queue for CPU (Little's law: latency ≈ clients / TPS = ${((clients / r.tps) * 1000).toFixed(0)} ms); the plan's concurrency needs a pooler in front (e.g. PgBouncer, ≈ 2–4 × cores server connections) or a latency target per concurrency.`),
    );
  }
  return { results, notes };
}

export async function lagScenario(ws: Workspace, o: DrillOptions["lag"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  await pgbenchInit(ws, primary, o.scale);
  const pc = await primary.client();
  const rc = await replica.client();
  let maxReplay = 0;
  let maxReplica = 0;
  let maxBytes = 0;
  let samples = 0;
  try {
    const start = new Date();
    let done = false;
    const bench = pgbenchRun(ws, primary, o.clients, o.durationSeconds, "lag").finally(() => (done = true));
    while (!done) {
      const [p, r] = await Promise.all([
        pc.query<{ replay: number | null; bytes: string | null }>(
          "SELECT extract(epoch FROM replay_lag)::float8 AS replay, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS bytes FROM pg_stat_replication WHERE application_name = 'replica'",
        ),
        rc.query<{ lag: number | null; fresh: boolean }>(
          "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag, pg_last_xact_replay_timestamp() >= $1 AS fresh",
          [start],
        ),
      ]);
      const pr = p.rows[0];
      const rr = r.rows[0];
      if (!done && pr && rr?.fresh) {
        samples++;
        maxReplay = Math.max(maxReplay, pr.replay ?? 0);
        maxReplica = Math.max(maxReplica, rr.lag ?? 0);
        maxBytes = Math.max(maxBytes, Number(pr.bytes ?? 0));
      }
      await sleep(100);
    }
    const b = await bench;
    // Caught up at the end?
    let caughtUp = false;
    for (let i = 0; i < 100 && !caughtUp; i++) {
      const lsn = await pc.query<{ d: string }>(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text d FROM pg_stat_replication WHERE application_name = 'replica'",
      );
      caughtUp = Number(lsn.rows[0]?.d ?? -1) === 0;
      if (!caughtUp) await sleep(50);
    }
    const maxSeconds = Math.max(maxReplay, maxReplica);
    return {
      results: [
        {
          name: "lag",
          passed: samples >= 5 && maxSeconds < TARGETS.replicaLagSeconds && caughtUp,
          metrics: {
            maxSeconds: round(maxSeconds),
            maxReplayLagSeconds: round(maxReplay),
            maxReplicaClockLagSeconds: round(maxReplica),
            maxBytes,
            samples,
          },
          targets: { maxSeconds: TARGETS.replicaLagSeconds },
        },
      ],
      notes: [
        `Asynchronous streaming replica under pgbench ${o.clients} clients (${b.tps.toFixed(0)} TPS) for ${o.durationSeconds} s; ${samples} samples every 100 ms.`,
        `maxSeconds = max of the primary's pg_stat_replication.replay_lag and the replica's now() − pg_last_xact_replay_timestamp() (sampled only once the replica replays commits from the load, so idle time is not counted). Max byte lag ${maxBytes}. Caught up after load: ${caughtUp}.`,
      ],
    };
  } finally {
    await pc.end().catch(() => undefined);
    await rc.end().catch(() => undefined);
  }
}

/** pg_isready probe: true when the server accepts connections. */
async function probe(ws: Workspace, port: number, probeTimeoutMs: number): Promise<boolean> {
  const r = await run(
    pgBin("pg_isready"),
    [
      "-q",
      "-t",
      String(Math.ceil(probeTimeoutMs / 1000)),
      "-d",
      `host=${HOST} port=${port} dbname=postgres user=postgres sslmode=require`,
    ],
    {
      env: ws.clientEnv(),
      allowFailure: true,
      timeoutMs: probeTimeoutMs + 2000,
    },
  );
  return r.code === 0;
}

/**
 * Failure detector: probe every `probeIntervalMs` while healthy; after a failed probe, confirm at `confirmIntervalMs`
 * spacing until `failuresToDeclare` consecutive failures. Resolves with the detection time (performance.now()).
 */
async function detectFailure(
  ws: Workspace,
  port: number,
  o: DrillOptions["failover"],
  stop: () => boolean,
): Promise<number | undefined> {
  let failures = 0;
  while (!stop()) {
    const ok = await probe(ws, port, o.probeTimeoutMs);
    failures = ok ? 0 : failures + 1;
    if (failures >= o.failuresToDeclare) return performance.now();
    await sleep(failures > 0 ? o.confirmIntervalMs : o.probeIntervalMs);
  }
  return undefined;
}

/** Worst-case detection time of `detectFailure`, seconds: a full probe interval, then every probe timing out. */
export function detectorBudgetSeconds(o: DrillOptions["failover"]): number {
  return (
    (o.probeIntervalMs + (o.failuresToDeclare - 1) * o.confirmIntervalMs + o.failuresToDeclare * o.probeTimeoutMs) /
    1000
  );
}

/** The detector's settings: inputs of the RTO, reported as parameters (never as results). */
function detectorParameters(o: DrillOptions["failover"]): Record<string, number> {
  return {
    probeIntervalMs: o.probeIntervalMs,
    confirmIntervalMs: o.confirmIntervalMs,
    failuresToDeclare: o.failuresToDeclare,
    probeTimeoutMs: o.probeTimeoutMs,
    detectorBudgetSeconds: round(detectorBudgetSeconds(o)),
  };
}

async function waitSyncState(primary: Cluster, want: "sync" | "async"): Promise<void> {
  // The walsender picks up the reloaded synchronous_standby_names on its next cycle: wait for it.
  let state: unknown;
  for (let i = 0; i < 100; i++) {
    state = await primary.scalar("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica'");
    if (state === want) return;
    await sleep(50);
  }
  throw new Error(`replica is ${String(state)}, expected ${want}`);
}

export async function failoverScenario(
  ws: Workspace,
  o: DrillOptions["failover"],
  mode: "sync" | "async",
): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  if (mode === "sync") await primary.setInstanceSetting("synchronous_standby_names", "replica");
  await waitSyncState(primary, mode);
  await primary.query(
    "CREATE TABLE drill_writes (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const walsender = Number(
    await primary.scalar("SELECT pid FROM pg_stat_replication WHERE application_name = 'replica'"),
  );
  const writer = new FailoverWriter(ws, {
    ports: [primary.port, replica.port],
    table: "drill_writes",
    retryDelayMs: 50,
  });
  writer.start();
  let stopDetector = false;
  try {
    await writer.waitForAcks(10);
    await sleep(o.warmupSeconds * 1000);
    const detector = detectFailure(ws, primary.port, o, () => stopDetector);
    await sleep(o.probeIntervalMs * Math.random()); // do not align the kill with the probe schedule
    // Freeze the walsender (SIGSTOP): WAL the primary acknowledges from now on never reaches the replica. Without it,
    // on loopback the WAL already in the socket is delivered after the primary dies and asynchronous loss never shows.
    const frozenAt = performance.now();
    killPid(walsender, "SIGSTOP");
    await sleep(o.freezeWalsenderMs);
    const lagBytesAtKill = Number(
      await primary
        .scalar(
          "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication WHERE application_name = 'replica'",
        )
        .catch(() => -1),
    );
    const killedAt = primary.kill9();
    const acksDuringFreeze = writer.acks.filter((a) => a.at > frozenAt + 100 && a.at <= killedAt).length;
    const detectedAt = await detector;
    if (detectedAt === undefined) throw new Error("failure never detected");
    await replica.promote();
    const promotedAt = performance.now();
    let first: number | undefined;
    for (let i = 0; i < 600 && first === undefined; i++) {
      first = writer.acks.find((a) => a.port === replica.port && a.at > killedAt)?.at;
      if (first === undefined) await sleep(10);
    }
    if (first === undefined) throw new Error("no acknowledged write on the promoted replica");
    await sleep(o.afterSeconds * 1000);
    await writer.stop();
    const stored = new Set(
      (await replica.query<{ seq: string }>("SELECT seq::text FROM drill_writes")).map((r) => Number(r.seq)),
    );
    // Only writes acknowledged before the kill can be lost by the failover; later ones went to the new primary.
    const beforeKill = writer.acks.filter((a) => a.at <= killedAt);
    const lostAcks = beforeKill.filter((a) => !stored.has(a.seq));
    const lost = lostAcks.length;
    const oldestLostAgeSeconds = lost > 0 ? (killedAt - Math.min(...lostAcks.map((a) => a.at))) / 1000 : 0;
    const timeline = Number.parseInt(
      String(await replica.scalar("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")),
      16,
    );
    const rto = (first - killedAt) / 1000;
    const after = writer.acks.filter((a) => a.at > killedAt).length;
    const name = mode === "sync" ? "failover" : "failover-async";
    const rtoOk = rto <= TARGETS.failoverRtoSeconds && timeline >= 2 && beforeKill.length > 0 && after > 0;
    // async: the freeze must show real loss (control), and nothing acknowledged more than 5 s before the kill is lost
    // (R-3.2.1 lag < 5 s). sync: the same freeze stops acknowledgements (control) and loses nothing.
    const control =
      mode === "async"
        ? { name: "walsender-frozen-loses-writes", expectFailure: true as const, failed: lost > 0 }
        : { name: "walsender-frozen-stops-acks", expectFailure: true as const, failed: acksDuringFreeze === 0 };
    const claimOk =
      mode === "async"
        ? oldestLostAgeSeconds <= TARGETS.asyncMaxLossAgeSeconds
        : lost === TARGETS.lostAcknowledgedWrites;
    const passed = rtoOk && claimOk && control.failed;
    const targets: Record<string, number> = { rtoSeconds: TARGETS.failoverRtoSeconds };
    if (mode === "sync") targets.lostAcknowledgedWrites = TARGETS.lostAcknowledgedWrites;
    else targets.oldestLostAgeSeconds = TARGETS.asyncMaxLossAgeSeconds;
    const fromMs = -Math.min(2000, o.warmupSeconds * 1000);
    const toMs = first - killedAt + o.afterSeconds * 1000;
    return {
      results: [
        {
          name,
          passed,
          metrics: {
            rtoSeconds: round(rto),
            detectSeconds: round((detectedAt - killedAt) / 1000),
            promoteSeconds: round((promotedAt - detectedAt) / 1000),
            reconnectSeconds: round((first - promotedAt) / 1000),
            lostAcknowledgedWrites: lost,
            acknowledgedBeforeKill: beforeKill.length,
            acknowledgedAfterKill: after,
            acknowledgedDuringFreeze: acksDuringFreeze,
            lagBytesAtKill,
            oldestLostAgeSeconds: round(oldestLostAgeSeconds),
          },
          targets,
          parameters: { ...detectorParameters(o), freezeWalsenderMs: o.freezeWalsenderMs },
          controls: [control],
        },
      ],
      notes: [
        `${mode === "sync" ? "Synchronous (synchronous_standby_names='replica', synchronous_commit=on)" : "Asynchronous"} streaming replica; writer: one psql session through libpq multi-host \`target_session_attrs=read-write connect_timeout=1\`, reconnecting 50 ms after losing its session.`,
        `The walsender was frozen (SIGSTOP) ${o.freezeWalsenderMs} ms before kill -9 of the postmaster and its children: ${acksDuringFreeze} writes acknowledged during the freeze, ${lagBytesAtKill} bytes of WAL not replayed at the kill.`,
        `Detected after ${((detectedAt - killedAt) / 1000).toFixed(2)} s (parameters: probe every ${o.probeIntervalMs} ms, ${o.failuresToDeclare} failed pg_isready probes ${o.confirmIntervalMs} ms apart, worst case ${detectorBudgetSeconds(o).toFixed(1)} s) → pg_ctl promote -w ${((promotedAt - detectedAt) / 1000).toFixed(2)} s → writer reconnected and acknowledged on the new primary ${((first - promotedAt) / 1000).toFixed(2)} s later: RTO ${rto.toFixed(2)} s (new timeline ${timeline}).`,
        `${lost} of ${beforeKill.length} writes acknowledged before the kill are missing on the new primary${lost > 0 ? ` (the oldest acknowledged ${oldestLostAgeSeconds.toFixed(2)} s before the kill)` : ""}; ${after} acknowledged after it, ${writer.sessions} psql sessions.`,
      ],
      chart: {
        title: `Writer throughput across the ${mode} failover`,
        bucketMs: o.bucketMs,
        buckets: throughputBuckets(writer.acks, killedAt, o.bucketMs, fromMs, toMs),
      },
    };
  } finally {
    stopDetector = true;
    killPid(walsender, "SIGCONT");
    await writer.stop();
  }
}

async function waitArchived(c: Cluster, walfile: string, timeoutMs: number = TIMEOUTS.archiveSegmentMs): Promise<void> {
  await eventually(() => existsSync(join(c.ws.archiveDir, walfile)), {
    timeout: timeoutMs,
    interval: TIMEOUTS.pollMs,
    what: `${walfile} in the archive`,
  }).catch((e: unknown) => {
    throw new Error(`${String(e)}; archive holds ${readdirSync(c.ws.archiveDir).join(", ")}\n${c.tailLog(40)}`);
  });
}

async function switchAndArchive(c: Cluster): Promise<void> {
  // pg_switch_wal() returns the end of the finished segment + 1, i.e. the start of the next one: step back a byte.
  const f = String(await c.scalar("SELECT pg_walfile_name(pg_switch_wal() - 1)"));
  await waitArchived(c, f);
}

async function waitPromoted(c: Cluster, timeoutMs: number): Promise<void> {
  await eventually(async () => (await c.scalar("SELECT pg_is_in_recovery()")) === false, {
    timeout: timeoutMs,
    interval: TIMEOUTS.fastPollMs,
    what: `${c.name} to finish recovery`,
  }).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${c.tailLog()}`);
  });
}

export async function pitrScenario(ws: Workspace, o: DrillOptions["pitr"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  await primary.query(
    "CREATE TABLE pitr_rows (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const t0 = performance.now();
  const backup = await ws.baseBackup(primary);
  const backupSeconds = (performance.now() - t0) / 1000;
  const sizeBytes = Number((await run("du", ["-sb", backup])).stdout.split(/\s+/)[0]);
  // Writes after the backup: background pgbench (WAL volume) and one row per transaction, acknowledged in order.
  const bench = pgbenchRun(ws, primary, 4, o.writeSeconds, "pitr");
  const c = await primary.client();
  let id = 0;
  let target = "";
  let lastBefore = 0;
  try {
    const until = performance.now() + o.writeSeconds * 1000;
    const half = performance.now() + (o.writeSeconds * 1000) / 2;
    while (performance.now() < until || target === "") {
      await c.query("INSERT INTO pitr_rows (id) VALUES ($1)", [++id]);
      if (target === "" && performance.now() >= half) {
        // Every row up to `id` was acknowledged before T was read; every later row commits after T.
        lastBefore = id;
        target = String((await c.query<{ t: string }>("SELECT clock_timestamp()::text AS t")).rows[0]?.t);
      }
      await sleep(5);
    }
  } finally {
    await c.end().catch(() => undefined);
  }
  await bench;
  const rowsAfterWritten = id - lastBefore;
  await switchAndArchive(primary);
  const r0 = performance.now();
  const restored = await ws.clusterFromBackup(backup, "restored", [
    `restore_command = 'cp ${ws.archiveDir}/%f %p'`,
    `recovery_target_time = '${target}'`,
    "recovery_target_action = 'promote'",
  ]);
  ws.writeServerFile(join(restored.dataDir, "recovery.signal"), "");
  await restored.start();
  await waitPromoted(restored, TIMEOUTS.leaveRecoveryMs);
  const restoreSeconds = (performance.now() - r0) / 1000;
  const counts = (
    await restored.query<{ before: number; after: number }>(
      "SELECT count(*) FILTER (WHERE id <= $1)::int AS before, count(*) FILTER (WHERE id > $1)::int AS after FROM pitr_rows",
      [lastBefore],
    )
  )[0];
  const timeline = Number.parseInt(
    String(await restored.scalar("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")),
    16,
  );
  const rowsMissingBeforeTarget = lastBefore - (counts?.before ?? 0);
  const rowsAfterTarget = counts?.after ?? -1;
  const passed =
    rowsAfterTarget === 0 &&
    rowsMissingBeforeTarget === 0 &&
    lastBefore > 0 &&
    rowsAfterWritten > 0 &&
    timeline >= 2 &&
    restoreSeconds <= TARGETS.serviceRtoSeconds;
  return {
    results: [
      {
        name: "pitr",
        passed,
        metrics: {
          restoreSeconds: round(restoreSeconds),
          rowsAfterTarget,
          rowsMissingBeforeTarget,
          rowsBeforeTarget: lastBefore,
          clusterMB: round(sizeBytes / 1e6, 1),
          backupSeconds: round(backupSeconds),
        },
        targets: { restoreSeconds: TARGETS.serviceRtoSeconds, rowsAfterTarget: 0, rowsMissingBeforeTarget: 0 },
      },
    ],
    notes: [
      `Base backup ${(sizeBytes / 1e6).toFixed(0)} MB (pgbench scale ${o.scale}) in ${backupSeconds.toFixed(2)} s; then ${o.writeSeconds} s of pgbench (4 clients) plus one row per transaction.`,
      `T = ${target}: ${lastBefore} rows acknowledged before T was read, ${rowsAfterWritten} after. Restore (copy + WAL replay from the archive to T + promote) took ${restoreSeconds.toFixed(2)} s; the restored cluster is on timeline ${timeline}.`,
    ],
  };
}

/** Overwrite 64 bytes in the middle of the largest relation file of a backup copy. */
function corruptLargestRelation(dir: string): string {
  let best = "";
  let bestSize = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^\d+$/.test(e.name)) {
        const s = statSync(p).size;
        if (s > bestSize) [best, bestSize] = [p, s];
      }
    }
  };
  walk(join(dir, "base"));
  const fd = openSync(best, "r+");
  try {
    writeSync(fd, randomBytes(64), 0, 64, Math.floor(bestSize / 2));
  } finally {
    closeSync(fd);
  }
  return best;
}

export async function backupScenario(ws: Workspace, o: DrillOptions["backup"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  const accounts = Number(await primary.scalar("SELECT count(*) FROM pgbench_accounts"));
  const backup = await ws.baseBackup(primary);
  const v0 = performance.now();
  const good = await ws.verifyBackup(backup);
  const verifySeconds = (performance.now() - v0) / 1000;
  const corruptDir = join(ws.dir, "basebackup-corrupt");
  await runAsServer("cp", ["-a", backup, corruptDir]);
  const file = corruptLargestRelation(corruptDir);
  const bad = await ws.verifyBackup(corruptDir);
  const corruptionDetected = !bad.ok && /checksum mismatch/.test(bad.output);
  const restored = await ws.clusterFromBackup(backup, "restored");
  await restored.start();
  await waitPromoted(restored, TIMEOUTS.leaveRecoveryMs);
  const amcheck = await run(
    pgBin("pg_amcheck"),
    ["--install-missing", "--all", "--heapallindexed", "-h", HOST, "-p", String(restored.port), "-U", "postgres"],
    { env: ws.clientEnv(), allowFailure: true, timeoutMs: 600_000 },
  );
  const amcheckPassed = amcheck.code === 0;
  const restoredAccounts = Number(await restored.scalar("SELECT count(*) FROM pgbench_accounts"));
  const passed = good.ok && corruptionDetected && amcheckPassed && restoredAccounts === accounts;
  return {
    results: [
      {
        name: "backup",
        passed,
        metrics: {
          verified: good.ok,
          corruptionDetected,
          amcheckPassed,
          restoredRowsMatch: restoredAccounts === accounts,
          verifySeconds: round(verifySeconds),
        },
        targets: { verified: true, corruptionDetected: true, amcheckPassed: true },
      },
    ],
    notes: [
      `pg_verifybackup on the base backup: ${good.ok ? "passed" : good.output}.`,
      `Corrupted 64 bytes of ${file.slice(corruptDir.length + 1)} in a copy: pg_verifybackup ${bad.ok ? "did NOT notice" : `failed: ${bad.output.split("\n")[0]}`}.`,
      `Restored cluster: pg_amcheck --all --heapallindexed ${amcheckPassed ? "passed" : `failed: ${amcheck.stdout}${amcheck.stderr}`}; pgbench_accounts ${restoredAccounts}/${accounts} rows.`,
    ],
  };
}

/** Seconds until any segment reaches `dir`, or undefined when none arrives within `timeoutMs`. */
async function firstArchived(dir: string, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (readdirSync(dir).some((f) => /^[0-9A-F]{24}$/.test(f))) return (performance.now() - t0) / 1000;
    await sleep(25);
  }
  return undefined;
}

/**
 * Negative control of the start-up gap (D50): a primary started WITHOUT the CHECKPOINT, archive_timeout short and
 * checkpoint_timeout long, one row written: no segment may reach the archive within archive_timeout + margin. Then the
 * CHECKPOINT alone must make one arrive. Runs in its own workspace (its own archive).
 */
export async function archiveStartGapControl(
  archiveTimeoutSeconds: number,
  marginSeconds: number,
): Promise<{ segmentWithoutCheckpoint: boolean; secondsAfterCheckpoint: number | undefined }> {
  const ws = await Workspace.create();
  try {
    const p = await ws.createPrimary({
      name: "control",
      archiveTimeoutSeconds,
      checkpointAfterStart: false,
      extra: { checkpoint_timeout: "1h" },
    });
    await p.query("CREATE TABLE control_rows (id int)");
    await p.query("INSERT INTO control_rows VALUES (1)");
    const without = await firstArchived(ws.archiveDir, (archiveTimeoutSeconds + marginSeconds) * 1000);
    await p.query("CHECKPOINT");
    const after = await firstArchived(ws.archiveDir, (archiveTimeoutSeconds + marginSeconds) * 1000);
    return { segmentWithoutCheckpoint: without !== undefined, secondsAfterCheckpoint: after };
  } finally {
    await ws.teardown();
  }
}

export async function archiveScenario(ws: Workspace, o: DrillOptions["archive"]): Promise<ScenarioOutcome> {
  const control = await archiveStartGapControl(o.controlArchiveTimeoutSeconds, o.controlMarginSeconds);
  // The measured primary gets its CHECKPOINT after start (Cluster.checkpointAfterStart); the harness forces no switch.
  const primary = await ws.createPrimary({ name: "primary", archiveTimeoutSeconds: o.archiveTimeoutSeconds });
  await primary.query(
    "CREATE TABLE archive_rows (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const seen = new Map<string, number>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const now = performance.now();
      for (const f of readdirSync(ws.archiveDir)) if (!seen.has(f) && !f.endsWith(".tmp")) seen.set(f, now);
      await sleep(25);
    }
  })();
  const rows: { at: number; walfile: string }[] = [];
  let c = await primary.client();
  let crashRestartSeconds = 0;
  try {
    const t0 = performance.now();
    const until = t0 + o.durationSeconds * 1000;
    const crashAt = o.crashRestart ? t0 + (o.durationSeconds * 1000) / 2 : Infinity;
    let id = 0;
    while (performance.now() < until) {
      if (performance.now() >= crashAt && crashRestartSeconds === 0) {
        // The OOM killer's kind of crash: every session is reset and the checkpointer restarts with the same gap.
        await c.end().catch(() => undefined);
        crashRestartSeconds = await primary.crashRestart();
        c = await primary.client();
      }
      await c.query("INSERT INTO archive_rows (id) VALUES ($1)", [++id]);
      const at = performance.now();
      const walfile = String(
        (await c.query<{ f: string }>("SELECT pg_walfile_name(pg_current_wal_lsn() - 1) AS f")).rows[0]?.f,
      );
      rows.push({ at, walfile });
      await sleep(o.writeIntervalMs);
    }
    // Let archive_timeout ship the last segment.
    const last = rows[rows.length - 1]?.walfile ?? "";
    await waitArchived(primary, last, (o.archiveTimeoutSeconds + 10) * 1000);
    await sleep(100); // let the watcher record the arrival time of the last segment
  } finally {
    await c.end().catch(() => undefined);
    watching = false;
    await watcher;
  }
  let worst = 0;
  for (const r of rows) worst = Math.max(worst, ((seen.get(r.walfile) ?? Infinity) - r.at) / 1000);
  const segments = new Set(rows.map((r) => r.walfile)).size;
  // A row acknowledged just before the crash waits for the restart plus archive_timeout: the restart is part of the bound.
  const bound = o.archiveTimeoutSeconds + 2 + crashRestartSeconds;
  const controlFailed = !control.segmentWithoutCheckpoint;
  const fixShown = control.secondsAfterCheckpoint !== undefined;
  const passed =
    Number.isFinite(worst) &&
    worst <= TARGETS.rpoSeconds &&
    worst <= bound &&
    rows.length > 0 &&
    segments >= 2 &&
    controlFailed &&
    fixShown;
  return {
    results: [
      {
        name: "archive",
        passed,
        metrics: {
          rpoSeconds: Number.isFinite(worst) ? round(worst) : -1,
          rows: rows.length,
          segments,
          crashRestartSeconds: round(crashRestartSeconds),
          controlSegmentWithoutCheckpoint: control.segmentWithoutCheckpoint,
          controlSecondsAfterCheckpoint: round(control.secondsAfterCheckpoint ?? -1),
        },
        targets: { rpoSeconds: TARGETS.rpoSeconds, controlSegmentWithoutCheckpoint: false },
        parameters: {
          archiveTimeoutSeconds: o.archiveTimeoutSeconds,
          forcedSwitches: 0,
          crashRestart: o.crashRestart,
          controlArchiveTimeoutSeconds: o.controlArchiveTimeoutSeconds,
          controlWaitSeconds: o.controlArchiveTimeoutSeconds + o.controlMarginSeconds,
        },
        controls: [{ name: "no-checkpoint-after-start", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [
      `Trickle writer (one row every ${o.writeIntervalMs} ms for ${o.durationSeconds} s) with archive_timeout = ${o.archiveTimeoutSeconds} s: ${rows.length} rows over ${segments} WAL segments; the harness forced no segment switch (no pg_switch_wal()), one CHECKPOINT after start${o.crashRestart ? ` and one after the crash-restart (a backend SIGKILLed half-way; server back as primary after ${crashRestartSeconds.toFixed(2)} s)` : ""}.`,
      `Worst case, archive-only (primary and replicas lost): a row acknowledged ${worst.toFixed(2)} s before its segment reached the archive (bound: archive_timeout + 2 s${o.crashRestart ? " + restart" : ""}). A self-managed server must run with archive_timeout ≤ ${TARGETS.rpoSeconds} s to meet RPO ${TARGETS.rpoSeconds} s; Azure ships WAL itself (RPO < 5 min for PITR).`,
      `Control (checkpointer start-up gap): a primary started without the CHECKPOINT, archive_timeout ${o.controlArchiveTimeoutSeconds} s, checkpoint_timeout 1 h, one row written: ${control.segmentWithoutCheckpoint ? "a segment DID arrive (control did not fail)" : `no segment within ${o.controlArchiveTimeoutSeconds + o.controlMarginSeconds} s`}; after one CHECKPOINT: ${fixShown ? `a segment arrived ${control.secondsAfterCheckpoint?.toFixed(2)} s later` : "still none"}.`,
    ],
  };
}

export interface HangRun {
  passed: boolean;
  metrics: Record<string, number | boolean>;
  notes: string[];
}

/**
 * The primary hangs (SIGSTOP of its whole tree: sockets stay open, no RST) instead of dying. The detector sees probes
 * time out; with `fencing` the harness SIGKILLs the frozen tree before promoting (STONITH), so the old primary cannot
 * come back. Then the old primary is resumed (SIGCONT) and a second application instance connects with the same host
 * list: any write acknowledged by the old primary after the promotion is a split-brain write. Replication is
 * asynchronous (a synchronous old primary could not commit without its standby, which would hide the split brain).
 */
export async function hangRun(ws: Workspace, o: DrillOptions["failover"], fencing: boolean): Promise<HangRun> {
  const primary = await ws.createPrimary({ name: "primary" });
  const replica = await ws.createReplica(primary, "replica");
  await primary.query(
    "CREATE TABLE drill_writes (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const ports = [primary.port, replica.port];
  const writer = new FailoverWriter(ws, { ports, table: "drill_writes", ackTimeoutMs: o.writerAckTimeoutMs });
  // The second instance's sequence numbers must not collide with the first's.
  const second = new FailoverWriter(ws, {
    ports,
    table: "drill_writes",
    ackTimeoutMs: o.writerAckTimeoutMs,
    applicationName: "drill-writer-2",
    firstSeq: 1_000_000_000,
  });
  writer.start();
  let stopDetector = false;
  try {
    await writer.waitForAcks(10);
    await sleep(o.warmupSeconds * 1000);
    const detector = detectFailure(ws, primary.port, o, () => stopDetector);
    await sleep(o.probeIntervalMs * Math.random());
    const frozenAt = performance.now();
    const frozen = primary.freeze();
    const detectedAt = await detector;
    if (detectedAt === undefined) throw new Error("hang never detected");
    if (fencing) primary.kill9();
    const fencedAt = performance.now();
    await replica.promote();
    const promotedAt = performance.now();
    let first: number | undefined;
    for (let i = 0; i < 1500 && first === undefined; i++) {
      first = writer.acks.find((a) => a.port === replica.port && a.at > frozenAt)?.at;
      if (first === undefined) await sleep(10);
    }
    if (first === undefined) throw new Error("no acknowledged write on the promoted replica");
    // The old primary resumes (a VM un-stalls); a fresh application instance connects with the same host list.
    primary.thaw();
    second.start();
    await sleep(o.afterSeconds * 1000);
    let directWriteAccepted = false;
    try {
      await primary.query("INSERT INTO drill_writes (seq) VALUES (-1)");
      directWriteAccepted = true;
    } catch {
      /* refused or unreachable: fenced */
    }
    await Promise.all([writer.stop(), second.stop()]);
    const acks = [...writer.acks, ...second.acks];
    const splitBrainWrites = acks.filter((a) => a.port === primary.port && a.at > promotedAt).length;
    const onNewPrimary = acks.filter((a) => a.port === replica.port).length;
    const rto = (first - frozenAt) / 1000;
    const passed =
      splitBrainWrites === 0 && !directWriteAccepted && rto <= TARGETS.failoverRtoSeconds && onNewPrimary > 0;
    return {
      passed,
      metrics: {
        rtoSeconds: round(rto),
        detectSeconds: round((detectedAt - frozenAt) / 1000),
        fenceSeconds: round((fencedAt - detectedAt) / 1000),
        promoteSeconds: round((promotedAt - fencedAt) / 1000),
        reconnectSeconds: round((first - promotedAt) / 1000),
        splitBrainWrites,
        directWriteAccepted,
        writesOnNewPrimary: onNewPrimary,
        abandonedWrites: writer.abandonedWrites + second.abandonedWrites,
      },
      notes: [
        `Primary frozen (SIGSTOP of ${frozen.length} processes: postmaster, backends, walsender, …); detected after ${((detectedAt - frozenAt) / 1000).toFixed(2)} s (pg_isready timing out); ${fencing ? "fenced: the frozen tree SIGKILLed before promotion" : "NOT fenced"}; promoted; the first writer (statement deadline ${o.writerAckTimeoutMs} ms, ${writer.abandonedWrites} writes abandoned in doubt) acknowledged on the new primary ${rto.toFixed(2)} s after the freeze.`,
        `Old primary resumed (SIGCONT) and a second application instance started with the same host list: ${splitBrainWrites} writes acknowledged by the old primary after the promotion (split brain), direct write to it ${directWriteAccepted ? "ACCEPTED" : "refused"}; ${onNewPrimary} writes on the new primary.`,
      ],
    };
  } finally {
    stopDetector = true;
    primary.thaw();
    await Promise.all([writer.stop(), second.stop()]);
  }
}

/** `hang`: fenced run (must pass) plus its negative control, the same run without fencing in its own workspace (must fail). */
export async function hangScenario(ws: Workspace, o: DrillOptions["failover"]): Promise<ScenarioOutcome> {
  const fenced = await hangRun(ws, o, true);
  const cws = await Workspace.create();
  let unfenced: HangRun;
  try {
    unfenced = await hangRun(cws, o, false);
  } finally {
    await cws.teardown();
  }
  const controlFailed = !unfenced.passed && (unfenced.metrics.splitBrainWrites as number) > 0;
  return {
    results: [
      {
        name: "hang",
        passed: fenced.passed && controlFailed,
        metrics: {
          ...fenced.metrics,
          controlSplitBrainWrites: unfenced.metrics.splitBrainWrites,
          controlDirectWriteAccepted: unfenced.metrics.directWriteAccepted,
        },
        targets: { rtoSeconds: TARGETS.failoverRtoSeconds, splitBrainWrites: 0, directWriteAccepted: false },
        parameters: { ...detectorParameters(o), writerAckTimeoutMs: o.writerAckTimeoutMs, fencing: true },
        controls: [{ name: "no-fencing-split-brain", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [...fenced.notes, ...unfenced.notes.map((n) => `Control without fencing: ${n}`)],
  };
}
