/**
 * Runs an Azure drill plan: each step's argv (after substituting what earlier steps captured), its predicate on what
 * it printed, and the report. A `background` step starts and is not waited for, so the writer runs while the failover
 * step runs; an `await` step waits for it and judges its output then. Within a scenario a failed step skips the
 * scenario's later steps except `cleanup` ones (the restored servers are deleted, the writer is waited for). A negative
 * control is a step whose predicate must report a problem. Nothing here knows Azure: the plan (drill/azure.ts) does.
 */
import { spawn } from "node:child_process";
import type { DrillReport, MetricValue, ScenarioControl, ScenarioResult } from "../report.js";
import type { Problem, StepOutput } from "./predicates.js";

/** Placeholders filled at run time; the printed plan shows them as ${NAME}. */
export type VarName = "ADMIN_PASSWORD" | "PITR_TARGET" | "POSTGRES_VERSION";
export const placeholder = (v: VarName): string => "${" + v + "}";

export interface StepRun extends StepOutput {
  seconds: number;
  /** Wall-clock start and end (ms since the epoch), for the order of concurrent steps. */
  startedAt: number;
  endedAt: number;
}

export interface StepContext {
  /** Finished runs of earlier steps by id (background steps once awaited). */
  readonly runs: ReadonlyMap<string, StepRun>;
  readonly vars: ReadonlyMap<VarName, string>;
}

export interface Measurement {
  metrics?: Record<string, MetricValue>;
  parameters?: Record<string, MetricValue>;
  notes?: string[];
}

export interface AzureStep {
  id?: string;
  /** The report scenario, or "setup" (password, server version: a failure there stops the whole drill). */
  scenario: string;
  description: string;
  /** Empty for an `await` step. */
  argv: string[];
  /** What the predicate requires, for the printed plan. */
  expect: string;
  check: (r: StepRun, ctx: StepContext) => Problem;
  /** Figures from the output; `prev` holds the scenario's metrics so far (several steps may add to one metric). */
  measure?: (r: StepRun, ctx: StepContext, prev: Readonly<Record<string, MetricValue>>) => Measurement;
  capture?: VarName;
  /** What is kept of stdout for the captured variable (default: trimmed stdout). */
  captureValue?: (stdout: string) => string;
  /** Stdout is a secret: never logged, never kept in runs. */
  secretOutput?: boolean;
  background?: boolean;
  /** Wait for the background step with this id, then judge its output with `check`. */
  await?: string;
  /** A negative control of this name: the predicate must report a problem for the scenario to pass. */
  control?: string;
  cleanup?: boolean;
  /** Forced failover, forced promotion, pgbench on a server (D100): only with --allow-destructive on prod. */
  destructive?: boolean;
  targets?: Record<string, MetricValue>;
}

export type Exec = (argv: readonly string[]) => Promise<StepOutput>;

/** Spawns the command found on `env`'s PATH (az, kubectl, sleep), collecting stdout and stderr. */
export const spawnExec =
  (env: NodeJS.ProcessEnv = process.env): Exec =>
  (argv) =>
    new Promise((resolve) => {
      const [cmd, ...args] = argv;
      if (cmd === undefined) return resolve({ code: 0, stdout: "", stderr: "" });
      const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (e) => resolve({ code: 127, stdout, stderr: String(e) }));
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });

export function substitute(argv: readonly string[], vars: ReadonlyMap<VarName, string>): string[] {
  return argv.map((a) =>
    a.replace(/\$\{(ADMIN_PASSWORD|PITR_TARGET|POSTGRES_VERSION)\}/g, (m, v: VarName) => vars.get(v) ?? m),
  );
}

export interface StepLogEntry {
  step: AzureStep;
  status: "passed" | "failed" | "skipped" | "control-failed" | "control-held";
  problem?: string;
  run?: StepRun;
}

export interface AzureRun {
  report: DrillReport;
  log: StepLogEntry[];
}

