/** The drill report: exact JSON shape (docs/drills.md), its validation, and the readable Markdown rendering. */

export type MetricValue = number | boolean;

export interface ScenarioResult {
  name: string;
  passed: boolean;
  metrics: Record<string, MetricValue>;
  targets: Record<string, MetricValue>;
  /** Figures the harness set itself (durations, detector settings, timeouts): inputs, never results. */
  parameters?: Record<string, MetricValue>;
  /** Negative controls run with the scenario: each must fail for the scenario to pass. */
  controls?: ScenarioControl[];
}

/** A run in which the scenario's property must NOT hold; `failed` says whether the harness saw it fail. */
export interface ScenarioControl {
  name: string;
  expectFailure: true;
  failed: boolean;
}

export interface DrillReport {
  target: "local" | "azure";
  postgres: string;
  scenarios: ScenarioResult[];
}

/** What a scenario hands back: the JSON entries plus what only the Markdown shows. */
export interface ScenarioOutcome {
  results: ScenarioResult[];
  notes: string[];
  /** Writer acknowledgements per bucket around the failover (ms relative to the kill). */
  chart?: { title: string; bucketMs: number; buckets: { startMs: number; writes: number }[] };
}

/** Metric names each scenario must report (docs/drills.md). Extra metrics are allowed; these are not optional. */
export const REQUIRED_METRICS: Record<string, readonly string[]> = {
  connect: ["tls", "nonTlsRefused", "nonTlsReplicationRefused", "parametersMatching", "replicaInRecovery"],
  load: ["tps", "avgLatencyMs", "p95LatencyMs", "clients"],
  lag: ["maxSeconds"],
  failover: ["rtoSeconds", "lostAcknowledgedWrites"],
  "failover-async": ["rtoSeconds", "lostAcknowledgedWrites", "acknowledgedBeforeKill"],
  hang: ["rtoSeconds", "splitBrainWrites", "directWriteAccepted"],
  pitr: ["restoreSeconds", "rowsAfterTarget", "rowsMissingBeforeTarget"],
  backup: ["verified", "corruptionDetected", "sourceCorruptionDetected", "restoredChecksumsMatch"],
  archive: ["rpoSeconds"],
  "crash-restart": [
    "sessionsReset",
    "crashRecovery",
    "lostAcknowledgedWrites",
    "writeGapSeconds",
    "archivedAfterRestartSeconds",
  ],
  latency: [
    "connectTimeoutFires",
    "statementTimeoutCancels",
    "underBudgetPasses",
    "p50Ms",
    "p95Ms",
    "p50DelayedMs",
    "p95DelayedMs",
  ],
  partition: ["rtoSeconds", "splitBrainWrites", "directWriteAccepted"],
  switchover: ["lostAcknowledgedWrites", "redundancyRestoredSeconds", "writeGapSeconds"],
  offsite: ["restoredExact", "rowsAfterTarget", "rowsMissingBeforeTarget", "checkPassed"],
  logical: ["checksumsMatch", "tablesCompared"],
  // Azure mode (drill/azure.ts): scenarios of their own where the local contract's metrics cannot be measured.
  "failover-forced": ["rtoSeconds", "lostAcknowledgedWrites"],
  "backup-restore": ["restored", "amcheckPassed"],
  "region-switchover": ["promoteCommandSeconds"],
  "region-switchover-forced": ["promoteCommandSeconds"],
};

