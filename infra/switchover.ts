/**
 * The az command plans of a region switchover (R-DR-1, D71): a planned switchover for drills and maintenance, a forced
 * one for a region loss, and the switch back. Pure: the argv lists and what each step must print, so the plans are
 * tested here and the drill's Azure mode and the runbook run exactly these commands.
 *
 * Microsoft's documents behind the steps (MicrosoftDocs/azure-databases-docs, articles/postgresql/flexible-server/):
 * - concepts-read-replicas-promote.md: "For a successful promotion, it's necessary to have a virtual endpoint configured
 *   for both the current primary as the writer endpoint, and the replica intended for promotion as the reader
 *   endpoint" — hence the reader-target check before promoting.
 * - same page: "Planned: This option ensures that data is synchronized before promoting"; "Forced: … the lag at the time
 *   you delink the replica from the primary indicates how much data is lost" — hence the lag reading before a forced
 *   promotion, kept as the lost-writes bound.
 * - same page, FAQ: "we disable HA during the initial promotion since we don't support HA-enabled read replicas …
 *   If you're switching back, you need to enable HA on your original primary server" — hence the HA step after the
 *   switch back.
 * - concepts-read-replicas-virtual-endpoints.md, "Promote to primary server": the writer endpoint "Points to the new
 *   primary server", the reader "Points to the new replica (former primary)" — hence the endpoint checks after.
 */

export type PromoteOption = "planned" | "forced";

export interface SwitchoverServer {
  readonly name: string;
  readonly region: string;
}

export interface SwitchoverTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The server that is primary now. */
  readonly primary: SwitchoverServer;
  /** The replica to promote: it must be the reader endpoint's target. */
  readonly replica: SwitchoverServer;
  /** Base name of the virtual endpoints (platform.virtualEndpoints.name). */
  readonly virtualEndpointName: string;
  /** HA to put back on a server that becomes primary again (platform.server.highAvailability). */
  readonly highAvailability?: { readonly mode: "ZoneRedundant" | "SameZone"; readonly standbyZone?: string };
  /** Deterministic suffix for the on-demand backup's name (tests); a UTC timestamp in use. */
  readonly stamp: string;
}

export interface DrStep {
  readonly phase: "check" | "backup" | "promote" | "verify" | "converge";
  readonly description: string;
  readonly argv: readonly string[];
  /** What the step must print (trimmed stdout) for the procedure to go on; absent: any successful exit. */
  readonly expect?: string;
  /** Seconds the step may take before the procedure is behind its time budget. */
  readonly budgetSeconds: number;
}

/** The plan's region-failure target: the promotion within 15–30 minutes, at most 5 s of writes lost. */
export const REGION_FAILURE_BUDGET = { rtoSeconds: 30 * 60, rpoSeconds: 5 } as const;

const az = (t: SwitchoverTarget, ...args: string[]): string[] => [
  "az",
  ...args,
  "--subscription",
  t.subscriptionId,
  "--resource-group",
  t.resourceGroup,
  "--only-show-errors",
];

const roleOf = (t: SwitchoverTarget, server: string): string[] =>
  az(t, "postgres", "flexible-server", "show", "--name", server, "--query", "replica.role", "-o", "tsv");

const readerMembers = (t: SwitchoverTarget, server: string): string[] =>
  az(
    t,
    "postgres",
    "flexible-server",
    "virtual-endpoint",
    "show",
    "--server-name",
    server,
    "--name",
    t.virtualEndpointName,
    "--query",
    "members[0]",
    "-o",
    "tsv",
  );

/** Azure's role name for a replica: geo when it is in another region than its primary (REST spec ReplicationRole). */
export function replicaRoleName(server: SwitchoverServer, primary: SwitchoverServer): string {
  return server.region === primary.region ? "AsyncReplica" : "GeoAsyncReplica";
}

/**
 * The steps of a switchover from `t.primary` to `t.replica`. Planned: both servers must be available; an on-demand
 * backup of the primary first (a restore point from just before the change). Forced: the primary's region is assumed
 * gone, so nothing is asked of the primary; the replica's lag is read first because it bounds the writes lost.
 */
