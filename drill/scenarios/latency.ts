/**
 * latency: 500 ms added to the client → server path (drill/delay-proxy.ts; this kernel has no netem). Checked:
 * libpq's connect_timeout fires when the delayed handshake (TLS, SCRAM: several client flights) exceeds it and not when
 * it does not; statement_timeout cancels a statement over its budget and lets one under it pass; p50/p95 of `SELECT 1`
 * with and without the delay. connect_timeout (libpq "Parameter Key Words") bounds
 * the whole connection attempt, in whole seconds (a 2 s timeout fired after 1.58 s here); statement_timeout
 * ("Client Connection Defaults") is timed by the server from the statement's arrival, so the network delay is not
 * charged to it (measured below: a statement under the budget passes although the client waits longer than the budget).
 * Controls, run for real: without the delay the same connect_timeout does not fire; with a budget shorter than the
 * statement the "under budget" statement is cancelled.
 */
import pg from "pg";
import { HOST, type Workspace } from "../cluster.js";
import { DelayProxy } from "../delay-proxy.js";
import { pgBin, run } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { round } from "./support.js";

/** The p-th percentile (0–100) of a sample, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** libpq (psql) connecting through the proxy with `connectTimeoutSeconds`: success and seconds taken. */
async function libpqConnect(
  ws: Workspace,
  port: number,
  connectTimeoutSeconds: number,
): Promise<{ ok: boolean; seconds: number; error: string }> {
  const t0 = performance.now();
  const r = await run(
    pgBin("psql"),
    [
      "-X",
      "-A",
      "-t",
      "-c",
      "SELECT 1",
      `host=${HOST} port=${port} dbname=postgres user=postgres sslmode=require passfile=${ws.passfile} connect_timeout=${connectTimeoutSeconds}`,
    ],
    { env: ws.clientEnv(), allowFailure: true, timeoutMs: (connectTimeoutSeconds + 30) * 1000 },
  );
  return {
    ok: r.code === 0 && r.stdout.trim() === "1",
    seconds: (performance.now() - t0) / 1000,
    error: r.stderr.trim().split("\n").pop() ?? "",
  };
}

async function proxyClient(ws: Workspace, port: number): Promise<pg.Client> {
  const c = new pg.Client({
    host: HOST,
    port,
    database: "postgres",
    user: "postgres",
    password: ws.passwordFor("postgres"),
    ssl: { ca: ws.certPem, rejectUnauthorized: true },
    connectionTimeoutMillis: 30_000,
  });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

/** Runs `sql` with `statement_timeout = budgetMs`: whether it was cancelled (SQLSTATE 57014) and the client's seconds. */
async function timed(c: pg.Client, budgetMs: number, sql: string): Promise<{ cancelled: boolean; seconds: number }> {
  await c.query(`SET statement_timeout = ${budgetMs}`);
  const t0 = performance.now();
  const cancelled = await c.query(sql).then(
    () => false,
    (e: unknown) => (e as { code?: string }).code === "57014",
  );
  return { cancelled, seconds: (performance.now() - t0) / 1000 };
}

async function samples(c: pg.Client, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await c.query("SELECT 1");
    out.push(performance.now() - t0);
  }
  return out;
}

