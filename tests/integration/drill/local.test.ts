/**
 * Runs every drill scenario for real (quick durations) on a throwaway local topology and asserts the pass criteria,
 * the exact report shape, and that teardown leaves no process or directory behind.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { defaultOptions } from "../../../drill/options.js";
import { renderMarkdown, validateReport, type ScenarioResult } from "../../../drill/report.js";
import { runDrill } from "../../../drill/run.js";
import { TARGETS } from "../../../drill/targets.js";

const mine = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith(`authdb-drill-${process.pid}-`));
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

test("local drill: every scenario, quick durations", { timeout: 600_000 }, async () => {
  const { report, outcomes } = await runDrill(defaultOptions(true));
  const by = (name: string): ScenarioResult[] => report.scenarios.filter((s) => s.name === name);
  const one = (name: string): ScenarioResult => {
    const s = by(name);
    assert.equal(s.length, 1, `${name} entries`);
    return s[0];
  };

  assert.deepEqual(validateReport(report), []);
  assert.equal(report.target, "local");
  assert.match(report.postgres, /^15\.\d+$/);

  const connect = one("connect");
  assert.equal(connect.metrics.tls, true);
  assert.equal(connect.metrics.nonTlsRefused, true);
  // Non-TLS replication connections refused on both nodes; control: the same over TLS answers IDENTIFY_SYSTEM.
  assert.equal(connect.metrics.nonTlsReplicationRefused, true);
  assert.deepEqual(connect.controls, [{ name: "tls-replication-accepted", expectFailure: true, failed: true }]);
  assert.equal(connect.metrics.parametersMatching, connect.metrics.parametersDeclared);
  assert.equal(connect.metrics.replicaInRecovery, true);
  assert.equal(connect.passed, true);

  const loads = by("load");
  assert.deepEqual(
    loads.map((l) => l.metrics.clients),
    [TARGETS.normalConnections, TARGETS.planConnections],
  );
  for (const l of loads) {
    assert.ok(
      (l.metrics.tps as number) > 0 && (l.metrics.p95LatencyMs as number) >= (l.metrics.avgLatencyMs as number) * 0.5,
    );
    // `passed` is exactly the target evaluation (the 100-client figure may honestly miss it on 2 cores).
    const meets =
      (l.metrics.tps as number) >= TARGETS.minTps && (l.metrics.avgLatencyMs as number) < TARGETS.maxAvgLatencyMs;
    assert.equal(l.passed, meets, JSON.stringify(l));
  }
  // Whether 16 clients meet the TPS target is a benchmark figure (`npm run drill`), not a timed test's claim: on a
  // shared 2-core runner it depends on what else runs, so only its evaluation is checked above.

  const lag = one("lag");
  assert.ok((lag.metrics.maxSeconds as number) < TARGETS.replicaLagSeconds);
  assert.ok((lag.metrics.samples as number) >= 5);
  assert.equal(lag.passed, true);

  const failover = one("failover");
  assert.equal(failover.metrics.lostAcknowledgedWrites, 0);
  const rto = failover.metrics.rtoSeconds as number;
  assert.ok(rto > 0 && rto <= TARGETS.failoverRtoSeconds && TARGETS.failoverRtoSeconds === 60);
  // RTO = detection (the detector's own budget, a parameter) + promotion + reconnect (measured).
  const parts = ["detectSeconds", "promoteSeconds", "reconnectSeconds"].map((m) => failover.metrics[m] as number);
  assert.ok(Math.abs(parts.reduce((a, b) => a + b, 0) - rto) < 0.01, JSON.stringify(failover.metrics));
  assert.ok(
    parts.every((p) => p >= 0),
    `no part negative (D106): ${JSON.stringify(failover.metrics)}`,
  );
  assert.ok((failover.metrics.detectSeconds as number) <= (failover.parameters?.detectorBudgetSeconds as number) + 1);
  // Control: the frozen walsender really stops a synchronous writer.
  assert.equal(failover.metrics.acknowledgedDuringFreeze, 0);
  assert.deepEqual(failover.controls, [{ name: "walsender-frozen-stops-acks", expectFailure: true, failed: true }]);
  assert.equal(failover.passed, true);
  // Asynchronous: the same freeze loses acknowledged writes (control), counted among those acknowledged before the
  // kill only, none older than 5 s.
  const async = one("failover-async");
  assert.ok((async.metrics.lostAcknowledgedWrites as number) > 0, JSON.stringify(async.metrics));
  assert.ok((async.metrics.lostAcknowledgedWrites as number) <= (async.metrics.acknowledgedBeforeKill as number));
  assert.ok((async.metrics.oldestLostAgeSeconds as number) <= TARGETS.asyncMaxLossAgeSeconds);
  assert.deepEqual(async.controls, [{ name: "walsender-frozen-loses-writes", expectFailure: true, failed: true }]);
  assert.equal(async.passed, true);

  // hang: the primary frozen, fenced before promotion; resumed, it takes no write. Negative control run for real: the
  // same run without fencing acknowledges writes on the resumed old primary (split brain) and fails.
  const hang = one("hang");
  assert.equal(hang.metrics.splitBrainWrites, 0);
  assert.equal(hang.metrics.directWriteAccepted, false);
  assert.ok((hang.metrics.rtoSeconds as number) <= TARGETS.failoverRtoSeconds);
  assert.ok((hang.metrics.controlSplitBrainWrites as number) > 0, JSON.stringify(hang.metrics));
  assert.equal(hang.metrics.controlDirectWriteAccepted, true);
  assert.deepEqual(hang.controls, [{ name: "no-fencing-split-brain", expectFailure: true, failed: true }]);
  assert.equal(hang.passed, true);

  // partition: the primary's postmaster inside a drill network namespace, cut off (veth down); the writer's
  // tcp_user_timeout/keepalives end the dead session; fenced before promotion; healed, it takes no write. Control, run
  // for real: without fencing the healed old primary takes writes (split brain).
  const partition = one("partition");
  assert.equal(partition.metrics.splitBrainWrites, 0);
  assert.equal(partition.metrics.directWriteAccepted, false);
  assert.ok((partition.metrics.rtoSeconds as number) <= TARGETS.failoverRtoSeconds);
  assert.ok(
    (partition.metrics.detectSeconds as number) <= (partition.parameters?.detectorBudgetSeconds as number) + 1,
    JSON.stringify(partition.metrics),
  );
  assert.ok((partition.metrics.controlSplitBrainWrites as number) > 0, JSON.stringify(partition.metrics));
  assert.equal(partition.metrics.controlDirectWriteAccepted, true);
  assert.deepEqual(partition.controls, [{ name: "no-fencing-split-brain", expectFailure: true, failed: true }]);
  assert.equal(partition.passed, true);

  // latency: 500 ms on the client's path; connect_timeout fires and statement_timeout cancels only as configured.
  // Controls, run for real: no delay ⇒ the same connect_timeout does not fire; a short budget cancels a normal statement.
  const latency = one("latency");
  assert.equal(latency.metrics.connectTimeoutFires, true);
  assert.equal(latency.metrics.connectWithinLongTimeout, true);
  assert.equal(latency.metrics.statementTimeoutCancels, true);
  assert.equal(latency.metrics.underBudgetPasses, true);
  assert.ok((latency.metrics.p50DelayedMs as number) >= (latency.parameters?.delayMs as number));
  assert.ok((latency.metrics.p50Ms as number) < (latency.parameters?.delayMs as number) / 10);
  assert.deepEqual(latency.controls, [
    { name: "no-delay-connect-timeout-does-not-fire", expectFailure: true, failed: true },
    { name: "short-budget-cancels-normal-statement", expectFailure: true, failed: true },
  ]);
  assert.equal(latency.passed, true);

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

  const archive = one("archive");
  assert.ok((archive.metrics.rpoSeconds as number) > 0 && (archive.metrics.rpoSeconds as number) <= TARGETS.rpoSeconds);
  // archive_timeout alone ships the segments (the harness forces no switch), also after the crash-restart.
  assert.equal(archive.parameters?.forcedSwitches, 0);
  assert.ok((archive.metrics.segments as number) >= 2);
  assert.ok((archive.metrics.crashRestartSeconds as number) > 0);
  // The bound counts the current segment's age at the crash: a crash-restart starts archive_timeout's clock again (D105).
  assert.ok(
    (archive.metrics.rpoSeconds as number) <= (archive.metrics.boundSeconds as number),
    JSON.stringify(archive),
  );
  assert.ok((archive.metrics.segmentAgeAtCrashSeconds as number) >= 0);
  // Negative control, run for real: without the CHECKPOINT after start no segment arrives within archive_timeout +
  // margin; the CHECKPOINT alone then ships one.
  assert.equal(archive.metrics.controlSegmentWithoutCheckpoint, false);
  assert.ok((archive.metrics.controlSecondsAfterCheckpoint as number) >= 0);
  assert.deepEqual(archive.controls, [{ name: "no-checkpoint-after-start", expectFailure: true, failed: true }]);
  assert.equal(archive.passed, true);

  // crash-restart: one backend SIGKILLed; every session reset, crash recovery in the log, nothing acknowledged lost,
  // archive_timeout ships a fresh row's segment afterwards. Control, run for real: a clean pg_terminate_backend resets
  // no other session, so the same session check fails.
  const crash = one("crash-restart");
  assert.equal(crash.metrics.sessionsReset, true);
  assert.equal(crash.metrics.crashRecovery, true);
  assert.equal(crash.metrics.lostAcknowledgedWrites, 0);
  assert.ok((crash.metrics.writeGapSeconds as number) > 0, JSON.stringify(crash.metrics));
  assert.ok((crash.metrics.archivedAfterRestartSeconds as number) >= 0);
  assert.ok((crash.metrics.archivedAfterRestartSeconds as number) <= (crash.parameters?.archiveWaitSeconds as number));
  assert.equal(crash.metrics.controlTerminateSessionsReset, false);
  assert.deepEqual(crash.controls, [{ name: "clean-terminate-resets-nobody", expectFailure: true, failed: true }]);
  assert.equal(crash.passed, true);

  // switchover: clean stop, standby promoted with the shutdown checkpoint, old primary back as synchronous standby
  // after pg_rewind, nothing lost. Control, run for real: a diverged old primary cannot rejoin without pg_rewind.
  const sw = one("switchover");
  assert.equal(sw.metrics.lostAcknowledgedWrites, 0);
  assert.equal(sw.metrics.standbyHadShutdownCheckpoint, true);
  assert.equal(sw.metrics.oldPrimaryInRecovery, true);
  assert.ok((sw.metrics.redundancyRestoredSeconds as number) > 0, JSON.stringify(sw.metrics));
  assert.equal(sw.metrics.controlRejoinedWithoutRewind, false);
  assert.equal(sw.metrics.controlDivergenceLogged, true);
  assert.equal(sw.metrics.controlRejoinedWithRewind, true);
  assert.deepEqual(sw.controls, [{ name: "diverged-rejoin-without-rewind", expectFailure: true, failed: true }]);
  assert.equal(sw.passed, true);

  // offsite: pgBackRest with the Azure repository on Azurite; restored to T from the offsite copy only, exactly.
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

  const md = renderMarkdown(report, outcomes, {
    command: "test",
    startedAt: new Date().toISOString(),
    durationSeconds: 1,
  });
  assert.match(md, /writes per 250 ms \(0 s = primary killed\)/);
  assert.match(md, /\| failover \| ✅ \| rtoSeconds \|/);

  // Teardown: no workspace directory and no server process left.
  assert.deepEqual(mine(), []);
  assert.deepEqual(processesUnder(`${tmpdir()}/authdb-drill-${process.pid}-`), []);
});
