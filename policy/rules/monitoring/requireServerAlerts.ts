import type { PolicyResource } from "@pulumi/policy";
import { PROD_ONLY, T, arr, obj, serversToday, stackRule, str, targetsServer, type ServerView } from "../../rule.js";

/** What must be watched on every server, each satisfied by any of the listed metrics. */
export const SERVER_ALERT_METRICS: Readonly<Record<string, readonly string[]>> = {
  down: ["is_db_alive"],
  cpu: ["cpu_percent"],
  memory: ["memory_percent"],
  connections: ["active_connections"],
  storage: ["storage_percent", "storage_used"],
  // 데드락 0건: the enhanced metric (M5 checks the server emits it).
  deadlocks: ["deadlocks"],
};
/** What must additionally be watched on every replica. */
export const REPLICA_ALERT_METRICS: Readonly<Record<string, readonly string[]>> = {
  "replication lag": ["physical_replication_delay_in_seconds", "physical_replication_delay_in_bytes"],
};

/** Metric names an enabled metric alert on the server watches. */
function watchedMetrics(alerts: readonly PolicyResource[], server: ServerView): Set<string> {
  const out = new Set<string>();
  for (const alert of alerts) {
    if (alert.props.enabled !== true || !targetsServer(alert, server, [], ["scopes"])) continue;
    for (const c of arr(obj(alert.props.criteria).allOf)) {
      const metric = str(obj(c).metricName);
      if (metric) out.add(metric.toLowerCase());
    }
  }
  return out;
}

/** M1: an outage, saturation or a lagging replica reaches the on-call channel before the users notice. */
export const requireServerAlerts = stackRule({
  name: "monitoring-require-server-alerts",
  description:
    "Every PostgreSQL server has enabled metric alerts for down, CPU, memory, connections, storage and deadlocks; every replica also for replication lag.",
  severity: "high",
  meta: {
    catalogueId: "M1",
    sources: ["R-8.2.2", "R-6.2.1"],
    enforcement: PROD_ONLY,
    why: "No external rule set covers PostgreSQL alerts; the plan lists them, and a server nobody watches fails silently.",
  },
  check: (resources, _args, report) => {
    const alerts = resources.filter((r) => r.type === T.metricAlert);
    for (const server of serversToday(resources)) {
      const watched = watchedMetrics(alerts, server);
      const required = server.isReplica ? { ...SERVER_ALERT_METRICS, ...REPLICA_ALERT_METRICS } : SERVER_ALERT_METRICS;
      const missing = Object.entries(required)
        .filter(([, metrics]) => !metrics.some((m) => watched.has(m)))
        .map(([what, metrics]) => `${what} (${metrics.join(" or ")})`);
      if (missing.length > 0)
        report(`server ${server.serverName} has no enabled alert for ${missing.join(", ")}`, server.resource.urn);
    }
  },
});
