/**
 * The alert catalogue: which alerts each server role gets, on which metric or log, with which operator, threshold,
 * window, severity and action group. Pure data derived from the platform config, so the whole pack is testable without
 * Pulumi and the Monitoring component only turns definitions into resources.
 *
 * Thresholds, windows, frequencies, severities and groups come from config (validated in config/rules.ts against
 * Azure's allowed values); what is fixed here is the mapping of each plan item onto an Azure
 * signal, which no external catalogue defines (policy-catalogue M1, M2).
 */
import { durationMinutes } from "../config/azure-facts.js";
import { type AzurePlatform, activeConnectionsThreshold } from "../config/platform.js";
import { WAIT_SAMPLING_PERIOD_MS } from "./flexible-server-metrics.js";
import type { ServerRole } from "../types.js";

export type AlertsConfig = AzurePlatform["monitoring"]["alerts"];

export const POSTGRES_METRIC_NAMESPACE = "Microsoft.DBforPostgreSQL/flexibleServers";
/** Activity-log and Resource Health events spell the type in lower case. */
export const POSTGRES_RESOURCE_TYPE = "microsoft.dbforpostgresql/flexibleservers";
/** Resource-specific table of the PostgreSQLFlexQueryStoreRuntime category (diagnostic setting in Dedicated mode). */
export const QUERY_STORE_RUNTIME_TABLE = "PGSQLQueryStoreRuntime";
/** Resource-specific table of the PostgreSQLLogs category (the server log, where log_min_duration_statement writes). */
export const SERVER_LOGS_TABLE = "PGSQLServerLogs";
/**
 * Resource-specific table of the PostgreSQLFlexQueryStoreWaitStats category (Learn, concepts-monitoring: "**Category
 * name**: PostgreSQLFlexQueryStoreWaitStats … **Resource specific table**: PGSQLQueryStoreWaits … **Additional
 * requirements**: `pg_qs.query_capture_mode` must be set to either `top` or `all`, and
 * `pgms_wait_sampling.query_capture_mode` must be set to `on`" — the parameter's allowed values are `all,none`).
 */
export const QUERY_STORE_WAITS_TABLE = "PGSQLQueryStoreWaits";

export type MetricAlertKey =
  | "serverDown"
  | "cpuPercent"
  | "memoryPercent"
  | "activeConnections"
  | "storagePercent"
  | "failedConnections"
  | "diskIopsPercent"
  | "replicaLagSeconds"
  | "deadlocks";

export type MetricOperator = "GreaterThan" | "LessThan";
export type MetricAggregation = "Average" | "Maximum" | "Total";

interface Routed {
  /** Short, stable suffix of the Azure rule name and the Pulumi resource name: `<server>-<suffix>`. */
  readonly suffix: string;
  readonly description: string;
  /** Key of platform.monitoring.actionGroups. */
  readonly actionGroup: string;
  /** The requirement (docs/requirements.md) or decision (docs/decisions.md) the alert implements. */
  readonly planItem: string;
}

export interface MetricAlertDefinition extends Routed {
  readonly kind: "metric";
  readonly key: MetricAlertKey;
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly timeAggregation: MetricAggregation;
  readonly operator: MetricOperator;
  readonly threshold: number;
  readonly windowSize: string;
  readonly evaluationFrequency: string;
  readonly severity: number;
}

export type LogAlertKey = "queryResponseTimeMs" | "slowQueriesPerHour" | "lockWaitMs";

export interface LogAlertDefinition extends Routed {
  readonly kind: "log";
  readonly key: LogAlertKey;
  readonly table: typeof QUERY_STORE_RUNTIME_TABLE | typeof SERVER_LOGS_TABLE | typeof QUERY_STORE_WAITS_TABLE;
  /**
   * Column the query computes and the rule compares: the call-weighted mean execution time per window in ms
   * (queryResponseTimeMs), the number of slow statements logged in the window (slowQueriesPerHour), or the estimated
   * lock wait per execution in the window in ms (lockWaitMs).
   */
  readonly measureColumn: string;
  readonly timeAggregation: "Maximum" | "Total";
  readonly operator: "GreaterThan";
  readonly threshold: number;
  readonly windowSize: string;
  readonly evaluationFrequency: string;
  readonly severity: number;
}

