/**
 * What each Azure drill step must print, as pure predicates over the step's exit code and output: a predicate returns
 * the problem (naming the expected and the received value) or undefined. An exit code alone never passes a step that
 * prints a value (D101). tests/unit/drill/azure-predicates.test.ts shows each one failing on a wrong value.
 */
import type { DeclaredParameter } from "../../infra/parameters.js";

export interface StepOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export type Problem = string | undefined;

const firstLine = (s: string): string => s.trim().split("\n")[0] ?? "";
const shown = (s: string): string => (s.trim() === "" ? "(nothing)" : JSON.stringify(firstLine(s)));

/** A successful exit, or the exit code with the first line of stderr. */
export function exitedZero(r: StepOutput): Problem {
  return r.code === 0 ? undefined : `exited ${r.code}: ${firstLine(r.stderr) || firstLine(r.stdout) || "(no output)"}`;
}

/**
 * `az … parameter show --query value -o tsv` against the declared value. Compared case-insensitively (Azure reports
 * `ON` for a declared `on` on some parameters); set-typed parameters (azure.extensions, shared_preload_libraries) as
 * sets, because Azure may list the members in another order.
 */
export function parameterMatches(p: Pick<DeclaredParameter, "name" | "value" | "allowed">, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const got = r.stdout.trim();
  const norm = (s: string): string =>
    p.allowed.kind === "set"
      ? s
          .split(",")
          .map((x) => x.trim().toLowerCase())
          .filter((x) => x !== "")
          .sort()
          .join(",")
      : s.trim().toLowerCase();
  return norm(got) === norm(p.value) ? undefined : `${p.name}: declared ${p.value}, server has ${shown(got)}`;
}

/** `SELECT pg_is_in_recovery()` in psql's unaligned tuples-only output: exactly `t` or `f`, and the expected one. */
export function inRecovery(expected: boolean, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const got = r.stdout.trim();
  if (got !== "t" && got !== "f") return `pg_is_in_recovery() printed ${shown(got)}, not t or f`;
  const want = expected ? "t" : "f";
  return got === want ? undefined : `pg_is_in_recovery() is ${got}, expected ${want}`;
}

/** `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`: `t|TLSv1.2` or `t|TLSv1.3`. */
export function tlsInUse(r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const got = r.stdout.trim();
  return /^t\|TLSv1\.[23]$/.test(got)
    ? undefined
    : `pg_stat_ssl of this session is ${shown(got)}, expected t|TLSv1.2 or t|TLSv1.3`;
}

/**
 * A non-TLS session must be refused, and for that reason: PostgreSQL's pg_hba refusal names the missing encryption
 * (PostgreSQL 15: `no pg_hba.conf entry for host …, no encryption` when no line matches, `pg_hba.conf rejects
 * connection for host …, no encryption` for a `reject` line, as the local drill's hostnossl line gives; before 14:
 * `SSL off`). A timeout, a DNS error or a wrong password is a failure to test, not a refusal.
 */
export function nonTlsRefused(r: StepOutput): Problem {
  if (r.code === 0) return "a session with sslmode=disable was accepted";
  const text = `${r.stderr}\n${r.stdout}`;
  // PostgreSQL's auth.c words a replication connection "… for replication connection from host …".
  return /(no pg_hba\.conf entry for|pg_hba\.conf rejects) (replication connection from |connection for )?host .*(no encryption|SSL off)/i.test(
    text,
  )
    ? undefined
    : `refused, but not for missing TLS: ${shown(r.stderr || r.stdout)}`;
}

/** `SELECT version()` → the server's version number ("15.8"), or undefined. */
export function serverVersion(stdout: string): string | undefined {
  return /PostgreSQL (\d+(?:\.\d+)*)/.exec(stdout)?.[1];
}

export function versionRead(r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  return serverVersion(r.stdout) ? undefined : `version() printed ${shown(r.stdout)}`;
}

/**
 * The maximum of `az monitor metrics list --aggregation Maximum -o json`: the REST response's
 * `value[].timeseries[].data[].maximum` (Azure/azure-rest-api-specs, specification/monitor/resource-manager/
 * Microsoft.Insights/stable/2023-10-01/metrics_API.json). Intervals without data carry no `maximum` and are skipped;
 * a series with no data point at all is undefined, never 0.
 */
