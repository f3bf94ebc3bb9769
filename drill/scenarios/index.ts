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