export interface ActivityLogAlertDefinition extends Routed {
  readonly kind: "activityLog";
  readonly key: "resourceHealth";
  readonly category: "ResourceHealth";
  readonly resourceType: typeof POSTGRES_RESOURCE_TYPE;
  /** Resource Health states that notify: losses (failover, outage, degradation) and the recovery back to Available. */
  readonly healthStatuses: readonly string[];
}

export type AlertDefinition = MetricAlertDefinition | LogAlertDefinition | ActivityLogAlertDefinition;

export interface MetricSpec {
  readonly key: MetricAlertKey;
  readonly roles: readonly ServerRole[];
  readonly suffix: string;
  readonly metricName: string;
  readonly timeAggregation: MetricAggregation;
  readonly operator: MetricOperator;
  readonly planItem: string;
  readonly describe: (threshold: number, window: string) => string;
}

const BOTH: readonly ServerRole[] = ["primary", "replica"];
const PRIMARY: readonly ServerRole[] = ["primary"];
const REPLICA: readonly ServerRole[] = ["replica"];

/**
 * Metric alerts, in the order the pack is shown. Role choices:
 * - down, storage: every server. A replica whose disk fills goes read-only and stops replaying WAL, which breaks
 *   replication and the DR copy; auto-grow does not bound the cost either (D3), so the budget alert matters on
 *   replicas as much as on the primary.
 * - replica lag: replicas only (the metric exists only there).
 * - CPU, memory, connections: every server (policy M1 asks them of every prod server). A read replica serves the read
 *   traffic of; its saturation hurts readers before it shows up as lag, and max_connections is the same there.
 * - failed connections, IOPS: the primary. On a replica IOPS saturation shows up as replication lag, which it alerts on.
 * Exported for the workbook (workbook.ts), which draws the same signals so the two cannot drift.
 */