/** Run the plan. `exec` is the real spawn in use and the same spawn against fake az/kubectl on PATH in tests. */
export async function executeAzurePlan(
  steps: readonly AzureStep[],
  log: (s: string) => void = () => undefined,
  exec: Exec = spawnExec(),
): Promise<AzureRun> {
  const vars = new Map<VarName, string>();
  const runs = new Map<string, StepRun>();
  const pending = new Map<string, Promise<StepRun>>();
  const failedScenarios = new Set<string>();
  const results = new Map<string, ScenarioResult & { controls: ScenarioControl[] }>();
  const entries: StepLogEntry[] = [];
  const ctx: StepContext = { runs, vars };
  const start = (argv: readonly string[]): Promise<StepRun> => {
    const startedAt = Date.now();
    const t0 = performance.now();
    return exec(substitute(argv, vars)).then((r) => ({
      ...r,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      startedAt,
      endedAt: Date.now(),
    }));
  };
  const resultOf = (name: string) => {
    let r = results.get(name);
    if (!r) {
      r = { name, passed: true, metrics: {}, targets: {}, parameters: {}, controls: [] };
      results.set(name, r);
    }
    return r;
  };

  for (const step of steps) {
    const aborted = failedScenarios.has("setup");
    if ((failedScenarios.has(step.scenario) || aborted) && !step.cleanup) {
      entries.push({ step, status: "skipped" });
      log(`- [${step.scenario}] ${step.description} (skipped: an earlier step of the scenario failed)`);
      continue;
    }
    if (step.background) {
      if (!step.id) throw new Error(`background step without id: ${step.description}`);
      pending.set(step.id, start(step.argv));
      log(`… [${step.scenario}] ${step.description} (started in the background)`);
      continue;
    }
    let run: StepRun;
    if (step.await) {
      const p = pending.get(step.await);
      if (!p) throw new Error(`await of ${step.await}, which was never started`);
      pending.delete(step.await);
      run = await p;
      runs.set(step.await, run);
    } else run = await start(step.argv);
    if (step.capture) vars.set(step.capture, step.captureValue ? step.captureValue(run.stdout) : run.stdout.trim());
    const kept = step.secretOutput ? { ...run, stdout: "" } : run;
    if (step.id) runs.set(step.id, kept);
    let problem: Problem;
    try {
      problem = step.check(run, ctx);
    } catch (e) {
      problem = `the output could not be judged: ${e instanceof Error ? e.message : String(e)}`;
    }
    const res = step.scenario === "setup" ? undefined : resultOf(step.scenario);
    if (res && step.targets) Object.assign(res.targets, step.targets);
    if (res && step.measure) {
      try {
        const m = step.measure(kept, ctx, res.metrics);
        Object.assign(res.metrics, m.metrics ?? {});
        Object.assign(res.parameters ?? {}, m.parameters ?? {});
      } catch (e) {
        problem ??= `the output could not be measured: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (step.control) {
      const failed = problem !== undefined;
      res?.controls.push({ name: step.control, expectFailure: true, failed });
      if (res && !failed) res.passed = false;
      entries.push({ step, status: failed ? "control-failed" : "control-held", problem, run: kept });
      log(
        `${failed ? "✔" : "✖"} [${step.scenario}] control ${step.control}: ${failed ? `failed as it must (${problem})` : `did NOT fail (exit ${run.code}: ${(run.stderr || kept.stdout).trim().split("\n")[0] ?? ""})`}`,
      );
      continue;
    }
    entries.push({ step, status: problem ? "failed" : "passed", problem, run: kept });
    log(
      `${problem ? "✖" : "✔"} [${step.scenario}] ${step.description} (${run.seconds.toFixed(1)} s)${problem ? `: ${problem}` : ""}`,
    );
    if (problem) {
      failedScenarios.add(step.scenario);
      if (res) res.passed = false;
    }
  }
  // A background step whose await was skipped is still waited for: no process outlives the drill.
  for (const [id, p] of pending) runs.set(id, await p);

  const scenarios = [...results.values()].map((r) => {
    const out: ScenarioResult = { name: r.name, passed: r.passed, metrics: r.metrics, targets: r.targets };
    if (r.parameters && Object.keys(r.parameters).length) out.parameters = r.parameters;
    if (r.controls.length) out.controls = r.controls;
    return out;
  });
  const postgres = vars.get("POSTGRES_VERSION") ?? "unknown";
  return { report: { target: "azure", postgres, scenarios }, log: entries };
}
