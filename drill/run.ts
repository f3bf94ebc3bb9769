/** Run the local drill: ensure PostgreSQL is installed, run each scenario in its own workspace, tear down, report. */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Workspace } from "./cluster.js";
import { killTree, liveChildren, pgBin, waitGoneSync } from "./exec.js";
import { removeAllLabsSync } from "./netns.js";
import type { DrillOptions, ScenarioName } from "./options.js";
import type { DrillReport, ScenarioOutcome } from "./report.js";
import { SCENARIO_JOBS } from "./scenarios/index.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** scripts/ensure-postgres.sh and ensure-netlab.sh: install postgresql-15 + pgaudit and iproute2 when missing (quick no-op otherwise). */
export function ensurePostgres(): void {
  for (const script of ["ensure-postgres.sh", "ensure-netlab.sh"]) {
    const r = spawnSync("bash", [join(repoRoot, "scripts", script)], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`scripts/${script} failed`);
  }
}

export function postgresVersion(): string {
  const r = spawnSync(pgBin("postgres"), ["--version"], { encoding: "utf8" });
  const m = /(\d+(?:\.\d+)+)/.exec(r.stdout ?? "");
  if (!m?.[1]) throw new Error(`cannot read the PostgreSQL version: ${r.stderr}`);
  return m[1];
}

async function runScenario(name: ScenarioName, o: DrillOptions, log: (s: string) => void): Promise<ScenarioOutcome[]> {
  const jobs = SCENARIO_JOBS[name](o);
  const outcomes: ScenarioOutcome[] = [];
  for (const job of jobs) {
    const t0 = performance.now();
    log(`▶ ${job.label}`);
    const ws = await Workspace.create();
    try {
      outcomes.push(await job.fn(ws));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log(`✖ ${job.label}: ${msg}`);
      outcomes.push({
        results: [{ name: job.label, passed: false, metrics: {}, targets: {} }],
        notes: [`error: ${msg.split("\n")[0]}`],
      });
    } finally {
      await ws.teardown();
    }
    const last = outcomes[outcomes.length - 1];
    log(
      `${last?.results.every((r) => r.passed) ? "✔" : "✖"} ${job.label} (${((performance.now() - t0) / 1000).toFixed(1)} s) ${JSON.stringify(last?.results.map((r) => r.metrics))}`,
    );
  }
  return outcomes;
}

export async function runDrill(
  o: DrillOptions,
  log: (s: string) => void = () => undefined,
): Promise<{ report: DrillReport; outcomes: ScenarioOutcome[] }> {
  ensurePostgres();
  const postgres = postgresVersion();
  const outcomes: ScenarioOutcome[] = [];
  for (const s of o.scenarios) outcomes.push(...(await runScenario(s, o, log)));
  return { report: { target: "local", postgres, scenarios: outcomes.flatMap((x) => x.results) }, outcomes };
}

/** Last-resort teardown on signals and exit: SIGKILL every postmaster (and children) and child process we started, remove every workspace. */
export function emergencyTeardown(): void {
  // Children run through runuser: killing only the wrapper would leave the real program writing into the workspace.
  const killed = [...liveChildren()].flatMap((c) => (c.pid !== undefined ? killTree(c.pid) : []));
  waitGoneSync(killed);
  for (const ws of [...Workspace.live]) ws.teardownSync();
  removeAllLabsSync(); // drill networks whose workspace was already gone
}

let installed = false;
export function installSignalTeardown(): void {
  if (installed) return;
  installed = true;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      process.stderr.write(`\ndrill: ${sig}: tearing down\n`);
      emergencyTeardown();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
  process.on("exit", () => emergencyTeardown());
}