export const METRIC_CATALOGUE: readonly MetricSpec[] = [
  {
    key: "serverDown",
    roles: BOTH,
    suffix: "down",
    metricName: "is_db_alive",
    timeAggregation: "Maximum",
    operator: "LessThan",
    planItem: "R-8.2.2 서버_다운: availability < 100 % for 1 min",
    describe: (_t, w) => `Server down: is_db_alive stayed below 1 for ${w}`,
  },
  {
    key: "cpuPercent",
    roles: BOTH,
    suffix: "cpu-high",
    metricName: "cpu_percent",
    timeAggregation: "Average",
    operator: "GreaterThan",
    planItem: "R-8.2.2 CPU_과부하: > 90 % for 5 min",
    describe: (t, w) => `CPU above ${t} % on average over ${w}`,
  },
  {
    key: "memoryPercent",
    roles: BOTH,
    suffix: "memory-high",
    metricName: "memory_percent",
    timeAggregation: "Average",
    operator: "GreaterThan",
    planItem: "R-8.2.2 메모리_부족: > 95 % for 3 min (nearest Azure window, D9)",
    describe: (t, w) => `Memory above ${t} % on average over ${w}`,
  },
  {
    key: "activeConnections",
    roles: BOTH,
    suffix: "connections-high",
    metricName: "active_connections",
    timeAggregation: "Maximum",
    operator: "GreaterThan",
    planItem: "R-8.2.2 연결_한계: > 85 for 2 min, re-derived from max_connections minus reserved slots (D8)",
    describe: (t, w) => `More than ${t} active connections (share of the usable slots) within ${w}`,
  },
  {
    key: "storagePercent",
    roles: BOTH,
    suffix: "storage-high",
    metricName: "storage_percent",
    timeAggregation: "Average",
    operator: "GreaterThan",
    planItem: "R-8.2.2 Warning 스토리지_사용량: > 80 % for 30 min; auto-grow budget (D3)",
    describe: (t, w) => `Storage above ${t} % on average over ${w}`,
  },
  {
    key: "failedConnections",
    roles: PRIMARY,
    suffix: "failed-connections",
    metricName: "connections_failed",
    timeAggregation: "Total",
    operator: "GreaterThan",
    planItem: "R-6.2.1 availability: failed connections",
    describe: (t, w) => `More than ${t} failed connections within ${w}`,
  },
  {
    key: "diskIopsPercent",
    roles: PRIMARY,
    suffix: "disk-iops-high",
    metricName: "disk_iops_consumed_percentage",
    timeAggregation: "Average",
    operator: "GreaterThan",
    planItem: "R-6.2.1 디스크_IOPS (P30 instead of provisioned IOPS, D1)",
    describe: (t, w) => `Disk IOPS above ${t} % of the provisioned tier on average over ${w}`,
  },
  {
    key: "replicaLagSeconds",
    roles: REPLICA,
    suffix: "replica-lag",
    metricName: "physical_replication_delay_in_seconds",
    timeAggregation: "Maximum",
    operator: "GreaterThan",
    planItem: "R-3.2.1 복제_지연 < 5 s (replica metric physical_replication_delay_in_seconds)",
    describe: (t, w) => `Replication lag above ${t} s within ${w}`,
  },
  {
    // Learn concepts-monitoring, Enhanced metrics > Database: "**Deadlocks** (Preview)|`deadlocks` |Count|Number of
    // deadlocks that are detected in this database.|DatabaseName|No" — emitted only with
    // metrics.collector_database_activity = on (declared in parameters.ts). Without a dimension filter the rule sums
    // every database's count. Every server: the parameter is set on replicas too, and a promoted replica keeps it.
    key: "deadlocks",
    roles: BOTH,
    suffix: "deadlocks",
    metricName: "deadlocks",
    timeAggregation: "Total",
    operator: "GreaterThan",
    planItem: "R-6.2.1 데드락 0건: any deadlock alerts",
    describe: (t, w) => `More than ${t} deadlocks within ${w}`,
  },
];

/** The metric-alert keys a role gets when every alert is enabled (the catalogue's role mapping, for docs and tests). */
export function metricAlertKeysFor(role: ServerRole): MetricAlertKey[] {
  return METRIC_CATALOGUE.filter((s) => s.roles.includes(role)).map((s) => s.key);
}

/** What the pack of one server depends on besides the alert config. */
export interface AlertTarget {
  readonly role: ServerRole;
  /** The server's max_connections: the connection alert is a share of its usable slots. */
  readonly maxConnections: number;
  /** Query Store captures on this server (off on Burstable). */
  readonly queryStore: boolean;
}

function metricThreshold(key: MetricAlertKey, alerts: AlertsConfig, target: AlertTarget): number {
  switch (key) {
    case "serverDown":
      return 1;
    case "activeConnections":
      return activeConnectionsThreshold(alerts.activeConnections.percentOfUsable, target.maxConnections);
    default:
      return alerts[key].threshold;
  }
}

/**
 * Whether the Query Store response-time alert can fire on a server. Query Store records on primaries only (Learn,
 * concepts-query-store: "query store doesn't record the queries executed on any read replicas"), and is off where
 * Microsoft says not to enable it (Burstable); an alert on a server that records nothing would never fire.
 */
export function queryStoreAlertCanFire(target: Pick<AlertTarget, "role" | "queryStore">): boolean {
  return target.role === "primary" && target.queryStore;
}

/**
 * The alert pack of one server: its enabled metric alerts, the Query Store response-time log alert where it can fire,
 * and the Resource Health alert. Disabled alerts are left out (not created disabled): config validation checks
 * receivers only for enabled alerts, so a disabled one may name a group that does not exist.
 */
