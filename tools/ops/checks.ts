/**
 * The install plan's daily checks (R-10.2.1 일일_점검: 서버 상태 확인, 성능 메트릭 모니터링, 백업 상태 확인, 보안 알림 검토) as
 * pure predicates over what `az` prints. Each returns a result row; none prints or keeps a secret value (the Key Vault
 * check reads secret *attributes* through Resource Manager, which never returns values).
 *
 * Shapes (recorded fixtures under tests/unit/tools/ops/fixtures mirror them):
 * - `az postgres flexible-server show` / `replica list`: the server resource flattened (state, highAvailability
 *   {mode, state}, replica {role, replicationState}); REST spec Microsoft.DBforPostgreSQL 2025-08-01 — HA state
 *   NotEnabled | CreatingStandby | ReplicatingData | FailingOver | Healthy | RemovingStandby; replicationState Active |
 *   Catchup | Provisioning | Updating | Broken | Reconfiguring.
 * - `az monitor metrics list`: { value: [{ name: { value }, timeseries: [{ data: [{ timeStamp, maximum }] }] }] }.
 * - `az postgres flexible-server backup list`: [{ name, backupType, completedTime, source }].
 * - alerts (az rest, Microsoft.AlertsManagement 2019-05-05-preview, examples/Alerts_List.json):
 *   { value: [{ name, properties: { essentials: { severity, monitorCondition, alertState, targetResourceName,
 *   startDateTime } } }] }.
 * - Defender (az rest, Microsoft.Security/assessments 2020-01-01, ListAssessments_example.json):
 *   { value: [{ properties: { displayName, resourceDetails: { id }, status: { code } } }] }.
 * - Key Vault secrets (az rest, Microsoft.KeyVault/vaults/secrets 2023-07-01, getSecret.json):
 *   { value: [{ name, properties: { attributes: { enabled, exp?, created, updated } } }] } — no value field.
 */

export type Verdict = "PASS" | "FAIL";

export interface CheckResult {
  readonly check: string;
  readonly subject: string;
  readonly target: string;
  readonly observed: string;
  readonly verdict: Verdict;
}

