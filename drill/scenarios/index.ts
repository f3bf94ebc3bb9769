/**
 * The scenario registry: each name of the report contract (drill/options.ts SCENARIOS) maps to the jobs it runs, one
 * workspace per job. A scenario is one file beside this one; adding one means a file, a line here and its name in
 * SCENARIOS (CONTRIBUTING.md).
 */
import type { Workspace } from "../cluster.js";
import type { DrillOptions, ScenarioName } from "../options.js";
import type { ScenarioOutcome } from "../report.js";
import { archiveScenario } from "./archive.js";
import { backupScenario } from "./backup.js";
import { connectScenario } from "./connect.js";
import { crashRestartScenario } from "./crash-restart.js";
import { failoverScenario } from "./failover.js";
import { hangScenario } from "./hang.js";
import { lagScenario } from "./lag.js";
import { loadScenario } from "./load.js";
import { partitionScenario } from "./partition.js";
import { latencyScenario } from "./latency.js";
import { logicalScenario } from "./logical.js";
import { offsiteScenario } from "./offsite.js";
import { pitrScenario } from "./pitr.js";
import { switchoverScenario } from "./switchover.js";

export interface ScenarioJob {
  /** The name the job reports under (a failing job's placeholder result carries it). */
  label: string;
  fn: (ws: Workspace) => Promise<ScenarioOutcome>;
}

/** One line per scenario for `npm run drill -- --help`. */
export const SCENARIO_DESCRIPTIONS: Record<ScenarioName, string> = {
  connect: "TLS-only access (also replication connections), declared parameters, a replica in recovery",
  load: "pgbench at 16 and 100 clients: TPS, average and p95 latency (benchmark, not asserted)",
  lag: "asynchronous replica lag under pgbench write load",
  failover: "primary SIGKILLed under a writer, standby promoted: RTO and lost writes, sync and async",
  hang: "primary frozen (SIGSTOP), fenced before promotion; split-brain writes with an unfenced control",
  pitr: "point-in-time restore from a base backup and the WAL archive, exact at the target",
  backup: "base backup verified, a corrupted copy detected, pg_amcheck on the restore",
  archive: "archive_timeout ships WAL with no forced switch, also after a crash-restart",
  "crash-restart": "one backend SIGKILLed (OOM killer): sessions reset, crash recovery, archive_timeout afterwards",
  switchover: "planned switchover (fast stop, promote), old primary back as sync standby via pg_rewind",
  partition: "primary cut off in a network namespace, fenced before promotion; split-brain writes with a control",
  latency: "500 ms on the client's path: connect_timeout, statement_timeout, p50/p95",
  offsite: "pgBackRest to an Azure Blob repository on Azurite: full backup, WAL archive, exact restore to a time",
  logical: "pg_dump -Fc / pg_restore into a fresh cluster, per-table checksums equal",
};

export const SCENARIO_JOBS: Record<ScenarioName, (o: DrillOptions) => ScenarioJob[]> = {
  connect: () => [{ label: "connect", fn: (ws) => connectScenario(ws) }],
  load: (o) => [{ label: "load", fn: (ws) => loadScenario(ws, o.load) }],
  lag: (o) => [{ label: "lag", fn: (ws) => lagScenario(ws, o.lag) }],
  failover: (o) =>
    o.failover.modes.map((mode) => ({
      label: mode === "sync" ? "failover" : "failover-async",
      fn: (ws: Workspace) => failoverScenario(ws, o.failover, mode),
    })),
  hang: (o) => [{ label: "hang", fn: (ws) => hangScenario(ws, o.failover) }],
  pitr: (o) => [{ label: "pitr", fn: (ws) => pitrScenario(ws, o.pitr) }],
  backup: (o) => [{ label: "backup", fn: (ws) => backupScenario(ws, o.backup) }],
  archive: (o) => [{ label: "archive", fn: (ws) => archiveScenario(ws, o.archive) }],
  "crash-restart": (o) => [{ label: "crash-restart", fn: (ws) => crashRestartScenario(ws, o.crashRestart) }],
  latency: (o) => [{ label: "latency", fn: (ws) => latencyScenario(ws, o.latency) }],
  partition: (o) => [{ label: "partition", fn: (ws) => partitionScenario(ws, o.failover, o.partition) }],
  switchover: (o) => [{ label: "switchover", fn: (ws) => switchoverScenario(ws, o.switchover) }],
  offsite: (o) => [{ label: "offsite", fn: (ws) => offsiteScenario(ws, o.offsite) }],
  logical: (o) => [{ label: "logical", fn: (ws) => logicalScenario(ws, o.logical) }],
};
