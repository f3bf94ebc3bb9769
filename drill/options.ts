/** Drill durations and sizes: the full run (benchmark figures) and a quick run (tests, CI). */

export const SCENARIOS = [
  "connect",
  "load",
  "lag",
  "failover",
  "hang",
  "pitr",
  "backup",
  "archive",
  "crash-restart",
  "switchover",
  "partition",
  "latency",
  "offsite",
  "logical",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface DrillOptions {
  quick: boolean;
  scenarios: ScenarioName[];
  load: { clients: number[]; durationSeconds: number; scale: number };
  lag: { durationSeconds: number; clients: number; scale: number };
  failover: {
    modes: ("sync" | "async")[];
    warmupSeconds: number;
    afterSeconds: number;
    /** Probe interval while the primary looks healthy. */
    probeIntervalMs: number;
    /** Spacing of the confirming probes once one has failed. */
    confirmIntervalMs: number;
    /** Consecutive failed probes that declare the primary dead. */
    failuresToDeclare: number;
    /** pg_isready -t: a hung server counts as failed after this long (whole seconds). */
    probeTimeoutMs: number;
    /** The walsender is frozen (SIGSTOP) this long before the primary is killed. */
    freezeWalsenderMs: number;
    /** hang: the writer's statement deadline (the application's, client side). */
    writerAckTimeoutMs: number;
    bucketMs: number;
  };
  pitr: {
    scale: number;
    writeSeconds: number;
    /** Extrapolation inputs (assumptions, reported as parameters): the weekly full backup's size, WAL per day, days. */
    assumedFullBackupBytes: number;
    assumedWalPerDayBytes: number;
    walDays: number;
  };
  backup: { scale: number };
  offsite: {
    scale: number;
    /** Marker rows after the full backup; the target is the middle one. */
    rows: number;
    archiveTimeoutSeconds: number;
    /** pgbackrest check's wait for the switched segment in the control (archive-timeout). */
    checkArchiveTimeoutSeconds: number;
  };
  logical: { scale: number };
  archive: {
    archiveTimeoutSeconds: number;
    durationSeconds: number;
    writeIntervalMs: number;
    /** SIGKILL one backend half-way (crash-restart) and check archive_timeout still holds afterwards. */
    crashRestart: boolean;
    /** The start-up-gap control runs with its own short archive_timeout, whatever the measured one. */
    controlArchiveTimeoutSeconds: number;
    controlMarginSeconds: number;
  };
  crashRestart: {
    archiveTimeoutSeconds: number;
    /** archive_timeout + this: the bound within which a fresh row's segment must (or, in the control, must not) ship. */
    marginSeconds: number;
    /** Idle sessions opened before the kill; every one must be reset. */
    idleSessions: number;
    writeIntervalMs: number;
    warmupSeconds: number;
    afterSeconds: number;
  };
  switchover: {
    warmupSeconds: number;
    afterSeconds: number;
    /** Control: how long the diverged node may try to stream without pg_rewind before it counts as refused. */
    controlWaitSeconds: number;
  };
  /** The writer's kernel-side detection of a dead session (libpq keywords). */
  partition: {
    tcpUserTimeoutMs: number;
    keepalivesIdleSeconds: number;
    keepalivesIntervalSeconds: number;
    keepalivesCount: number;
  };
  latency: {
    /** Added to the client → server direction. */
    delayMs: number;
    /** libpq connect_timeout that the delayed handshake must exceed, and one it must fit in. */
    shortConnectTimeoutSeconds: number;
    longConnectTimeoutSeconds: number;
    statementBudgetMs: number;
    overBudgetSleepMs: number;
    underBudgetSleepMs: number;
    /** Control: a budget shorter than the "under" statement. */
    controlBudgetMs: number;
    samplesWithout: number;
    samplesWith: number;
  };
}

// The DR plan's restore (R-DR-3): a full backup of the prod server's 256 GB storage at its 80 % alert,
// 10 GB of WAL a day (an assumption, not a measurement), 7 days since the weekly full.
const pitrExtrapolation = { assumedFullBackupBytes: 0.8 * 256e9, assumedWalPerDayBytes: 10e9, walDays: 7 };

const archiveControl = { controlArchiveTimeoutSeconds: 3, controlMarginSeconds: 3 };

export function defaultOptions(quick: boolean): DrillOptions {
  return {
    quick,
    scenarios: [...SCENARIOS],
    load: quick
      ? { clients: [16, 100], durationSeconds: 5, scale: 4 }
      : { clients: [16, 100], durationSeconds: 30, scale: 20 },
    lag: quick ? { durationSeconds: 5, clients: 8, scale: 1 } : { durationSeconds: 30, clients: 16, scale: 4 },
    failover: {
      modes: ["sync", "async"],
      warmupSeconds: quick ? 1.5 : 5,
      afterSeconds: quick ? 1 : 3,
      probeIntervalMs: 200,
      confirmIntervalMs: 1000,
      failuresToDeclare: 3,
      probeTimeoutMs: 2000, // libpq treats connect_timeout below 2 s as 2 s
      freezeWalsenderMs: 1000,
      writerAckTimeoutMs: 2000,
      bucketMs: 250,
    },
    // scale 13 ≈ 200 MB of pgbench data.
    pitr: { ...(quick ? { scale: 1, writeSeconds: 3 } : { scale: 13, writeSeconds: 30 }), ...pitrExtrapolation },
    backup: quick ? { scale: 1 } : { scale: 13 },
    offsite: { scale: quick ? 1 : 13, rows: 20, archiveTimeoutSeconds: 60, checkArchiveTimeoutSeconds: quick ? 5 : 10 },
    logical: quick ? { scale: 1 } : { scale: 13 },
    archive: quick
      ? { archiveTimeoutSeconds: 3, durationSeconds: 8, writeIntervalMs: 200, crashRestart: true, ...archiveControl }
      : { archiveTimeoutSeconds: 30, durationSeconds: 65, writeIntervalMs: 250, crashRestart: true, ...archiveControl },
    crashRestart: quick
      ? {
          archiveTimeoutSeconds: 3,
          marginSeconds: 3,
          idleSessions: 4,
          writeIntervalMs: 20,
          warmupSeconds: 1,
          afterSeconds: 1,
        }
      : {
          archiveTimeoutSeconds: 10,
          marginSeconds: 3,
          idleSessions: 20,
          writeIntervalMs: 10,
          warmupSeconds: 5,
          afterSeconds: 3,
        },
    switchover: quick
      ? { warmupSeconds: 1, afterSeconds: 1, controlWaitSeconds: 5 }
      : { warmupSeconds: 5, afterSeconds: 3, controlWaitSeconds: 10 },
    latency: {
      delayMs: 500,
      shortConnectTimeoutSeconds: 2, // libpq's minimum
      longConnectTimeoutSeconds: 15,
      statementBudgetMs: 1000,
      overBudgetSleepMs: 1500,
      underBudgetSleepMs: 700,
      controlBudgetMs: 300,
      samplesWithout: quick ? 50 : 500,
      samplesWith: quick ? 10 : 60,
    },
    partition: { tcpUserTimeoutMs: 2000, keepalivesIdleSeconds: 1, keepalivesIntervalSeconds: 1, keepalivesCount: 2 },
  };
}

export function parseScenarioList(list: string): ScenarioName[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const n of names) {
    if (!(SCENARIOS as readonly string[]).includes(n))
      throw new Error(`unknown scenario ${n} (known: ${SCENARIOS.join(", ")})`);
  }
  return names as ScenarioName[];
}
