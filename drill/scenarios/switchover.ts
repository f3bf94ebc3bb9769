/**
 * switchover: a planned, clean role change. The synchronous primary is stopped with `pg_ctl stop -m fast` (its
 * walsender sends WAL up to the shutdown checkpoint before exiting), the synchronous standby is promoted once it has
 * received that checkpoint, and the old primary rejoins as a standby of the new one after `pg_rewind` (PostgreSQL's
 * pg_rewind page: "pg_rewind is a tool for synchronizing a PostgreSQL cluster with another copy of the same cluster,
 * after the clusters' timelines have diverged"; it requires data checksums or wal_log_hints — createPrimary's initdb
 * uses --data-checksums). Measured: acknowledged writes lost (must be 0), the write outage from the rows' own
 * clock_timestamp(), and the time until a synchronous standby streams again (redundancy restored).
 * Control, run for real: a second role change in which the old primary keeps writing after the fork; rejoining it
 * WITHOUT pg_rewind must fail (timeline divergence), and with pg_rewind it must stream.
 */
import { readFileSync } from "node:fs";
import type { Cluster, Workspace } from "../cluster.js";
import { eventually } from "../eventually.js";
import { sleep } from "../exec.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { TIMEOUTS } from "../timeouts.js";
import { FailoverWriter } from "../writer.js";
import { largestGapSeconds, round } from "./support.js";

/** The standby's sync_state as its primary reports it while streaming, or undefined when it is not streaming. */
async function streamingState(primary: Cluster, standby: string): Promise<string | undefined> {
  const v = await primary.scalar(
    "SELECT sync_state FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'",
    [standby],
  );
  return typeof v === "string" ? v : undefined;
}

/** Lines PostgreSQL logs when a standby's history does not contain the primary's timeline switch. */
const DIVERGENCE =
  /forked off current database system timeline|is not a child of this server's history|is behind recovery timeline/;

/** Starts `node` as a standby of `primary` and waits up to `timeoutMs` for it to stream; false when it never does. */
async function rejoins(ws: Workspace, node: Cluster, primary: Cluster, timeoutMs: number): Promise<boolean> {
  try {
    await ws.startAsStandby(node, primary);
  } catch {
    return false; // the startup process gave up (FATAL) and the postmaster exited
  }
  return eventually(async () => (await streamingState(primary, node.name)) !== undefined, {
    timeout: timeoutMs,
    interval: TIMEOUTS.pollMs,
    what: `${node.name} streaming from ${primary.name}`,
  }).then(
    () => true,
    () => false,
  );
}

