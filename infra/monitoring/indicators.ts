/**
 * The install plan's performance indicators (R-6.2.1 성능 모니터링, 주요 메트릭) as data: the plan's target for each, and the
 * Azure signal behind it. Where the alert pack already watches the indicator, the signal is the alert catalogue's own
 * entry (METRIC_CATALOGUE, by key) so the workbook and the alerts read one definition. The plan's targets are goals;
 * the alert thresholds (config) are where someone is paged — the workbook draws both.
 */
import { METRIC_CATALOGUE, type MetricAggregation, type MetricAlertKey } from "./alerts.js";
import type { ServerRole } from "../types.js";

export type TargetOperator = "<" | ">" | "=";

export interface PlanTarget {
  readonly operator: TargetOperator;
  readonly value: number;
  readonly unit: string;
}

export type IndicatorSignal =
  | {
      readonly kind: "metric";
      readonly metricName: string;
      readonly aggregation: MetricAggregation;
      /** The alert that watches the same metric, when there is one. */
      readonly alertKey?: MetricAlertKey;
      /** Scale applied before drawing (is_db_alive 0/1 → availability %). */
      readonly scale?: number;
    }
  | { readonly kind: "averageResponseTime"; readonly alertKey: "queryResponseTimeMs" }
  | { readonly kind: "slowQueriesPerHour"; readonly alertKey: "slowQueriesPerHour" }
  | { readonly kind: "lockWaitPerExecution"; readonly alertKey: "lockWaitMs" }
  | { readonly kind: "resourceHealth" }
  | { readonly kind: "backups" };

export interface PlanIndicator {
  readonly key: string;
  readonly title: string;
  /** The plan's wording, so a reader can find it. */
  readonly planItem: string;
  readonly target: PlanTarget;
  readonly roles: readonly ServerRole[];
  readonly signal: IndicatorSignal;
  /** A server setting the signal depends on, shown beside the chart. */
  readonly requires?: string;
}

const BOTH: readonly ServerRole[] = ["primary", "replica"];

/** The signal of a metric the alert pack watches: metric and aggregation come from the alert catalogue. */
function alerted(key: MetricAlertKey, scale?: number): IndicatorSignal {
  const spec = METRIC_CATALOGUE.find((s) => s.key === key);
  if (!spec) throw new Error(`${key} is not in the alert catalogue`);
  return {
    kind: "metric",
    metricName: spec.metricName,
    aggregation: spec.timeAggregation,
    alertKey: key,
    ...(scale ? { scale } : {}),
  };
}

/** Roles of an alert-backed indicator follow the alert catalogue (replica lag exists on replicas only). */
function rolesOf(key: MetricAlertKey): readonly ServerRole[] {
  return METRIC_CATALOGUE.find((s) => s.key === key)?.roles ?? BOTH;
}

export const PLAN_INDICATORS: readonly PlanIndicator[] = [
  {
    key: "cpu",
    title: "CPU utilisation",
    planItem: "R-6.2.1 성능_메트릭 CPU_사용률 < 80%",
    target: { operator: "<", value: 80, unit: "%" },
    roles: BOTH,
    signal: alerted("cpuPercent"),
  },
  {
    key: "memory",
    title: "Memory utilisation",
    planItem: "R-6.2.1 메모리_사용률 < 85%",
    target: { operator: "<", value: 85, unit: "%" },
    roles: BOTH,
    signal: alerted("memoryPercent"),
  },
  {
    key: "iops",
    title: "Disk IOPS",
    planItem: "R-6.2.1 디스크_IOPS < 2500",
    target: { operator: "<", value: 2500, unit: "IOPS" },
    roles: BOTH,
    // The alert watches the share of the P30 tier consumed (disk_iops_consumed_percentage); the plan counts IOPS.
    signal: { kind: "metric", metricName: "iops", aggregation: "Average" },
  },
  {
    key: "connections",
    title: "Connections",
    planItem: "R-6.2.1 연결_수 < 80개",
    target: { operator: "<", value: 80, unit: "connections" },
    roles: BOTH,
    signal: alerted("activeConnections"),
  },
  {
    key: "responseTime",
    title: "Average response time (Query Store)",
    planItem: "R-6.2.1 쿼리_성능 평균_응답시간 < 100ms",
    target: { operator: "<", value: 100, unit: "ms" },
    roles: BOTH,
    signal: { kind: "averageResponseTime", alertKey: "queryResponseTimeMs" },
    requires: "pg_qs.query_capture_mode = top (declared); Query Store records nothing on a read replica",
  },
  {
    key: "slowQueries",
    title: "Slow queries per hour (server log)",
    planItem: "R-6.2.1 슬로우_쿼리 < 5개/시간",
    target: { operator: "<", value: 5, unit: "per hour" },
    roles: BOTH,
    signal: { kind: "slowQueriesPerHour", alertKey: "slowQueriesPerHour" },
    requires: "log_min_duration_statement = 1000 ms (declared): a slow query is one logged with its duration",
  },
  {
    key: "deadlocks",
    title: "Deadlocks",
    planItem: "R-6.2.1 데드락 0건",
    target: { operator: "=", value: 0, unit: "deadlocks" },
    roles: BOTH,
    signal: alerted("deadlocks"),
    requires: "metrics.collector_database_activity = on (declared; enhanced metric, off by default)",
  },
  {
    key: "lockWait",
    title: "Lock wait per execution (Query Store wait sampling)",
    planItem: "R-6.2.1 대기_시간 < 50ms",
    target: { operator: "<", value: 50, unit: "ms" },
    roles: BOTH,
    signal: { kind: "lockWaitPerExecution", alertKey: "lockWaitMs" },
    requires:
      "pgms_wait_sampling.query_capture_mode = all (declared) with Query Store on; waits are samples every 100 ms, so this is an estimate; nothing is recorded on a read replica",
  },
  {
    key: "uptime",
    title: "Availability",
    planItem: "R-6.2.1 가용성_지표 서버_가동률 > 99.9%",
    target: { operator: ">", value: 99.9, unit: "%" },
    roles: BOTH,
    signal: alerted("serverDown", 100),
  },
  {
    key: "replicaLag",
    title: "Replica lag",
    planItem: "R-3.2.1 복제_지연 < 5초",
    target: { operator: "<", value: 5, unit: "s" },
    roles: rolesOf("replicaLagSeconds"),
    signal: alerted("replicaLagSeconds"),
  },
  {
    key: "failover",
    title: "Failover and health events (Resource Health)",
    planItem: "R-6.2.1 장애조치_시간 < 60초 (Azure publishes 60–120 s, docs/decisions.md D4)",
    target: { operator: "<", value: 60, unit: "s" },
    roles: BOTH,
    signal: { kind: "resourceHealth" },
  },
  {
    key: "backups",
    title: "Backups",
    planItem: "R-6.2.1 백업_성공률 100%",
    target: { operator: "=", value: 100, unit: "%" },
    roles: ["primary"],
    // "No backups are taken from read replicas" (concepts-read-replicas).
    signal: { kind: "backups" },
  },
];

export function indicatorsFor(role: ServerRole): PlanIndicator[] {
  return PLAN_INDICATORS.filter((i) => i.roles.includes(role));
}
