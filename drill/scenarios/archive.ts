/** archive: archive_timeout honoured without forced switches, also after a crash-restart; the start-up gap as control. */
import { readdirSync } from "node:fs";
import { Workspace } from "../cluster.js";
import { sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TARGETS } from "../targets.js";
import { round, waitArchived } from "./support.js";

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
  let crashedAt = Infinity;
  const t0 = performance.now();
  try {
    const until = t0 + o.durationSeconds * 1000;
    const crashAt = o.crashRestart ? t0 + (o.durationSeconds * 1000) / 2 : Infinity;
    let id = 0;
    while (performance.now() < until) {
      if (performance.now() >= crashAt && crashRestartSeconds === 0) {
        // The OOM killer's kind of crash: every session is reset and the checkpointer restarts with the same gap.
        await c.end().catch(() => undefined);
        crashedAt = performance.now();
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
  let worstAt = t0;
  for (const r of rows) {
    const wait = ((seen.get(r.walfile) ?? Infinity) - r.at) / 1000;
    if (wait > worst) [worst, worstAt] = [wait, r.at];
  }
  const segments = new Set(rows.map((r) => r.walfile)).size;
  // A crash-restart starts archive_timeout's clock again (StartupXLOG sets lastSegSwitchTime to the time of the
  // restart; the new checkpointer starts its own at its start): WAL written since the last switch before the crash
  // waits that long, plus the restart, plus a whole archive_timeout. The last arrival before the crash marks that switch.
  const arrivalsBeforeCrash = [...seen.values()].filter((at) => at < crashedAt);
  const segmentAgeAtCrashSeconds = Number.isFinite(crashedAt)
    ? (crashedAt - Math.max(t0, ...arrivalsBeforeCrash)) / 1000
    : 0;
  const bound = o.archiveTimeoutSeconds + 2 + segmentAgeAtCrashSeconds + crashRestartSeconds;
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
          // Where the worst row was written, relative to the crash (negative: before it) — which wait it measured.
          worstRowSecondsFromCrash: Number.isFinite(crashedAt) ? round((worstAt - crashedAt) / 1000) : 0,
          segmentAgeAtCrashSeconds: round(segmentAgeAtCrashSeconds),
          boundSeconds: round(bound),
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
      `Worst case, archive-only (primary and replicas lost): a row acknowledged ${worst.toFixed(2)} s before its segment reached the archive (bound ${bound.toFixed(2)} s: archive_timeout + 2 s${o.crashRestart ? ` + the current segment's age at the crash (${segmentAgeAtCrashSeconds.toFixed(2)} s) + the restart — a crash-restart starts archive_timeout's clock again; that row was written ${(Math.abs(worstAt - crashedAt) / 1000).toFixed(2)} s ${worstAt < crashedAt ? "before" : "after"} the crash` : ""}). A self-managed server meets RPO ${TARGETS.rpoSeconds} s in an archive-only loss with archive_timeout ≤ ${TARGETS.rpoSeconds} s, or ≤ (${TARGETS.rpoSeconds} s − restart) / 2 if the server may crash-restart first; Azure ships WAL itself (RPO < 5 min for PITR).`,
      `Control (checkpointer start-up gap): a primary started without the CHECKPOINT, archive_timeout ${o.controlArchiveTimeoutSeconds} s, checkpoint_timeout 1 h, one row written: ${control.segmentWithoutCheckpoint ? "a segment DID arrive (control did not fail)" : `no segment within ${o.controlArchiveTimeoutSeconds + o.controlMarginSeconds} s`}; after one CHECKPOINT: ${fixShown ? `a segment arrived ${control.secondsAfterCheckpoint?.toFixed(2)} s later` : "still none"}.`,
    ],
  };
}
