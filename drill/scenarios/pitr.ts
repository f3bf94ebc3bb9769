/** pitr: point-in-time restore from a base backup and the WAL archive, checked exactly. */
import { join } from "node:path";
import { Workspace } from "../cluster.js";
import { run, sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TARGETS } from "../targets.js";
import { TIMEOUTS } from "../timeouts.js";
import { pgbenchInit, pgbenchRun, round, switchAndArchive, waitPromoted } from "./support.js";

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
