import { QUERY_STORE_WAITS_TABLE } from "../../../infra/monitoring/alerts.js";
import { PROD_ONLY, T, arr, obj, parameterValue, serversOf, shown, stackRule, str, targetsServer } from "../../rule.js";

/**
 * M6: a log alert on Query Store wait sampling (`PGSQLQueryStoreWaits`, the lock-wait alert) needs its server to
 * sample waits and Query Store to capture: Learn, concepts-query-store, "If `pg_qs.query_capture_mode` is `none`, the
 * `pgms_wait_sampling.query_capture_mode` setting has no effect"; concepts-monitoring, PostgreSQLFlexQueryStoreWaitStats
 * "Additional requirements: `pg_qs.query_capture_mode` must be set to either `top` or `all`, and
 * `pgms_wait_sampling.query_capture_mode` must be set to `on`" (its allowed values are `all,none`). The rule reads the
 * alert's query where it is known (the offline plan; a preview once the server exists — on a first preview the query
 * is built from the server's unknown id and the alert is not judged).
 */
export const requireWaitSampling = stackRule({
  name: "monitoring-require-wait-sampling",
  description:
    "A server with an enabled log alert on PGSQLQueryStoreWaits sets pgms_wait_sampling.query_capture_mode = all and pg_qs.query_capture_mode = top or all.",
  severity: "medium",
  meta: {
    catalogueId: "M6",
    sources: [
      "R-6.2.1",
      "Learn concepts-query-store: wait sampling options",
      "Learn concepts-monitoring: resource logs",
    ],
    enforcement: PROD_ONLY,
    why: "Wait sampling is off by default; the lock-wait alert (the plan's 대기_시간 < 50ms) would query a table nothing fills.",
  },
  check: (resources, _args, report) => {
    const waitAlerts = resources.filter(
      (r) =>
        r.type === T.scheduledQueryRule &&
        r.props.enabled !== false &&
        arr(obj(r.props.criteria).allOf).some((c) => str(obj(c).query)?.includes(QUERY_STORE_WAITS_TABLE)),
    );
    for (const server of serversOf(resources)) {
      const id = `/flexibleservers/${server.serverName.toLowerCase()}'`;
      const alerts = waitAlerts.filter(
        (a) =>
          arr(obj(a.props.criteria).allOf).some((c) => str(obj(c).query)?.toLowerCase().includes(id)) ||
          targetsServer(a, server, []),
      );
      if (alerts.length === 0) continue;
      const sampling = parameterValue(resources, server, "pgms_wait_sampling.query_capture_mode");
      const capture = parameterValue(resources, server, "pg_qs.query_capture_mode");
      const problems = [
        ...(sampling?.toLowerCase() === "all"
          ? []
          : [`pgms_wait_sampling.query_capture_mode is ${shown(sampling)}, must be "all"`]),
        ...(capture !== undefined && ["top", "all"].includes(capture.toLowerCase())
          ? []
          : [
              `pg_qs.query_capture_mode is ${shown(capture)}, must be "top" or "all" (wait sampling records nothing without it)`,
            ]),
      ];
      if (problems.length > 0)
        report(
          `server ${server.serverName} has the wait-sampling alert ${alerts.map((a) => a.name).join(", ")} but ${problems.join("; ")}`,
          server.resource.urn,
        );
    }
  },
});