export function alertsFor(target: AlertTarget, alerts: AlertsConfig): AlertDefinition[] {
  const { role } = target;
  const out: AlertDefinition[] = [];
  for (const spec of METRIC_CATALOGUE) {
    const cfg = alerts[spec.key];
    if (!spec.roles.includes(role) || !cfg.enabled) continue;
    const threshold = metricThreshold(spec.key, alerts, target);
    out.push({
      kind: "metric",
      key: spec.key,
      suffix: spec.suffix,
      description: spec.describe(threshold, cfg.window),
      metricName: spec.metricName,
      metricNamespace: POSTGRES_METRIC_NAMESPACE,
      timeAggregation: spec.timeAggregation,
      operator: spec.operator,
      threshold,
      windowSize: cfg.window,
      evaluationFrequency: cfg.frequency,
      severity: cfg.severity,
      actionGroup: cfg.actionGroup,
      planItem: spec.planItem,
    });
  }
  const q = alerts.queryResponseTimeMs;
  if (q.enabled && queryStoreAlertCanFire(target)) {
    out.push({
      kind: "log",
      key: "queryResponseTimeMs",
      suffix: "query-time-high",
      description: `Average query execution time (Query Store, weighted by calls) above ${q.threshold} ms over ${q.window}`,
      table: QUERY_STORE_RUNTIME_TABLE,
      measureColumn: "AvgExecDurationMs",
      timeAggregation: "Maximum",
      operator: "GreaterThan",
      threshold: q.threshold,
      windowSize: q.window,
      evaluationFrequency: q.frequency,
      severity: q.severity,
      actionGroup: q.actionGroup,
      planItem: "R-8.2.2 Warning 성능_저하: average response time > 200 ms for 10 min (log alert, D10)",
    });
  }
  const slow = alerts.slowQueriesPerHour;
  if (slow.enabled) {
    out.push({
      kind: "log",
      key: "slowQueriesPerHour",
      suffix: "slow-queries",
      description: `More than ${slow.threshold} statements slower than log_min_duration_statement logged within ${slow.window}`,
      table: SERVER_LOGS_TABLE,
      measureColumn: "SlowQueries",
      timeAggregation: "Total",
      operator: "GreaterThan",
      threshold: slow.threshold,
      windowSize: slow.window,
      evaluationFrequency: slow.frequency,
      severity: slow.severity,
      actionGroup: slow.actionGroup,
      planItem: "R-6.2.1 슬로우_쿼리 < 5개/시간: more than 4 statements ≥ 1 s in an hour (log alert on the server log)",
    });
  }
  const lock = alerts.lockWaitMs;
  // Wait sampling records only where Query Store captures (D95): the same servers as the response-time alert.
  if (lock.enabled && queryStoreAlertCanFire(target)) {
    out.push({
      kind: "log",
      key: "lockWaitMs",
      suffix: "lock-wait-high",
      description: `Estimated lock wait per execution (Query Store wait sampling) above ${lock.threshold} ms over ${lock.window}`,
      table: QUERY_STORE_WAITS_TABLE,
      measureColumn: "LockWaitPerExecutionMs",
      timeAggregation: "Maximum",
      operator: "GreaterThan",
      threshold: lock.threshold,
      windowSize: lock.window,
      evaluationFrequency: lock.frequency,
      severity: lock.severity,
      actionGroup: lock.actionGroup,
      planItem: "R-6.2.1 대기_시간 < 50ms: estimated heavyweight-lock wait per execution above 50 ms (log alert, D95)",
    });
  }
  const h = alerts.resourceHealth;
  if (h.enabled) {
    out.push({
      kind: "activityLog",
      key: "resourceHealth",
      suffix: "resource-health",
      description: "Resource Health changed (HA failover, outage, degradation, recovery)",
      category: "ResourceHealth",
      resourceType: POSTGRES_RESOURCE_TYPE,
      healthStatuses: ["Unavailable", "Degraded", "Available"],
      actionGroup: h.actionGroup,
      planItem: "R-3.1.1 자동 장애조치 / R-6.2.1 장애조치_시간: failover and health events",
    });
  }
  return out;
}

