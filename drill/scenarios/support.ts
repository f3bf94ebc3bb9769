/** Helpers the scenarios share: pgbench, the failure detector, archive and promotion waits. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HOST, Workspace, type Cluster } from "../cluster.js";
import { pgBin, run, sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import { eventually } from "../eventually.js";
import { TIMEOUTS } from "../timeouts.js";

export const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The largest gap between consecutive timestamps (milliseconds in, seconds out). */
export function largestGapSeconds(ats: readonly number[]): number {
  const s = [...ats].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < s.length; i++) gap = Math.max(gap, ((s[i] ?? 0) - (s[i - 1] ?? 0)) / 1000);
  return gap;
}

export async function pgbenchInit(ws: Workspace, c: Cluster, scale: number): Promise<void> {
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

export async function pgbenchConsistent(c: Cluster): Promise<boolean> {
  const row = (
    await c.query<{ a: string; b: string; t: string }>(
      "SELECT (SELECT sum(abalance) FROM pgbench_accounts)::text a, (SELECT sum(bbalance) FROM pgbench_branches)::text b, (SELECT sum(tbalance) FROM pgbench_tellers)::text t",
    )
  )[0];
  return row !== undefined && row.a === row.b && row.b === row.t;
}

/** pg_isready probe: true when the server accepts connections. */
export async function probe(ws: Workspace, port: number, probeTimeoutMs: number, host = HOST): Promise<boolean> {
  const r = await run(
    pgBin("pg_isready"),
    [
      "-q",
      "-t",
      String(Math.ceil(probeTimeoutMs / 1000)),
      "-d",
      `host=${host} port=${port} dbname=postgres user=postgres sslmode=require`,
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
export async function detectFailure(
  ws: Workspace,
  port: number,
  o: DrillOptions["failover"],
  stop: () => boolean,
  host = HOST,
): Promise<number | undefined> {
  let failures = 0;
  while (!stop()) {
    const ok = await probe(ws, port, o.probeTimeoutMs, host);
    failures = ok ? 0 : failures + 1;
    if (failures >= o.failuresToDeclare) return performance.now();
    await sleep(failures > 0 ? o.confirmIntervalMs : o.probeIntervalMs);
  }
  return undefined;
}

/** The harness's clock (performance.now(), ms) at each step from the fault to the first write on the promoted server. */
export interface FailoverClock {
  readonly faultAt: number;
  readonly detectedAt: number;
  /** When the old primary was fenced (killed); absent when nothing is fenced (it is already dead). */
  readonly fencedAt?: number;
  /** When `pg_ctl promote -w` returned. */
  readonly promoteReturnedAt: number;
  readonly firstWriteAt: number;
}

export interface RtoParts {
  readonly rtoSeconds: number;
  readonly detectSeconds: number;
  readonly fenceSeconds?: number;
  readonly promoteSeconds: number;
  readonly reconnectSeconds: number;
}

/** When the promoted server was known to accept writes: pg_ctl's return or the first write on it, whichever came first. */
export function promotionEnd(t: Pick<FailoverClock, "promoteReturnedAt" | "firstWriteAt">): number {
  return Math.min(t.promoteReturnedAt, t.firstWriteAt);
}

/**
 * RTO and its parts, in seconds. `pg_ctl promote -w` polls the server ten times a second (src/bin/pg_ctl/pg_ctl.c,
 * `#define WAITS_PER_SEC 10`), so it returns up to 100 ms after the promotion and the writer can be acknowledged by the
 * promoted server first: the promotion then ends at that write and reconnect is 0 — a part is never negative, and the
 * parts add up to the RTO (up to rounding).
 */
export function rtoParts(t: FailoverClock): RtoParts {
  const fencedAt = t.fencedAt ?? t.detectedAt;
  const promotedAt = promotionEnd(t);
  return {
    rtoSeconds: round((t.firstWriteAt - t.faultAt) / 1000),
    detectSeconds: round((t.detectedAt - t.faultAt) / 1000),
    ...(t.fencedAt === undefined ? {} : { fenceSeconds: round((fencedAt - t.detectedAt) / 1000) }),
    promoteSeconds: round((promotedAt - fencedAt) / 1000),
    reconnectSeconds: round((t.firstWriteAt - promotedAt) / 1000),
  };
}

/** Worst-case detection time of `detectFailure`, seconds: a full probe interval, then every probe timing out. */
export function detectorBudgetSeconds(o: DrillOptions["failover"]): number {
  return (
    (o.probeIntervalMs + (o.failuresToDeclare - 1) * o.confirmIntervalMs + o.failuresToDeclare * o.probeTimeoutMs) /
    1000
  );
}

/** The detector's settings: inputs of the RTO, reported as parameters (never as results). */
export function detectorParameters(o: DrillOptions["failover"]): Record<string, number> {
  return {
    probeIntervalMs: o.probeIntervalMs,
    confirmIntervalMs: o.confirmIntervalMs,
    failuresToDeclare: o.failuresToDeclare,
    probeTimeoutMs: o.probeTimeoutMs,
    detectorBudgetSeconds: round(detectorBudgetSeconds(o)),
  };
}

export async function waitSyncState(primary: Cluster, want: "sync" | "async"): Promise<void> {
  // The walsender picks up the reloaded synchronous_standby_names on its next cycle: wait for it.
  let state: unknown;
  await eventually(
    async () => {
      state = await primary.scalar("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica'");
      return state === want;
    },
    { timeout: TIMEOUTS.settingAppliedMs, interval: TIMEOUTS.pollMs, what: `the replica to be ${want}` },
  ).catch(() => {
    throw new Error(`replica is ${String(state)}, expected ${want}`);
  });
}

export async function waitArchived(
  c: Cluster,
  walfile: string,
  timeoutMs: number = TIMEOUTS.archiveSegmentMs,
): Promise<void> {
  await eventually(() => existsSync(join(c.ws.archiveDir, walfile)), {
    timeout: timeoutMs,
    interval: TIMEOUTS.pollMs,
    what: `${walfile} in the archive`,
  }).catch((e: unknown) => {
    throw new Error(`${String(e)}; archive holds ${readdirSync(c.ws.archiveDir).join(", ")}\n${c.tailLog(40)}`);
  });
}

export async function switchAndArchive(c: Cluster): Promise<void> {
  // pg_switch_wal() returns the end of the finished segment + 1, i.e. the start of the next one: step back a byte.
  const f = String(await c.scalar("SELECT pg_walfile_name(pg_switch_wal() - 1)"));
  await waitArchived(c, f);
}

export async function waitPromoted(c: Cluster, timeoutMs: number): Promise<void> {
  await eventually(async () => (await c.scalar("SELECT pg_is_in_recovery()")) === false, {
    timeout: timeoutMs,
    interval: TIMEOUTS.fastPollMs,
    what: `${c.name} to finish recovery`,
  }).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${c.tailLog()}`);
  });
}