export function metricMaximum(json: string): number | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  const values: number[] = [];
  const metrics = (doc as { value?: unknown }).value;
  if (!Array.isArray(metrics)) return undefined;
  for (const m of metrics as { timeseries?: { data?: { maximum?: unknown }[] }[] }[])
    for (const ts of m.timeseries ?? [])
      for (const d of ts.data ?? [])
        if (typeof d.maximum === "number" && Number.isFinite(d.maximum)) values.push(d.maximum);
  return values.length ? Math.max(...values) : undefined;
}

/** The lag metric's maximum must exist and stay below the target (R-3.2.1: lag < 5 s). */
export function lagBelow(limitSeconds: number, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const max = metricMaximum(r.stdout);
  if (max === undefined) return "the metric has no data point (no replica, or no lag reported)";
  return max < limitSeconds ? undefined : `maximum lag ${max} s, target < ${limitSeconds} s`;
}

/** A UTC instant printed by the PITR marker step (`2026-12-02T18:04:05Z`). */
export function isoInstant(r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.stdout.trim())
    ? undefined
    : `expected a UTC instant, got ${shown(r.stdout)}`;
}

/** psql's `count(*) FILTER (before)|count(*) FILTER (after)` on the restored server: every before-row, no after-row. */
export function pitrCounts(stdout: string): { before: number; after: number } | undefined {
  const m = /^(\d+)\|(\d+)$/.exec(stdout.trim());
  return m ? { before: Number(m[1]), after: Number(m[2]) } : undefined;
}

export function pitrExact(expectedBefore: number, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const c = pitrCounts(r.stdout);
  if (!c) return `expected "<before>|<after>", got ${shown(r.stdout)}`;
  const problems: string[] = [];
  if (c.before !== expectedBefore)
    problems.push(`${expectedBefore - c.before} of ${expectedBefore} rows written before T missing`);
  if (c.after !== 0) problems.push(`${c.after} rows written after T present`);
  return problems.length ? problems.join("; ") : undefined;
}

/** An az JSON document whose `field` equals `value` (case-insensitively): e.g. a restored server's name and state. */
export function jsonField(field: string, value: string, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    return `expected JSON, got ${shown(r.stdout)}`;
  }
  const got = doc[field];
  return typeof got === "string" && got.toLowerCase() === value.toLowerCase()
    ? undefined
    : `${field} is ${JSON.stringify(got)}, expected ${value}`;
}

/** Exact trimmed output (role names, reader endpoint members: the switchover plan's `expect`). */
export function printsExactly(expected: string, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  return r.stdout.trim() === expected ? undefined : `expected ${expected}, got ${shown(r.stdout)}`;
}

/** pg_amcheck: exit 0 and nothing reported (it prints one line per corruption found). */
export function amcheckClean(r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  return r.stdout.trim() === "" ? undefined : `pg_amcheck reported: ${shown(r.stdout)}`;
}

/** pgbench's summary: `tps = 812.3 (without initial connection time)` and `latency average = 12.3 ms`. */
export function pgbenchSummary(stdout: string): { tps: number; avgLatencyMs: number } | undefined {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  const lat = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  return tps && lat ? { tps: Number(tps), avgLatencyMs: Number(lat) } : undefined;
}

/** Per-transaction latencies (µs, third field) of `pgbench --log` lines printed after the summary. */
export function pgbenchP95Ms(stdout: string): number | undefined {
  const lat = stdout
    .split("\n")
    .map((l) => /^\d+ \d+ (\d+) \d+ \d+ \d+$/.exec(l.trim())?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (!lat.length) return undefined;
  return lat[Math.min(lat.length - 1, Math.ceil(lat.length * 0.95) - 1)] / 1000;
}

export function loadMeets(minTps: number, maxAvgMs: number, r: StepOutput): Problem {
  const bad = exitedZero(r);
  if (bad) return bad;
  const s = pgbenchSummary(r.stdout);
  if (!s) return `no pgbench summary in ${shown(r.stdout)}`;
  const problems: string[] = [];
  if (s.tps < minTps) problems.push(`tps ${s.tps} < ${minTps}`);
  if (s.avgLatencyMs >= maxAvgMs) problems.push(`average latency ${s.avgLatencyMs} ms ≥ ${maxAvgMs} ms`);
  return problems.length ? problems.join("; ") : undefined;
}