/** Validate a parsed report against the exact shape; returns a list of problems (empty = valid). */
export function validateReport(r: unknown): string[] {
  const errs: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(r)) return ["report is not an object"];
  const keys = Object.keys(r).sort().join(",");
  if (keys !== "postgres,scenarios,target") errs.push(`top-level keys are ${keys}`);
  if (r.target !== "local" && r.target !== "azure") errs.push(`target ${String(r.target)}`);
  if (typeof r.postgres !== "string" || !/^\d+(\.\d+)*/.test(r.postgres)) errs.push(`postgres ${String(r.postgres)}`);
  if (!Array.isArray(r.scenarios)) return [...errs, "scenarios is not an array"];
  r.scenarios.forEach((s: unknown, i: number) => {
    if (!isObj(s)) return void errs.push(`scenarios[${i}] is not an object`);
    const k = Object.keys(s)
      .filter((x) => x !== "parameters" && x !== "controls")
      .sort()
      .join(",");
    if (k !== "metrics,name,passed,targets") errs.push(`scenarios[${i}] keys are ${Object.keys(s).sort().join(",")}`);
    if ("controls" in s) {
      if (!Array.isArray(s.controls)) errs.push(`scenarios[${i}].controls is not an array`);
      else
        s.controls.forEach((c: unknown, j: number) => {
          if (
            !isObj(c) ||
            Object.keys(c).sort().join(",") !== "expectFailure,failed,name" ||
            typeof c.name !== "string" ||
            c.expectFailure !== true ||
            typeof c.failed !== "boolean"
          )
            return void errs.push(`scenarios[${i}].controls[${j}] is not { name, expectFailure: true, failed }`);
          if (c.failed === false && s.passed === true)
            errs.push(`scenarios[${i}] passed although control ${c.name} did not fail`);
        });
    }
    if (typeof s.name !== "string") errs.push(`scenarios[${i}].name`);
    if (typeof s.passed !== "boolean") errs.push(`scenarios[${i}].passed`);
    for (const field of ["metrics", "targets", "parameters"] as const) {
      if (field === "parameters" && !("parameters" in s)) continue;
      const m = s[field];
      if (!isObj(m)) {
        errs.push(`scenarios[${i}].${field} is not an object`);
        continue;
      }
      for (const [mk, mv] of Object.entries(m)) {
        if (!(typeof mv === "boolean" || (typeof mv === "number" && Number.isFinite(mv))))
          errs.push(`scenarios[${i}].${field}.${mk} = ${String(mv)}`);
      }
    }
    const required = typeof s.name === "string" ? REQUIRED_METRICS[s.name] : undefined;
    if (required && isObj(s.metrics) && s.passed !== false) {
      for (const m of required)
        if (!(m in s.metrics)) errs.push(`scenarios[${i}] (${String(s.name)}) lacks metric ${m}`);
    }
  });
  return errs;
}

const fmt = (v: MetricValue): string =>
  typeof v === "boolean" ? (v ? "yes" : "no") : Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1);

/** A horizontal text bar chart of writes per bucket. */
export function asciiChart(
  buckets: readonly { startMs: number; writes: number }[],
  bucketMs: number,
  width = 50,
): string {
  const max = Math.max(1, ...buckets.map((b) => b.writes));
  const lines = buckets.map((b) => {
    const label = `${(b.startMs / 1000).toFixed(2).padStart(6)} s`;
    const bar = "#".repeat(Math.round((b.writes / max) * width));
    return `${label} |${bar.padEnd(width)}| ${String(b.writes).padStart(4)}`;
  });
  return [`writes per ${bucketMs} ms (0 s = primary killed)`, ...lines].join("\n");
}

export function renderMarkdown(
  report: DrillReport,
  outcomes: readonly ScenarioOutcome[],
  meta: { command: string; startedAt: string; durationSeconds: number },
): string {
  const out: string[] = [];
  out.push(`# DR drill report (${report.target})`, "");
  out.push(
    `- PostgreSQL ${report.postgres}`,
    `- Started ${meta.startedAt}, took ${meta.durationSeconds.toFixed(0)} s`,
    `- Command: \`${meta.command}\``,
    "",
  );
  out.push("| Scenario | Passed | Metric | Measured | Target |", "| --- | --- | --- | --- | --- |");
  for (const s of report.scenarios) {
    const names = Object.keys(s.metrics);
    if (names.length === 0) out.push(`| ${s.name} | ${s.passed ? "✅" : "❌"} | — | — | — |`);
    names.forEach((m, i) => {
      const t = s.targets[m];
      out.push(
        `| ${i === 0 ? s.name : ""} | ${i === 0 ? (s.passed ? "✅" : "❌") : ""} | ${m} | ${fmt(s.metrics[m])} | ${t === undefined ? "" : fmt(t)} |`,
      );
    });
  }
  out.push("");
  const withParams = report.scenarios.filter((s) => s.parameters || s.controls);
  if (withParams.length) {
    out.push("| Scenario | Parameters (set by the harness) | Negative controls (must fail) |", "| --- | --- | --- |");
    for (const s of withParams) {
      const params = Object.entries(s.parameters ?? {})
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(", ");
      const controls = (s.controls ?? [])
        .map((c) => `${c.name}: ${c.failed ? "failed ✅" : "did NOT fail ❌"}`)
        .join(", ");
      out.push(`| ${s.name} | ${params} | ${controls} |`);
    }
    out.push("");
  }
  for (const o of outcomes) {
    if (o.notes.length === 0 && !o.chart) continue;
    out.push(
      `## ${o.results
        .map((r) => r.name)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(", ")}`,
      "",
    );
    for (const n of o.notes) out.push(`- ${n.replace(/\s*\n\s*/g, " ")}`);
    if (o.chart) out.push("", `### ${o.chart.title}`, "", "```", asciiChart(o.chart.buckets, o.chart.bucketMs), "```");
    out.push("");
  }
  return out.join("\n");
}