/** Azure rule name of an alert on a server, e.g. `phonebill-auth-postgresql-prod-cpu-high`. */
export function alertRuleName(serverName: string, alert: Pick<AlertDefinition, "suffix">): string {
  return `${serverName}-${alert.suffix}`;
}

/** `PT10M` → `10m`, `PT1H` → `60m`: a KQL timespan literal for an ISO-8601 window. */
export function kqlTimespan(isoDuration: string): string {
  const minutes = durationMinutes(isoDuration);
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new Error(`${isoDuration} is not an ISO-8601 window of whole minutes`);
  return `${minutes}m`;
}

/** KQL string literal (single-quoted, backslash and quote escaped). */
function kqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * The response-time query for one server. Query Store rows are per query and time bucket, so the server's mean is
 * total execution time over calls (a plain average of MeanExecDurationMs would let one rare slow query outweigh
 * thousands of fast ones). Azure-managed system queries are excluded. `_ResourceId` is kept so the fired alert is
 * attached to the server, not to the workspace; `=~` because Log Analytics lower-cases resource ids.
 */
export function queryResponseTimeQuery(
  serverResourceId: string,
  alert: Pick<LogAlertDefinition, "windowSize" | "measureColumn">,
): string {
  return [
    QUERY_STORE_RUNTIME_TABLE,
    `| where _ResourceId =~ ${kqlString(serverResourceId)}`,
    "| where IsSystemQuery == false and Calls > 0",
    `| summarize ${alert.measureColumn} = sum(TotalExecDurationMs) / sum(Calls) by _ResourceId, bin(TimeGenerated, ${kqlTimespan(alert.windowSize)})`,
  ].join("\n");
}

/**
 * The slow-query count for one server. With log_min_duration_statement set, PostgreSQL logs each statement that ran at
 * least that long as "duration: … ms  statement: …" (or "… execute <name>: …" for the extended protocol); PostgreSQL
 * docs, runtime-config-logging: "Causes the duration of each completed statement to be logged if the statement ran
 * for at least the specified amount of time." log_duration stays off (not declared), so no other line carries
 * "duration:". No bin: the rule restricts the query to its window, and Total of the one row is the window's count.
 */
export function slowQueriesQuery(serverResourceId: string, alert: Pick<LogAlertDefinition, "measureColumn">): string {
  return [
    SERVER_LOGS_TABLE,
    `| where _ResourceId =~ ${kqlString(serverResourceId)}`,
    '| where Message has "duration:"',
    `| summarize ${alert.measureColumn} = count() by _ResourceId`,
  ].join("\n");
}

/**
 * The estimated lock wait per execution on one server, in ms. Wait sampling looks at every backend once per
 * `pgms_wait_sampling.history_period` (100 ms) and counts, per query and wait event, how often it found it waiting
 * (`Calls`: "Number of the same event captured for this entry", Azure Monitor table reference PGSQLQueryStoreWaits).
 * Samples of wait event type `Lock` (PostgreSQL's heavyweight locks: row, tuple, relation, transaction id — not
 * `LWLock`) × 100 ms estimate the time spent waiting for locks; divided by the executions Query Store counted in the
 * same window (`PGSQLQueryStoreRuntime`, system queries excluded) it is the mean lock wait per execution, the plan's
 * "대기 시간". An estimate: a wait shorter than one period may be missed or counted as a whole period, so it is reliable
 * in aggregate, not per statement. Azure's own and background waits are excluded as Microsoft's sample queries on the
 * table exclude them (`UserId !in (10, 0)`, `QueryId != 0`). Without `bin`, the rule limits the query to its window
 * (one row); the workbook passes a bin to draw a series.
 */
