import { FLEXIBLE_SERVER_METRICS } from "../../../infra/monitoring/flexible-server-metrics.js";
import { PROD_ONLY, T, arr, obj, parameterValue, serversOf, shown, stackRule, str, targetsServer } from "../../rule.js";

/** The metrics Learn lists "Default enabled: No" (enhanced metrics), lower-cased as the rule compares them. */
export const ENHANCED_METRICS: ReadonlySet<string> = new Set(
  FLEXIBLE_SERVER_METRICS.filter((m) => m.needsEnhancedMetrics).map((m) => m.name.toLowerCase()),
);

/** The parameter that makes a server emit them, and the value that does. */
export const ENHANCED_METRICS_PARAMETER = "metrics.collector_database_activity";

/**
 * M5: an alert on a metric the server does not emit never fires. Learn, concepts-monitoring (Enhanced metrics): "To
 * enable these metrics, set the server parameter `metrics.collector_database_activity` to `ON`." `deadlocks` is one
 * ("Default enabled: No"); the list is infra/monitoring/flexible-server-metrics.ts.
 */
export const requireEnhancedMetrics = stackRule({
  name: "monitoring-require-enhanced-metrics",
  description:
    "A server with an enabled alert on an enhanced metric (deadlocks, …) sets metrics.collector_database_activity = on.",
  severity: "medium",
  meta: {
    catalogueId: "M5",
    sources: ["R-6.2.1", "Learn concepts-monitoring: Enhanced metrics, metrics.collector_database_activity"],
    enforcement: PROD_ONLY,
    why: "Enhanced metrics are off by default; the deadlock alert (the plan's 데드락 0건) would watch a metric that never arrives.",
  },
  check: (resources, _args, report) => {
    const alerts = resources.filter((r) => r.type === T.metricAlert && r.props.enabled === true);
    for (const server of serversOf(resources)) {
      const watched = alerts
        .filter((a) => targetsServer(a, server, [], ["scopes"]))
        .flatMap((a) => arr(obj(a.props.criteria).allOf).map((c) => str(obj(c).metricName)?.toLowerCase()))
        .filter((m): m is string => m !== undefined && ENHANCED_METRICS.has(m));
      if (watched.length === 0) continue;
      const value = parameterValue(resources, server, ENHANCED_METRICS_PARAMETER);
      if (value?.toLowerCase() !== "on")
        report(
          `server ${server.serverName} alerts on the enhanced metric ${[...new Set(watched)].join(", ")} but ${ENHANCED_METRICS_PARAMETER} is ${shown(value)}, must be "on"`,
          server.resource.urn,
        );
    }
  },
});
