/**
 * The restore scenarios for real (quick sizes): backup (corruption in the copy and in the source, per-table checksums),
 * pitr (every target kind, replay throughput), offsite (pgBackRest on Azurite) and logical (pg_dump / pg_restore), each
 * with its negative controls; the report's shape; nothing left behind (servers, Azurite, pgBackRest, workspaces).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { defaultOptions } from "../../../drill/options.js";
import { validateReport, type ScenarioResult } from "../../../drill/report.js";
import { runDrill } from "../../../drill/run.js";
import { BACKUP_SCENARIOS } from "./backup-scenarios.js";

function processesUnder(prefix: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(prefix)) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}

test("restore drills: backup, pitr, offsite, logical, quick sizes", { timeout: 600_000 }, async () => {
  const { report } = await runDrill({ ...defaultOptions(true), scenarios: [...BACKUP_SCENARIOS] });
  const one = (name: string): ScenarioResult => {
    const s = report.scenarios.filter((r) => r.name === name);
    assert.equal(s.length, 1, `${name} entries`);
    return s[0];
  };
  assert.deepEqual(validateReport(report), []);

  const pitr = one("pitr");
  assert.equal(pitr.metrics.rowsAfterTarget, 0);
  assert.equal(pitr.metrics.rowsMissingBeforeTarget, 0);
  assert.ok((pitr.metrics.rowsBeforeTarget as number) > 0);
  // Every target kind restores exactly, and the server's own "recovery stopping …" line names the expected stop.
  for (const m of ["timeInclusiveExact", "timeExclusiveExact", "xidExact", "restorePointExact", "oldTimelineExact"])
    assert.equal(pitr.metrics[m], true, m);
  for (const m of ["timeInclusiveLog", "timeExclusiveLog", "xidLog", "restorePointLog", "oldTimelineLog"])
    assert.equal(pitr.metrics[m], true, m);
  assert.equal(pitr.metrics.inclusiveMinusExclusiveRows, 1);
  assert.equal(pitr.metrics.inclusiveMinusExclusiveOtherRows, 0);
  assert.equal(pitr.metrics.oldTimelineRestoredOnTimeline, 3);
  assert.ok((pitr.metrics.replayBytes as number) > 0 && (pitr.metrics.replayMBps as number) > 0);
  assert.equal(typeof pitr.metrics.weeklyRestoreWithinRto, "boolean");
  assert.equal(pitr.parameters?.walDays, 7);
  assert.deepEqual(pitr.controls, [
    { name: "target-one-row-off", expectFailure: true, failed: true },
    { name: "exclusive-lacks-target", expectFailure: true, failed: true },
    { name: "latest-timeline-misses-timeline-1-target", expectFailure: true, failed: true },
  ]);
  assert.equal(pitr.passed, true);

  const backup = one("backup");
  assert.equal(backup.metrics.verified, true);
  assert.equal(backup.metrics.corruptionDetected, true);
  assert.equal(backup.metrics.amcheckPassed, true);
  // Corruption already in the source: pg_basebackup's own checksum verification fails; restored content is compared
  // table by table (md5 of the rows in key order), not by count(*).
  assert.equal(backup.metrics.sourceCorruptionDetected, true);
  assert.equal(backup.metrics.restoredChecksumsMatch, true);
  assert.ok((backup.metrics.tablesCompared as number) >= 4);
  assert.deepEqual(backup.controls, [
    { name: "no-verify-checksums-misses-source-corruption", expectFailure: true, failed: true },
    { name: "amcheck-on-corrupted-copy", expectFailure: true, failed: true },
    { name: "altered-row-checksums", expectFailure: true, failed: true },
  ]);
  assert.equal(backup.passed, true);

  const offsite = one("offsite");
  assert.equal(offsite.metrics.checkPassed, true);
  assert.equal(offsite.metrics.restoredExact, true);
  assert.equal(offsite.metrics.rowsAfterTarget, 0);
  assert.equal(offsite.metrics.rowsMissingBeforeTarget, 0);
  assert.equal(offsite.metrics.recoveryStopLine, true);
  assert.equal(offsite.metrics.pgbenchChecksumsMatch, true);
  assert.equal(offsite.metrics.localArchiveFiles, 0);
  assert.equal(offsite.metrics.checkPassedAfterRepair, true);
  assert.equal(offsite.metrics.keyInLogs, false);
  assert.deepEqual(offsite.controls, [{ name: "check-with-archiving-broken", expectFailure: true, failed: true }]);
  assert.equal(offsite.passed, true);

  // logical: pg_dump -Fc / pg_restore round trip, per-table checksums equal; a row changed after the dump is seen.
  const logical = one("logical");
  assert.equal(logical.metrics.checksumsMatch, true);
  assert.ok((logical.metrics.tablesCompared as number) >= 5);
  assert.deepEqual(logical.controls, [{ name: "row-changed-after-dump", expectFailure: true, failed: true }]);
  assert.equal(logical.passed, true);

  // Teardown: no workspace directory and no process (server, Azurite, pgBackRest) left.
  assert.deepEqual(
    readdirSync(tmpdir()).filter((d) => d.startsWith(`authdb-drill-${process.pid}-`)),
    [],
  );
  assert.deepEqual(processesUnder(`${tmpdir()}/authdb-drill-${process.pid}-`), []);
});