const row = (check: string, subject: string, target: string, observed: string, ok: boolean): CheckResult => ({
  check,
  subject,
  target,
  observed,
  verdict: ok ? "PASS" : "FAIL",
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return */
// az output is untyped JSON probed field by field; typing every shape would restate four REST specs for a few reads.
type Json = any;

/** az prints resources flattened; ARM (az rest) nests them under `properties`. Accept both. */
const props = (r: Json): Json =>
  r && typeof r === "object" && r.properties && !r.state ? { ...r, ...r.properties } : r;
const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "(none)" : JSON.stringify(v));

/** Primary: state Ready; with HA configured, the standby Healthy (a failover in progress or a rebuilt standby fails). */
export function checkServer(show: Json, name: string, expectHa: boolean): CheckResult[] {
  const s = props(show);
  const out = [row("server state", name, "Ready", text(s?.state), s?.state === "Ready")];
  if (expectHa) {
    const ha = s?.highAvailability ?? {};
    out.push(
      row(
        "HA state",
        name,
        "Healthy",
        `${text(ha.state)} (${text(ha.mode)})`,
        ha.state === "Healthy" && ha.mode !== "Disabled",
      ),
    );
  }
  return out;
}

/** Every expected replica is listed, Ready, and replicating (Active). */
export function checkReplicas(list: Json, expected: readonly string[]): CheckResult[] {
  const servers: Json[] = Array.isArray(list) ? list.map(props) : [];
  return expected.map((name) => {
    const s = servers.find((x) => x?.name === name);
    if (!s) return row("replica state", name, "Ready, replication Active", "not listed by the primary", false);
    const state = s.replica?.replicationState;
    return row(
      "replica state",
      name,
      "Ready, replication Active",
      `${text(s.state)}, replication ${text(state)}`,
      s.state === "Ready" && state === "Active",
    );
  });
}

/** The largest lag over the window stays under the alert threshold; no data at all is a failure, not a pass. */
export function checkReplicaLag(metrics: Json, name: string, thresholdSeconds: number): CheckResult {
  const series = (metrics?.value ?? []).find((v: Json) => v?.name?.value === "physical_replication_delay_in_seconds");
  const points: number[] = (series?.timeseries ?? [])
    .flatMap((t: Json) => t?.data ?? [])
    .map((d: Json) => d?.maximum)
    .filter((x: unknown): x is number => typeof x === "number");
  if (points.length === 0) return row("replica lag", name, `< ${thresholdSeconds} s`, "no data points", false);
  const max = Math.max(...points);
  return row("replica lag", name, `< ${thresholdSeconds} s`, `max ${max} s`, max < thresholdSeconds);
}

/** The newest completed backup is younger than `maxAgeHours` (snapshots are daily: Learn concepts-backup-restore). */
export function checkBackup(list: Json, name: string, now: Date, maxAgeHours: number): CheckResult {
  const times = (Array.isArray(list) ? list : [])
    .map((b: Json) => Date.parse(String(props(b)?.completedTime ?? "")))
    .filter((t: number) => Number.isFinite(t));
  if (times.length === 0) return row("last backup", name, `< ${maxAgeHours} h old`, "no completed backup", false);
  const newest = Math.max(...times);
  const ageHours = (now.getTime() - newest) / 3_600_000;
  return row(
    "last backup",
    name,
    `< ${maxAgeHours} h old`,
    `${new Date(newest).toISOString()} (${ageHours.toFixed(1)} h)`,
    ageHours >= 0 && ageHours < maxAgeHours,
  );
}

/** Alerts of the last 24 h: listed for the reader; the check fails while a Sev0/Sev1 alert is still firing. */
export function checkAlerts(response: Json, resourceGroup: string): CheckResult {
  const alerts: Json[] = (response?.value ?? []).map((a: Json) => ({ name: a?.name, ...a?.properties?.essentials }));
  const mine = alerts.filter((a) => String(a.targetResourceGroup ?? "").toLowerCase() === resourceGroup.toLowerCase());
  const firing = mine.filter((a) => a.monitorCondition === "Fired" && (a.severity === "Sev0" || a.severity === "Sev1"));
  const observed = mine.length
    ? `${mine.length} fired (${mine.map((a) => `${a.name} ${a.severity} ${a.monitorCondition}`).join("; ")})`
    : "none fired";
  return row("alerts, last 24 h", resourceGroup, "no Sev0/Sev1 still firing", observed, firing.length === 0);
}

/** Defender for Cloud: no Unhealthy assessment on a resource of the stack's resource group. */
export function checkDefender(response: Json, resourceGroupId: string): CheckResult {
  const rg = `${resourceGroupId.toLowerCase()}/`;
  const unhealthy = (response?.value ?? [])
    .map(props)
    .filter((a: Json) =>
      String(a?.resourceDetails?.id ?? "")
        .toLowerCase()
        .startsWith(rg),
    )
    .filter((a: Json) => a?.status?.code === "Unhealthy");
  return row(
    "Defender recommendations",
    resourceGroupId.split("/").pop() ?? resourceGroupId,
    "no Unhealthy assessment",
    unhealthy.length ? unhealthy.map((a: Json) => text(a.displayName)).join("; ") : "none Unhealthy",
    unhealthy.length === 0,
  );
}

/**
 * Each expected secret exists, is enabled, has an expiry, and the expiry is at least `warnDays` away but not further
 * than the rotation period (a longer expiry means the rotation stamp was not applied: docs/decisions.md D24).
 */
export function checkSecrets(
  response: Json,
  expected: readonly string[],
  now: Date,
  warnDays: number,
  rotationPeriodDays: number,
): CheckResult[] {
  const secrets: Json[] = (response?.value ?? []).map(props);
  return expected.map((name) => {
    const s = secrets.find((x) => x?.name === name);
    const target = `expires in ${warnDays}–${rotationPeriodDays} days`;
    if (!s) return row("secret expiry", name, target, "missing from the vault", false);
    const a = s.attributes ?? {};
    const exp = typeof a.exp === "number" ? a.exp : typeof a.expires === "number" ? a.expires : undefined;
    if (a.enabled === false) return row("secret expiry", name, target, "disabled", false);
    if (exp === undefined) return row("secret expiry", name, target, "no expiry set", false);
    const days = (exp * 1000 - now.getTime()) / 86_400_000;
    const when = new Date(exp * 1000).toISOString().slice(0, 10);
    return row(
      "secret expiry",
      name,
      target,
      `${when} (${days.toFixed(1)} days)`,
      days >= warnDays && days <= rotationPeriodDays + 1,
    );
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return */

/** The result table, fixed-width, one row per check. */
export function resultTable(results: readonly CheckResult[]): string {
  const head = ["CHECK", "SUBJECT", "TARGET", "OBSERVED", "RESULT"];
  const rows = results.map((r) => [r.check, r.subject, r.target, r.observed, r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}
