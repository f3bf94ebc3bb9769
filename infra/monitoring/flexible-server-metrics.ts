/**
 * The Azure Database for PostgreSQL Flexible Server metrics and Log Analytics tables the workbook and the alert pack
 * may name, as data with their source, so a test can refuse a query on a metric or table that does not exist.
 *
 * Metrics: Learn "Monitor metrics in Azure Database for PostgreSQL" (MicrosoftDocs/azure-databases-docs
 * articles/postgresql/monitor/concepts-monitoring.md @ 0200b8f33c43283e8c247f6c6352626cfab38bab, ms.date 12/11/2025),
 * tables "Default Metrics", "Enhanced metrics", "Database availability metric". Enhanced metrics marked "Default enabled:
 * No" need `metrics.collector_database_activity` = ON ("This parameter is dynamic and doesn't require an instance
 * restart"). The category is the group workbooks show before the metric id (Microsoft's own Flexible Server workbook
 * templates, microsoft/Application-Insights-Workbooks "Workbooks/PostgreSQL Flexible Server", spell ids
 * `microsoft.dbforpostgresql/flexibleservers-<Category>-<metric>`).
 */

export type MetricUnit = "Percent" | "Count" | "CountPerSecond" | "Seconds" | "Bytes";

export interface FlexibleServerMetric {
  readonly name: string;
  readonly displayName: string;
  readonly unit: MetricUnit;
  readonly category: "Saturation" | "Traffic" | "Errors" | "Availability" | "Database" | "Replication";
  /** True when Learn lists it "Default enabled: No" (needs metrics.collector_database_activity = ON). */
  readonly needsEnhancedMetrics: boolean;
  /** "primary" or "replica" when Learn says the metric exists on one of them only. */
  readonly onlyOn?: "primary" | "replica";
}

const m = (
  name: string,
  displayName: string,
  unit: MetricUnit,
  category: FlexibleServerMetric["category"],
  needsEnhancedMetrics = false,
  onlyOn?: "primary" | "replica",
): FlexibleServerMetric => ({ name, displayName, unit, category, needsEnhancedMetrics, ...(onlyOn ? { onlyOn } : {}) });

export const FLEXIBLE_SERVER_METRICS: readonly FlexibleServerMetric[] = [
  m("active_connections", "Active Connections", "Count", "Traffic"),
  m("backup_storage_used", "Backup Storage Used", "Bytes", "Saturation"),
  m("connections_failed", "Failed Connections", "Count", "Errors"),
  m("connections_succeeded", "Succeeded Connections", "Count", "Traffic"),
  m("cpu_percent", "CPU percent", "Percent", "Saturation"),
  m("iops", "IOPS", "Count", "Saturation"),
  m("memory_percent", "Memory percent", "Percent", "Saturation"),
  m("storage_percent", "Storage percent", "Percent", "Saturation"),
  m("storage_used", "Storage Used", "Bytes", "Saturation"),
  m("disk_iops_consumed_percentage", "Disk IOPS Consumed Percentage", "Percent", "Saturation"),
  m("is_db_alive", "Database Is Alive", "Count", "Availability"),
  m("deadlocks", "Deadlocks", "Count", "Database", true),
  // "This metric is applicable and available on replicas only" / "on the primary server only" (concepts-read-replicas).
  m("physical_replication_delay_in_seconds", "Read Replica Lag", "Seconds", "Replication", false, "replica"),
  m("physical_replication_delay_in_bytes", "Max Physical Replication Lag", "Bytes", "Replication", false, "primary"),
];

export function flexibleServerMetric(name: string): FlexibleServerMetric | undefined {
  return FLEXIBLE_SERVER_METRICS.find((x) => x.name === name);
}

/**
 * Log Analytics tables the workbook queries, with the columns it uses. PGSQL* tables: resource-specific tables of the
 * diagnostic categories (concepts-monitoring.md, "Azure Database for PostgreSQL resource logs"; columns
 * LogicalServerName, Message, TimeGenerated in how-to-configure-and-access-logs.md). PGSQLQueryStoreWaits columns
 * (Calls, EventType, Event, QueryId, UserId): Azure Monitor table reference
 * https://learn.microsoft.com/azure/azure-monitor/reference/tables/pgsqlquerystorewaits, read through its Azure China
 * copy docs.azure.cn/en-us/azure-monitor/reference/tables/pgsqlquerystorewaits ("Calls | long | Number of the same
 * event captured for this entry. Entries are aggregated by time buckets.") and Microsoft's sample queries on the table
 * (docs.azure.cn …/reference/queries/pgsqlquerystorewaits: "where UserId !in (10,0) //excludes azure managed user and
 * system calls", "where QueryId != 0 //excludes system calls, background workers and idle sessions"). AzureMetrics: azure-reference-other azure-monitor-ref/tables/azuremetrics.md
 * (lists "Azure Database for PostgreSQL Flexible Servers"; columns MetricName, Average, Maximum, Total, _ResourceId).
 */
export const LOG_TABLES: Readonly<Record<string, readonly string[]>> = {
  AzureMetrics: ["TimeGenerated", "_ResourceId", "MetricName", "Average", "Maximum", "Minimum", "Total"],
  PGSQLServerLogs: ["TimeGenerated", "_ResourceId", "LogicalServerName", "Message"],
  PGSQLQueryStoreRuntime: ["TimeGenerated", "_ResourceId", "TotalExecDurationMs", "Calls", "IsSystemQuery"],
  PGSQLQueryStoreWaits: ["TimeGenerated", "_ResourceId", "Calls", "EventType", "Event", "QueryId", "UserId"],
};

/**
 * Azure Resource Graph table of Resource Health, as Microsoft's own workbook templates query it
 * (`HealthResources | where type =~ 'microsoft.resourcehealth/availabilitystatuses' or type =~
 * 'microsoft.resourcehealth/resourceannotations'`, microsoft/Application-Insights-Workbooks).
 */
export const RESOURCE_GRAPH_TABLES = ["HealthResources"] as const;

/** Query Store samples wait events every `pgms_wait_sampling.history_period` ms: default 100 (concepts-query-store). */
export const WAIT_SAMPLING_PERIOD_MS = 100;