export async function switchoverScenario(ws: Workspace, o: DrillOptions["switchover"]): Promise<ScenarioOutcome> {
  const a = await ws.createPrimary({ name: "primary" });
  const b = await ws.createReplica(a, "replica");
  await a.setInstanceSetting("synchronous_standby_names", b.name);
  await eventually(async () => (await streamingState(a, b.name)) === "sync", {
    timeout: TIMEOUTS.switchoverMs,
    interval: TIMEOUTS.pollMs,
    what: "replica synchronous",
  });
  await a.query(
    "CREATE TABLE drill_writes (seq bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  const writer = new FailoverWriter(ws, { ports: [a.port, b.port], table: "drill_writes", retryDelayMs: 50 });
  writer.start();
  let stopAt: number;
  let caughtUp: boolean;
  let promotedAt: number;
  let rewind: { output: string; rewound: boolean };
  let rejoinedAt: number;
  let syncAt: number;
  let firstOnNew: number;
  try {
    await writer.waitForAcks(10);
    await sleep(o.warmupSeconds * 1000);
    // 1. Planned switchover: clean stop of the primary.
    stopAt = performance.now();
    await a.shutdownFast();
    // 2. The standby must hold the old primary's shutdown checkpoint before it is promoted (nothing left behind).
    const checkpoint = await a.latestCheckpointLsn();
    caughtUp = await eventually(
      async () => (await b.scalar("SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), $1) > 0", [checkpoint])) === true,
      { timeout: TIMEOUTS.switchoverMs, interval: TIMEOUTS.fastPollMs, what: `replica past ${checkpoint}` },
    ).then(
      () => true,
      () => false,
    );
    await b.promote();
    promotedAt = performance.now();
    firstOnNew = await eventually(() => writer.acks.find((x) => x.port === b.port)?.at, {
      timeout: TIMEOUTS.switchoverMs,
      interval: TIMEOUTS.fastPollMs,
      what: "a write acknowledged by the new primary",
    });
    // 3. The old primary rejoins as a standby after pg_rewind; then it is made the synchronous standby again.
    rewind = await ws.rewind(a, b);
    if (!(await rejoins(ws, a, b, TIMEOUTS.switchoverMs)))
      throw new Error(`old primary never streamed\n${a.tailLog()}`);
    rejoinedAt = performance.now();
    await b.setInstanceSetting("synchronous_standby_names", a.name);
    await eventually(async () => (await streamingState(b, a.name)) === "sync", {
      timeout: TIMEOUTS.switchoverMs,
      interval: TIMEOUTS.fastPollMs,
      what: "old primary synchronous",
    });
    syncAt = performance.now();
    await sleep(o.afterSeconds * 1000);
  } finally {
    await writer.stop();
  }
  const rows = await b.query<{ seq: string; ms: string }>(
    "SELECT seq::text, (extract(epoch FROM at) * 1000)::text AS ms FROM drill_writes",
  );
  const stored = new Set(rows.map((r) => Number(r.seq)));
  const lostAcknowledgedWrites = writer.acks.filter((x) => !stored.has(x.seq)).length;
  const writeGapSeconds = largestGapSeconds(rows.map((r) => Number(r.ms)));
  const oldInRecovery = (await a.scalar("SELECT pg_is_in_recovery()")) === true;

  // Control: the roles change again, but the old primary (b) keeps writing after the fork: a is promoted while b still
  // runs, b takes more rows, then stops. Without pg_rewind b must not be able to follow a's new timeline.
  await b.setInstanceSetting("synchronous_standby_names", "");
  await a.promote();
  await b.query("INSERT INTO drill_writes (seq) SELECT -g FROM generate_series(1, 100) g");
  await b.query("CHECKPOINT");
  await b.shutdownFast();
  const logBefore = readFileSync(b.logFile, "utf8").length;
  const withoutRewind = await rejoins(ws, b, a, o.controlWaitSeconds * 1000);
  const divergenceLine = readFileSync(b.logFile, "utf8")
    .slice(logBefore)
    .split("\n")
    .find((l) => DIVERGENCE.test(l));
  const divergenceLogged = divergenceLine !== undefined;
  await b.stop();
  const controlRewind = await ws.rewind(b, a);
  const withRewind = await rejoins(ws, b, a, TIMEOUTS.switchoverMs);
  const controlFailed = !withoutRewind && divergenceLogged;

  const redundancyRestoredSeconds = (syncAt - stopAt) / 1000;
  const passed =
    lostAcknowledgedWrites === 0 &&
    caughtUp &&
    oldInRecovery &&
    writer.acks.some((x) => x.port === b.port) &&
    controlFailed &&
    withRewind &&
    controlRewind.rewound;
  return {
    results: [
      {
        name: "switchover",
        passed,
        metrics: {
          lostAcknowledgedWrites,
          acknowledgedWrites: writer.acks.length,
          standbyHadShutdownCheckpoint: caughtUp,
          writeGapSeconds: round(writeGapSeconds),
          clientOutageSeconds: round((firstOnNew - stopAt) / 1000),
          promoteSeconds: round((promotedAt - stopAt) / 1000),
          rejoinSeconds: round((rejoinedAt - promotedAt) / 1000),
          redundancyRestoredSeconds: round(redundancyRestoredSeconds),
          pgRewindCopied: rewind.rewound,
          oldPrimaryInRecovery: oldInRecovery,
          controlRejoinedWithoutRewind: withoutRewind,
          controlDivergenceLogged: divergenceLogged,
          controlRejoinedWithRewind: withRewind,
        },
        targets: { lostAcknowledgedWrites: 0, standbyHadShutdownCheckpoint: true, oldPrimaryInRecovery: true },
        parameters: { warmupSeconds: o.warmupSeconds, controlWaitSeconds: o.controlWaitSeconds },
        controls: [{ name: "diverged-rejoin-without-rewind", expectFailure: true, failed: controlFailed }],
      },
    ],
    notes: [
      `Planned switchover under a writer: synchronous primary stopped with pg_ctl stop -m fast; the standby ${caughtUp ? "held" : "did NOT hold"} its shutdown checkpoint before promotion (promoted ${((promotedAt - stopAt) / 1000).toFixed(2)} s after the stop began); ${lostAcknowledgedWrites} of ${writer.acks.length} acknowledged writes lost; largest gap between consecutive rows (server clock_timestamp()) ${writeGapSeconds.toFixed(2)} s.`,
      `Old primary rejoined with pg_rewind (${rewind.rewound ? "blocks copied" : "pg_rewind: no rewind required — the clean stop left nothing past the fork"}), streaming ${((rejoinedAt - promotedAt) / 1000).toFixed(2)} s after the promotion; synchronous standby again (redundancy restored) ${redundancyRestoredSeconds.toFixed(2)} s after the stop began.`,
      `Control: roles changed again while the old primary kept writing (100 rows past the fork); rejoining it without pg_rewind ${withoutRewind ? "STREAMED (control did not fail)" : `failed (${divergenceLogged ? `the server logged: ${divergenceLine.replace(/^.*?(FATAL|LOG|ERROR):\s*/, "$1: ")}` : "no divergence message found"})`}; after pg_rewind (${controlRewind.rewound ? "blocks copied" : "no rewind required"}) it ${withRewind ? "streamed" : "still did not stream"}.`,
    ],
  };
}