export function lockWaitQuery(
  serverResourceId: string,
  alert: Pick<LogAlertDefinition, "measureColumn">,
  bin?: string,
): string {
  const id = kqlString(serverResourceId);
  const waits = [
    QUERY_STORE_WAITS_TABLE,
    `| where _ResourceId =~ ${id} and EventType == 'Lock' and UserId !in (10, 0) and QueryId != 0`,
  ];
  const executions = [QUERY_STORE_RUNTIME_TABLE, `| where _ResourceId =~ ${id} and IsSystemQuery == false`];
  const perExecution = `| extend ${alert.measureColumn} = iff(Executions > 0, coalesce(LockWaitMs, 0) / todouble(Executions), 0.0)`;
  if (!bin)
    return [
      `let LockWaitMs = toscalar(${waits.join(" ")} | summarize sum(Calls) * ${WAIT_SAMPLING_PERIOD_MS});`,
      ...executions,
      "| summarize Executions = sum(Calls) by _ResourceId",
      perExecution,
      `| project _ResourceId, ${alert.measureColumn}`,
    ].join("\n");
  return [
    `let waits = ${waits.join(" ")}`,
    `| summarize LockWaitMs = sum(Calls) * ${WAIT_SAMPLING_PERIOD_MS} by bin(TimeGenerated, ${bin});`,
    ...executions,
    `| summarize Executions = sum(Calls) by bin(TimeGenerated, ${bin})`,
    "| join kind=leftouter waits on TimeGenerated",
    perExecution,
    `| project TimeGenerated, ${alert.measureColumn}`,
  ].join("\n");
}

/** The query of a log alert on one server. */
export function logAlertQuery(serverResourceId: string, alert: LogAlertDefinition): string {
  switch (alert.key) {
    case "slowQueriesPerHour":
      return slowQueriesQuery(serverResourceId, alert);
    case "lockWaitMs":
      return lockWaitQuery(serverResourceId, alert);
    default:
      return queryResponseTimeQuery(serverResourceId, alert);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Diagnostic settings

/**
 * The category group every diagnostic setting sends: all log categories, including ones Azure adds later (Learn,
 * concepts-monitoring: every PostgreSQL category is "Included in category group (Diagnostic Settings): audit and allLogs").
 */
export const ALL_LOGS = "allLogs";

/**
 * The logs of every diagnostic setting: allLogs enabled, and the audit group listed but disabled. Microsoft's "Enable
 * logging by category group … to Log Analytics" definitions (Azure Policy 5fbd326d, cdd1dbc6, 6b359d8f; assigned with
 * categoryGroup=allLogs) count exactly one audit entry with enabled=false and one allLogs entry with enabled=true, and
 * their own deployment template writes this pair; with allLogs alone they report the resource and deploy a second
 * setting beside ours. The disabled entry loses nothing: every category in audit is also in allLogs.
 */
export const DIAGNOSTIC_LOG_GROUPS = [
  { categoryGroup: ALL_LOGS, enabled: true },
  { categoryGroup: "audit", enabled: false },
] as const;

/** The PostgreSQL Flexible Server log categories allLogs covers today (Learn, concepts-monitoring), for docs and tests. */
export const POSTGRES_LOG_CATEGORIES = [
  "PostgreSQLLogs",
  "PostgreSQLFlexSessions",
  "PostgreSQLFlexQueryStoreRuntime",
  "PostgreSQLFlexQueryStoreWaitStats",
  "PostgreSQLFlexTableStats",
  "PostgreSQLFlexDatabaseXacts",
  "PostgreSQLFlexPGBouncer",
] as const;

/** Key Vault audit trail (policy K7: CIS v3 6.1.4, Azure Policy cf820ca0). */
export const KEY_VAULT_LOG_CATEGORIES = ["AuditEvent"] as const;

export const ALL_METRICS = "AllMetrics";
/** Table where diagnostic settings deliver platform metrics, whatever the destination type. */
export const METRICS_TABLE = "AzureMetrics";
