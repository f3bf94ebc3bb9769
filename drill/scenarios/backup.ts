/** backup: pg_basebackup verified, corruption detected, the restored cluster checked. */
import { randomBytes } from "node:crypto";
import { openSync, readdirSync, statSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { HOST, Workspace } from "../cluster.js";
import { pgBin, run, runAsServer } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TIMEOUTS } from "../timeouts.js";
import { pgbenchInit, round, waitPromoted } from "./support.js";

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