export function switchoverPlan(t: SwitchoverTarget, option: PromoteOption): DrStep[] {
  const steps: DrStep[] = [];
  steps.push({
    phase: "check",
    description: `${t.replica.name} is a replica of ${t.primary.name}`,
    argv: roleOf(t, t.replica.name),
    expect: replicaRoleName(t.replica, t.primary),
    budgetSeconds: 30,
  });
  if (option === "planned") {
    steps.push({
      phase: "check",
      description: `the reader endpoint ${t.virtualEndpointName}.reader points at ${t.replica.name} (a promotion to primary needs it)`,
      argv: readerMembers(t, t.primary.name),
      expect: t.replica.name,
      budgetSeconds: 30,
    });
    steps.push({
      phase: "backup",
      description: `on-demand backup of ${t.primary.name} before the switchover (restore point; needs az CLI 2.86.0 or later)`,
      argv: az(
        t,
        "postgres",
        "flexible-server",
        "backup",
        "create",
        "--server-name",
        t.primary.name,
        "--name",
        `pre-switchover-${t.stamp}`,
      ),
      budgetSeconds: 10 * 60,
    });
  } else {
    steps.push({
      phase: "check",
      description: `replication lag of ${t.replica.name} in seconds: the bound on writes lost by a forced promotion (target ≤ ${REGION_FAILURE_BUDGET.rpoSeconds} s)`,
      argv: az(
        t,
        "monitor",
        "metrics",
        "list",
        "--resource",
        `/subscriptions/${t.subscriptionId}/resourceGroups/${t.resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${t.replica.name}`,
        "--metric",
        "physical_replication_delay_in_seconds",
        "--aggregation",
        "Maximum",
        "--offset",
        "15m",
        "--query",
        "value[0].timeseries[0].data[-1].maximum",
        "-o",
        "tsv",
      ),
      budgetSeconds: 60,
    });
  }
  steps.push({
    phase: "promote",
    description: `promote ${t.replica.name} to primary (${option}); ${t.primary.name} becomes its replica`,
    argv: az(
      t,
      "postgres",
      "flexible-server",
      "replica",
      "promote",
      "--name",
      t.replica.name,
      "--promote-mode",
      "switchover",
      "--promote-option",
      option,
      "--yes",
    ),
    budgetSeconds: REGION_FAILURE_BUDGET.rtoSeconds - 5 * 60,
  });
  steps.push({
    phase: "verify",
    description: `${t.replica.name} is the primary`,
    argv: roleOf(t, t.replica.name),
    expect: "Primary",
    budgetSeconds: 30,
  });
  if (option === "planned") {
    steps.push({
      phase: "verify",
      description: `${t.primary.name} is now a replica of ${t.replica.name}`,
      argv: roleOf(t, t.primary.name),
      expect: replicaRoleName(t.primary, t.replica),
      budgetSeconds: 30,
    });
    steps.push({
      phase: "verify",
      description: `the reader endpoint now points at the former primary ${t.primary.name}`,
      argv: readerMembers(t, t.replica.name),
      expect: t.primary.name,
      budgetSeconds: 30,
    });
  }
  steps.push({
    phase: "converge",
    description: `record the new primary region in config, then preview: nothing stateful may be replaced (D71)`,
    argv: ["pulumi", "config", "set", "--path", "platform.primaryRegion", t.replica.region],
    budgetSeconds: 60,
  });
  return steps;
}

/**
 * The way back after a planned switchover: the same switchover with the roles exchanged (the former primary is now the
 * reader endpoint's target, Learn's table), then HA put back on the original primary, which a promotion turned off.
 */
export function switchBackPlan(t: SwitchoverTarget): DrStep[] {
  const back: SwitchoverTarget = { ...t, primary: t.replica, replica: t.primary };
  const steps = switchoverPlan(back, "planned");
  const ha = t.highAvailability;
  if (ha) {
    steps.push({
      phase: "converge",
      description: `put ${ha.mode} HA back on ${t.primary.name} (a promotion disables it)`,
      argv: az(
        t,
        "postgres",
        "flexible-server",
        "update",
        "--name",
        t.primary.name,
        "--high-availability",
        ha.mode,
        ...(ha.standbyZone ? ["--standby-zone", ha.standbyZone] : []),
      ),
      budgetSeconds: 30 * 60,
    });
  }
  return steps;
}

/** A step as one shell line (for the runbook and the drill's printed plan); every argument is quoted when needed. */
export function shellLine(step: DrStep): string {
  return step.argv.map((a) => (/^[\w@%+=:,./[\]-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** Whether a step's output satisfies it; a mismatch stops the procedure and names both values. */
export function checkStep(step: DrStep, stdout: string): string | undefined {
  if (step.expect === undefined) return undefined;
  const got = stdout.trim();
  return got === step.expect ? undefined : `${step.description}: expected ${step.expect}, got ${got || "(nothing)"}`;
}

export interface StepOutcome {
  readonly step: DrStep;
  readonly stdout: string;
  readonly seconds: number;
  /** Why the procedure stopped here: a failed exit, an unexpected output, or a blown time budget. */
  readonly problem?: string;
}

/**
 * Runs a plan step by step with `exec` (the drill passes its spawn of the deployer's az; tests a fake) and stops at the
 * first step that fails, prints something else than it must, or overruns its budget — before any later step, so a
 * failed check never reaches the promotion.
 */
export async function runPlan(
  steps: readonly DrStep[],
  exec: (argv: readonly string[]) => Promise<{ code: number; stdout: string }>,
  now: () => number = () => Date.now(),
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const start = now();
    const { code, stdout } = await exec(step.argv);
    const seconds = (now() - start) / 1000;
    const problem =
      code !== 0
        ? `${step.description}: exited ${code}`
        : (checkStep(step, stdout) ??
          (seconds > step.budgetSeconds
            ? `${step.description}: took ${seconds} s, budget ${step.budgetSeconds} s`
            : undefined));
    outcomes.push({ step, stdout, seconds, ...(problem ? { problem } : {}) });
    if (problem) break;
  }
  return outcomes;
}
