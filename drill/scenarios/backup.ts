/**
 * backup: pg_basebackup verified; corruption in the copy (pg_verifybackup) and in the source (the base backup's own
 * checksum verification) detected; the restored cluster compared with its source table by table (drill/scenarios/checksums.ts).
 * Controls, run for real: a base backup of the corrupted source without checksum verification passes pg_verifybackup
 * (the manifest only proves the copy equals what was read), and pg_amcheck fails on a cluster started from it; a row
 * altered in the restore makes the checksum comparison fail.
 */
import { randomBytes } from "node:crypto";
import { openSync, readdirSync, statSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { baseBackupArgs, HOST, Workspace, type Cluster } from "../cluster.js";
import { pgBin, run, runAsServer } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TIMEOUTS } from "../timeouts.js";
import { checksumDifferences, tableChecksums } from "./checksums.js";
import { pgbenchInit, round, waitPromoted } from "./support.js";

const PAGE = 8192;

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
  overwrite(best, Math.floor(bestSize / 2));
  return best;
}

function overwrite(file: string, offset: number): void {
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, randomBytes(64), 0, 64, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * Corrupt one heap page of a running server's relation on disk: 64 bytes in the middle of the page (tuple data), so the
 * page header — and its LSN, which decides whether pg_basebackup verifies the page at all — stays intact. The caller
 * issues a CHECKPOINT first, so no dirty buffer of the page is written over the damage later.
 */
function corruptHeapPage(dataDir: string, relPath: string): { file: string; block: number } {
  const file = join(dataDir, relPath);
  const blocks = Math.floor(statSync(file).size / PAGE);
  if (blocks < 2) throw new Error(`${relPath} has ${blocks} pages, too few to corrupt one in the middle`);
  const block = Math.floor(blocks / 2);
  overwrite(file, block * PAGE + PAGE / 2);
  return { file: relPath, block };
}

/** pg_basebackup of `primary` into `dir` (plain, WAL streamed, SHA-256 manifest) with extra flags; never throws. */
async function tryBaseBackup(ws: Workspace, primary: Cluster, dir: string, extra: string[] = []) {
  const r = await runAsServer(pgBin("pg_basebackup"), baseBackupArgs(primary, dir, extra), {
    env: ws.clientEnv(),
    allowFailure: true,
    timeoutMs: 600_000,
  });
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

async function amcheck(ws: Workspace, c: Cluster): Promise<{ ok: boolean; output: string }> {
  const r = await run(
    pgBin("pg_amcheck"),
    ["--install-missing", "--all", "--heapallindexed", "-h", HOST, "-p", String(c.port), "-U", "postgres"],
    { env: ws.clientEnv(), allowFailure: true, timeoutMs: 600_000 },
  );
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

async function startRestored(ws: Workspace, backup: string, name: string): Promise<Cluster> {
  const c = await ws.clusterFromBackup(backup, name);
  await c.start();
  await waitPromoted(c, TIMEOUTS.leaveRecoveryMs);
  return c;
}

const lines = (s: string, n: number): string =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .slice(0, n)
    .join(" ");
const firstLine = (s: string): string => lines(s, 1);

export async function backupScenario(ws: Workspace, o: DrillOptions["backup"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  const source = await tableChecksums(primary);
  const backup = await ws.baseBackup(primary);
  const v0 = performance.now();
  const good = await ws.verifyBackup(backup);
  const verifySeconds = (performance.now() - v0) / 1000;

  // 1. Corruption in the copy: pg_verifybackup compares every file with the manifest.
  const corruptDir = join(ws.dir, "basebackup-corrupt");
  await runAsServer("cp", ["-a", backup, corruptDir]);
  const copyFile = corruptLargestRelation(corruptDir);
  const bad = await ws.verifyBackup(corruptDir);
  const corruptionDetected = !bad.ok && /checksum mismatch/.test(bad.output);

  // 2. The restore, compared with its source table by table; then one row altered (control).
  const restored = await startRestored(ws, backup, "restored");
  const amcheckClean = await amcheck(ws, restored);
  const differences = checksumDifferences(source, await tableChecksums(restored));
  const restoredChecksumsMatch = differences.length === 0 && Object.keys(source).length > 0;
  await restored.query("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 1");
  const alteredDifferences = checksumDifferences(source, await tableChecksums(restored));
  const alteredRowDetected =
    alteredDifferences.length === 1 && alteredDifferences[0]?.startsWith("public.pgbench_accounts:") === true;
  await ws.destroy(restored);

  // 3. Corruption in the source: a heap page of the running primary damaged on disk (data checksums are on: initdb
  // --data-checksums in drill/cluster.ts). pg_basebackup verifies page checksums as it reads and must fail.
  const relPath = String(await primary.scalar("SELECT pg_relation_filepath('pgbench_accounts')"));
  await primary.query("CHECKPOINT");
  const damaged = corruptHeapPage(primary.dataDir, relPath);
  const verifying = await tryBaseBackup(ws, primary, join(ws.dir, "basebackup-source-verified"));
  const reported = /checksum verification failed in file "([^"]+)", block (\d+)/.exec(verifying.output);
  const sourceCorruptionDetected =
    !verifying.ok &&
    reported !== null &&
    reported[1]?.endsWith(relPath) === true &&
    Number(reported[2]) === damaged.block &&
    /checksum error occurred/.test(verifying.output);
  // Control: the same backup with --no-verify-checksums "succeeds", and pg_verifybackup passes the copy.
  const blindDir = join(ws.dir, "basebackup-source-blind");
  const blind = await tryBaseBackup(ws, primary, blindDir, ["--no-verify-checksums"]);
  const blindVerify = blind.ok ? await ws.verifyBackup(blindDir) : { ok: false, output: blind.output };
  const blindPassed = blind.ok && blindVerify.ok;
  // Control: pg_amcheck on a cluster started from that copy fails (it reads the damaged page).
  let amcheckCorrupt = { ok: true, output: "not run: the blind backup failed" };
  if (blind.ok) {
    const fromBlind = await startRestored(ws, blindDir, "restored-blind");
    amcheckCorrupt = await amcheck(ws, fromBlind);
    await ws.destroy(fromBlind);
  }
  const amcheckFailedOnCorrupt = !amcheckCorrupt.ok && /invalid page|checksum/.test(amcheckCorrupt.output);

  const controls = [
    { name: "no-verify-checksums-misses-source-corruption", expectFailure: true as const, failed: blindPassed },
    { name: "amcheck-on-corrupted-copy", expectFailure: true as const, failed: amcheckFailedOnCorrupt },
    { name: "altered-row-checksums", expectFailure: true as const, failed: alteredRowDetected },
  ];
  const passed =
    good.ok &&
    corruptionDetected &&
    sourceCorruptionDetected &&
    amcheckClean.ok &&
    restoredChecksumsMatch &&
    controls.every((c) => c.failed);
  return {
    results: [
      {
        name: "backup",
        passed,
        metrics: {
          verified: good.ok,
          corruptionDetected,
          sourceCorruptionDetected,
          amcheckPassed: amcheckClean.ok,
          restoredChecksumsMatch,
          tablesCompared: Object.keys(source).length,
          blindBackupPassedVerify: blindPassed,
          amcheckFailedOnCorruptedCopy: amcheckFailedOnCorrupt,
          verifySeconds: round(verifySeconds),
        },
        targets: {
          verified: true,
          corruptionDetected: true,
          sourceCorruptionDetected: true,
          amcheckPassed: true,
          restoredChecksumsMatch: true,
        },
        parameters: { scale: o.scale, corruptedBytes: 64, corruptedBlock: damaged.block },
        controls,
      },
    ],
    notes: [
      `pg_verifybackup on the base backup: ${good.ok ? "passed" : good.output}.`,
      `Corrupted 64 bytes of ${copyFile.slice(corruptDir.length + 1)} in a copy: pg_verifybackup ${bad.ok ? "did NOT notice" : `failed: ${firstLine(bad.output)}`}.`,
      `Restored cluster: pg_amcheck --all --heapallindexed ${amcheckClean.ok ? "passed" : `failed: ${amcheckClean.output}`}; per-table md5 of the rows in primary-key order over ${Object.keys(source).length} tables: ${restoredChecksumsMatch ? "equal to the source" : differences.join("; ")}. One row altered in the restore (pgbench_accounts aid 1): ${alteredDifferences.join("; ") || "NOT detected"}.`,
      `Source corruption: 64 bytes in the middle of block ${damaged.block} of ${damaged.file} on the running primary (after a CHECKPOINT). pg_basebackup ${verifying.ok ? "SUCCEEDED (not detected)" : `failed: ${reported?.[0] ?? firstLine(verifying.output)}`}.`,
      `Control: pg_basebackup --no-verify-checksums ${blind.ok ? "succeeded" : `failed: ${firstLine(blind.output)}`}, pg_verifybackup on that copy ${blindVerify.ok ? "passed (it cannot see damage that was already in the source)" : `failed: ${firstLine(blindVerify.output)}`}; pg_amcheck on a cluster started from it ${amcheckCorrupt.ok ? "PASSED (control did not fail)" : `failed: ${lines(amcheckCorrupt.output, 2)}`}.`,
    ],
  };
}