export async function latencyScenario(ws: Workspace, o: DrillOptions["latency"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  const proxy = await DelayProxy.start(primary.host, primary.port);
  try {
    // Without delay: baseline latency and the control of connect_timeout (it must not fire).
    proxy.delayMs = 0;
    const plain = await proxyClient(ws, proxy.port);
    const base = await samples(plain, o.samplesWithout);
    await plain.end();
    const connectNoDelay = await libpqConnect(ws, proxy.port, o.shortConnectTimeoutSeconds);
    // With the delay.
    proxy.delayMs = o.delayMs;
    const connectShort = await libpqConnect(ws, proxy.port, o.shortConnectTimeoutSeconds);
    const connectLong = await libpqConnect(ws, proxy.port, o.longConnectTimeoutSeconds);
    const c = await proxyClient(ws, proxy.port);
    let delayed: number[];
    let over: { cancelled: boolean; seconds: number };
    let under: { cancelled: boolean; seconds: number };
    let shortBudget: { cancelled: boolean; seconds: number };
    try {
      delayed = await samples(c, o.samplesWith);
      over = await timed(c, o.statementBudgetMs, `SELECT pg_sleep(${o.overBudgetSleepMs / 1000})`);
      under = await timed(c, o.statementBudgetMs, `SELECT pg_sleep(${o.underBudgetSleepMs / 1000})`);
      // Control: a budget shorter than the "under" statement must cancel it.
      shortBudget = await timed(c, o.controlBudgetMs, `SELECT pg_sleep(${o.underBudgetSleepMs / 1000})`);
    } finally {
      await c.end().catch(() => undefined);
    }
    const connectTimeoutFires = !connectShort.ok && /timeout expired/.test(connectShort.error);
    const connectWithinLongTimeout = connectLong.ok;
    const statementTimeoutCancels = over.cancelled;
    const underBudgetPasses = !under.cancelled;
    const controlNoDelayConnectFailed = connectNoDelay.ok; // the timeout did not fire without the delay
    const controlShortBudgetFailed = shortBudget.cancelled;
    const p = {
      p50Ms: percentile(base, 50),
      p95Ms: percentile(base, 95),
      p50DelayedMs: percentile(delayed, 50),
      p95DelayedMs: percentile(delayed, 95),
    };
    const passed =
      connectTimeoutFires &&
      connectWithinLongTimeout &&
      statementTimeoutCancels &&
      underBudgetPasses &&
      p.p50DelayedMs >= o.delayMs &&
      controlNoDelayConnectFailed &&
      controlShortBudgetFailed;
    return {
      results: [
        {
          name: "latency",
          passed,
          metrics: {
            connectTimeoutFires,
            connectWithinLongTimeout,
            connectSecondsDelayed: round(connectLong.seconds),
            connectSecondsNoDelay: round(connectNoDelay.seconds),
            statementTimeoutCancels,
            underBudgetPasses,
            underBudgetClientSeconds: round(under.seconds),
            p50Ms: round(p.p50Ms, 2),
            p95Ms: round(p.p95Ms, 2),
            p50DelayedMs: round(p.p50DelayedMs, 1),
            p95DelayedMs: round(p.p95DelayedMs, 1),
          },
          targets: {
            connectTimeoutFires: true,
            connectWithinLongTimeout: true,
            statementTimeoutCancels: true,
            underBudgetPasses: true,
          },
          parameters: {
            delayMs: o.delayMs,
            shortConnectTimeoutSeconds: o.shortConnectTimeoutSeconds,
            longConnectTimeoutSeconds: o.longConnectTimeoutSeconds,
            statementBudgetMs: o.statementBudgetMs,
            overBudgetSleepMs: o.overBudgetSleepMs,
            underBudgetSleepMs: o.underBudgetSleepMs,
            controlBudgetMs: o.controlBudgetMs,
            samplesWithout: o.samplesWithout,
            samplesWith: o.samplesWith,
          },
          controls: [
            {
              name: "no-delay-connect-timeout-does-not-fire",
              expectFailure: true,
              failed: controlNoDelayConnectFailed,
            },
            { name: "short-budget-cancels-normal-statement", expectFailure: true, failed: controlShortBudgetFailed },
          ],
        },
      ],
      notes: [
        `${o.delayMs} ms added to the client → server direction (userspace forwarder: this kernel has no netem qdisc). SELECT 1: p50 ${p.p50Ms.toFixed(2)} ms / p95 ${p.p95Ms.toFixed(2)} ms without (${o.samplesWithout} samples), p50 ${p.p50DelayedMs.toFixed(1)} ms / p95 ${p.p95DelayedMs.toFixed(1)} ms with the delay (${o.samplesWith} samples).`,
        `libpq connect_timeout=${o.shortConnectTimeoutSeconds}: with the delay ${connectShort.ok ? "CONNECTED" : `failed after ${connectShort.seconds.toFixed(2)} s (${connectShort.error})`}; connect_timeout=${o.longConnectTimeoutSeconds}: ${connectLong.ok ? `connected in ${connectLong.seconds.toFixed(2)} s` : `failed (${connectLong.error})`}. Control: without the delay connect_timeout=${o.shortConnectTimeoutSeconds} ${connectNoDelay.ok ? `connected in ${connectNoDelay.seconds.toFixed(2)} s (the timeout did not fire)` : `FAILED (${connectNoDelay.error})`}.`,
        `statement_timeout ${o.statementBudgetMs} ms: pg_sleep(${o.overBudgetSleepMs / 1000}) ${over.cancelled ? "cancelled" : "NOT cancelled"} (${over.seconds.toFixed(2)} s at the client); pg_sleep(${o.underBudgetSleepMs / 1000}) ${under.cancelled ? "CANCELLED" : "passed"} although the client waited ${under.seconds.toFixed(2)} s — the server times the statement from its arrival, the network delay is not charged. Control: budget ${o.controlBudgetMs} ms, pg_sleep(${o.underBudgetSleepMs / 1000}) ${shortBudget.cancelled ? "cancelled" : "NOT cancelled"}.`,
      ],
    };
  } finally {
    await proxy.close();
  }
}
