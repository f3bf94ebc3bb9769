/** load: pgbench throughput and latency at the configured client counts (benchmark figures, not asserted by timed tests). */
import { Workspace } from "../cluster.js";
import type { DrillOptions } from "../options.js";
import type { ScenarioOutcome, ScenarioResult } from "../report.js";
import { TARGETS } from "../targets.js";
import { pgbenchConsistent, pgbenchInit, pgbenchRun, round } from "./support.js";

export async function loadScenario(ws: Workspace, o: DrillOptions["load"]): Promise<ScenarioOutcome> {
  const primary = await ws.createPrimary({ name: "primary" });
  await pgbenchInit(ws, primary, o.scale);
  const results: ScenarioResult[] = [];
  const notes: string[] = [
    `pgbench tpcb-like, scale ${o.scale}, ${o.durationSeconds} s per run, -j 2, TLS + SCRAM over loopback, as the superuser (see max_connections note).`,
  ];
  for (const clients of o.clients) {
    const r = await pgbenchRun(ws, primary, clients, o.durationSeconds, `c${clients}`);
    const consistent = await pgbenchConsistent(primary);
    const meets = r.tps >= TARGETS.minTps && r.avgLatencyMs < TARGETS.maxAvgLatencyMs;
    results.push({
      name: "load",
      passed: meets && consistent && r.failed === 0 && r.transactions > 0,
      metrics: {
        tps: round(r.tps, 1),
        avgLatencyMs: round(r.avgLatencyMs),
        p95LatencyMs: round(r.p95LatencyMs),
        clients,
      },
      targets: { tps: TARGETS.minTps, avgLatencyMs: TARGETS.maxAvgLatencyMs },
    });
    notes.push(
      `${clients} clients: ${r.tps.toFixed(0)} TPS, avg ${r.avgLatencyMs.toFixed(1)} ms, p95 ${r.p95LatencyMs.toFixed(1)} ms, ${r.transactions} transactions, ${r.failed} failed, balances consistent: ${consistent}.` +
        (meets
          ? ""
          : ` Target missed: with 2 cores, ${clients} concurrent clients queue for CPU (Little's law: latency ≈ clients / TPS = ${((clients / r.tps) * 1000).toFixed(0)} ms); the plan's concurrency needs a pooler in front (e.g. PgBouncer, ≈ 2–4 × cores server connections) or a latency target per concurrency.`),
    );
  }
  return { results, notes };
}
