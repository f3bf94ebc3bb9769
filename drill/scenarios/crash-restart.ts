/**
 * crash-restart: one backend SIGKILLed, as the Linux OOM killer does. The postmaster then resets every session and
 * restarts with crash recovery (a child dying of a signal makes the postmaster terminate all other server processes and
 * reinitialize; the log lines checked, as PostgreSQL 15.20 prints them here: "terminating any other active server
 * processes", "all server processes terminated; reinitializing", "automatic recovery in progress"). Measured: every session open before the kill is reset, the log
 * shows automatic recovery, no acknowledged write is lost, the write outage from the rows' own `clock_timestamp()`,
 * and archive_timeout still ships a segment after the restart (the CHECKPOINT of `Cluster.checkpointAfterStart`, D50).
 * Control: one backend ended cleanly (pg_terminate_backend) resets no other session, so the session check fails.
 * Observed, not asserted: whether a crash-restart without the CHECKPOINT shows the archive_timeout gap (it varies).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import type { Cluster, Workspace } from "../cluster.js";
import { sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { largestGapSeconds, round } from "./support.js";

/** Seconds until `walfile` is in the archive, or undefined when it is not there within `timeoutMs`. */
async function archivedWithin(c: Cluster, walfile: string, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (existsSync(join(c.ws.archiveDir, walfile))) return (performance.now() - t0) / 1000;
    await sleep(25);
  }
  return undefined;
}

/** One row written after the restart: the WAL file it lands in (its segment must be shipped by archive_timeout). */
async function writeOneRow(c: Cluster): Promise<string> {
  const rows = await c.query<{ f: string }>(
    "WITH i AS (INSERT INTO crash_rows (seq) VALUES (-1 - (SELECT count(*) FROM crash_rows WHERE seq < 0)) RETURNING 1) SELECT pg_walfile_name(pg_current_wal_lsn() - 1) AS f FROM i",
  );
  return String(rows[0]?.f);
}

/** Whether every session was reset: its next statement fails and its backend pid is no longer listed. */
async function allReset(
  c: Cluster,
  sessions: readonly pg.Client[],
  pids: readonly number[],
): Promise<{ resetResults: boolean[]; sessionsReset: boolean }> {
  const resetResults = await Promise.all(
    sessions.map((s) =>
      s.query("SELECT 1").then(
        () => false,
        () => true,
      ),
    ),
  );
  await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
  const livePids = (await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity")).map((r) => r.pid);
  return { resetResults, sessionsReset: resetResults.every(Boolean) && pids.every((p) => !livePids.includes(p)) };
}

/** A loop writing one row every `intervalMs` on one session, reconnecting after an error; acknowledged seqs kept. */
function startWriter(c: Cluster, intervalMs: number): { acks: Map<number, number>; stop: () => Promise<number> } {
  const acks = new Map<number, number>();
  let running = true;
  let errors = 0;
  const loop = (async () => {
    let seq = 0;
    let client: pg.Client | undefined;
    while (running) {
      try {
        client ??= await c.client();
        const s = ++seq;
        await client.query("INSERT INTO crash_rows (seq) VALUES ($1)", [s]);
        acks.set(s, performance.now());
      } catch {
        errors++;
        await client?.end().catch(() => undefined);
        client = undefined;
        await sleep(20);
      }
      await sleep(intervalMs);
    }
    await client?.end().catch(() => undefined);
  })();
  return {
    acks,
    stop: async () => {
      running = false;
      await loop;
      return errors;
    },
  };
}

export async function crashRestartScenario(ws: Workspace, o: DrillOptions["crashRestart"]): Promise<ScenarioOutcome> {
  // checkpoint_timeout 1 h: only archive_timeout (never a timed checkpoint) can ship the segment in time.
  const primary = await ws.createPrimary({
    name: "primary",
    archiveTimeoutSeconds: o.archiveTimeoutSeconds,
    extra: { checkpoint_timeout: "1h" },
  });
  await primary.query(
    "CREATE TABLE crash_rows (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const sessions: pg.Client[] = [];
  for (let i = 0; i < o.idleSessions; i++) sessions.push(await primary.client());
  const sessionPids = await Promise.all(
    sessions.map(async (s) => Number((await s.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p)),
  );
  const logBefore = readFileSync(primary.logFile, "utf8").length;
  const writer = startWriter(primary, o.writeIntervalMs);
  let writerErrors: number;
  let restartSeconds: number;
  let killedAt: number;
  try {
    await sleep(o.warmupSeconds * 1000);
    killedAt = performance.now();
    restartSeconds = await primary.crashRestart();
    await sleep(o.afterSeconds * 1000);
  } finally {
    writerErrors = await writer.stop();
  }
  // Every session opened before the kill must have been reset: its next statement fails, and its pid is gone.
  const { resetResults, sessionsReset } = await allReset(primary, sessions, sessionPids);
  const log = readFileSync(primary.logFile, "utf8").slice(logBefore);
  const crashRecovery =
    /terminating any other active server processes/.test(log) &&
    /all server processes terminated; reinitializing/.test(log) &&
    /automatic recovery in progress/.test(log);
  // Server-side rows: no acknowledged write lost; the outage is the largest gap between consecutive rows' timestamps.
  const stored = await primary.query<{ seq: string; ms: string }>(
    "SELECT seq::text, (extract(epoch FROM at) * 1000)::text AS ms FROM crash_rows WHERE seq > 0",
  );
  const storedSeqs = new Set(stored.map((r) => Number(r.seq)));
  const lostAcknowledgedWrites = [...writer.acks.keys()].filter((s) => !storedSeqs.has(s)).length;
  const writeGapSeconds = largestGapSeconds(stored.map((r) => Number(r.ms)));
  // Client view: the largest pause between acknowledgements from the kill on (acks just after the kill precede the reset).
  const clientResumeSeconds = largestGapSeconds([killedAt, ...[...writer.acks.values()].filter((t) => t > killedAt)]);
  // Control 1: one backend ended cleanly (pg_terminate_backend: SIGTERM, the backend exits normally) resets nobody
  // else, so the same session check must fail — it tells a crash-restart from an ordinary disconnect.
  const survivors: pg.Client[] = [];
  for (let i = 0; i < 2; i++) survivors.push(await primary.client());
  const survivorPids = await Promise.all(
    survivors.map(async (s) => Number((await s.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p)),
  );
  const victim = await primary.client();
  const victimPid = Number((await victim.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]?.p);
  await primary.query("SELECT pg_terminate_backend($1)", [victimPid]);
  await victim.end().catch(() => undefined);
  await sleep(500);
  const terminateControl = await allReset(primary, survivors, survivorPids);
  const controlTerminateFailed = !terminateControl.sessionsReset;
  // archive_timeout after the restart (the CHECKPOINT fix applied by crashRestart()): a fresh row's segment ships.
  const bound = (o.archiveTimeoutSeconds + o.marginSeconds) * 1000;
  const archivedAfterRestart = await archivedWithin(primary, await writeOneRow(primary), bound);
  // Observation (not a control): crash-restart again WITHOUT the CHECKPOINT and see whether the fresh row's segment
  // ships within the same bound. The gap is not deterministic after a crash-restart: PostgreSQL 15 runs the
  // end-of-recovery checkpoint in the checkpointer, and whether its next sleep is computed before or after recovery
  // ends decides whether archive_timeout bounds it — quick runs saw the gap, a full run on 2026-12-02 did not. So the
  // fix is applied after every restart (it is harmless when not needed), and the archive scenario's start-up gap
  // (deterministic) is its control.
  primary.checkpointAfterStart = false;
  const controlRestartSeconds = await primary.crashRestart();
  const controlFile = await writeOneRow(primary);
  const controlArchived = await archivedWithin(primary, controlFile, bound);
  await primary.query("CHECKPOINT");
  const controlAfterCheckpoint = await archivedWithin(primary, controlFile, bound);
  primary.checkpointAfterStart = true;
  const controlFailed = controlTerminateFailed;
  const passed =
    sessionsReset &&
    crashRecovery &&
    lostAcknowledgedWrites === 0 &&
    writer.acks.size > 0 &&
    archivedAfterRestart !== undefined &&
    controlFailed;
  return {
    results: [
      {
        name: "crash-restart",
        passed,
        metrics: {
          sessionsReset,
          crashRecovery,
          lostAcknowledgedWrites,
          acknowledgedWrites: writer.acks.size,
          writeGapSeconds: round(writeGapSeconds),
          clientResumeSeconds: round(clientResumeSeconds),
          restartSeconds: round(restartSeconds),
          archivedAfterRestartSeconds: round(archivedAfterRestart ?? -1),
          controlTerminateSessionsReset: terminateControl.sessionsReset,
          gapWithoutCheckpointAfterRestart: controlArchived === undefined,
          controlSecondsAfterCheckpoint: round(controlAfterCheckpoint ?? -1),
        },
        targets: { sessionsReset: true, crashRecovery: true, lostAcknowledgedWrites: 0 },
        parameters: {
          archiveTimeoutSeconds: o.archiveTimeoutSeconds,
          archiveWaitSeconds: o.archiveTimeoutSeconds + o.marginSeconds,
          idleSessions: o.idleSessions,
          writeIntervalMs: o.writeIntervalMs,
          forcedSwitches: 0,
        },
        controls: [{ name: "clean-terminate-resets-nobody", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [
      `One backend SIGKILLed (the OOM killer's signal) under a writer (one row every ${o.writeIntervalMs} ms) with ${o.idleSessions} idle sessions open: ${resetResults.filter(Boolean).length}/${o.idleSessions} sessions reset, log ${crashRecovery ? "shows" : "does NOT show"} the reset and automatic recovery; server back as primary with its archiver ${restartSeconds.toFixed(2)} s after the kill; ${writerErrors} writer errors.`,
      `Rows (server clock_timestamp()): largest gap between consecutive rows ${writeGapSeconds.toFixed(2)} s (the write outage); client view ${clientResumeSeconds.toFixed(2)} s; ${lostAcknowledgedWrites} of ${writer.acks.size} acknowledged writes lost.`,
      `After the restart (one CHECKPOINT, D50) a fresh row's segment reached the archive ${archivedAfterRestart === undefined ? "NOT" : `${archivedAfterRestart.toFixed(2)} s later`} (archive_timeout ${o.archiveTimeoutSeconds} s, checkpoint_timeout 1 h, no forced switch).`,
      `Control: one backend ended with pg_terminate_backend (a clean exit): ${terminateControl.resetResults.filter(Boolean).length}/${survivors.length} other sessions reset — the session check ${controlTerminateFailed ? "fails, as it must" : "PASSED (control did not fail)"}.`,
      `Observation: a second crash-restart (${controlRestartSeconds.toFixed(2)} s) without the CHECKPOINT: ${controlArchived === undefined ? `no segment within ${o.archiveTimeoutSeconds + o.marginSeconds} s (the start-up gap)` : "the segment arrived in time (no gap this time)"}; after one CHECKPOINT: ${controlAfterCheckpoint === undefined ? "still none" : `there ${controlAfterCheckpoint.toFixed(2)} s later`}.`,
    ],
  };
}
