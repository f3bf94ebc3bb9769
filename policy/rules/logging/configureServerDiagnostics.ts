import { PROD_ONLY, T, arr, obj, sameName, serversOf, stackRule, str, targetsServer } from "../../rule.js";

/**
 * The category group allLogs, as Microsoft's DeployIfNotExists definition deploys it (Azure Policy 78ed47da:
 * `"logs": [{"categoryGroup": "allLogs", …}]`): a list of categories misses every category Azure adds later.
 */
function sendsAllLogs(logs: unknown): boolean {
  return arr(logs).some((l) => obj(l).enabled === true && sameName(obj(l).categoryGroup, "allLogs"));
}

function sendsAllMetrics(metrics: unknown): boolean {
  return arr(metrics).some((m) => obj(m).enabled === true && sameName(obj(m).category, "AllMetrics"));
}

/** L9: the server's logs and metrics leave the server, so they outlive it and can be queried and alerted on. */
export const configureServerDiagnostics = stackRule({
  name: "monitoring-configure-server-diagnostics",
  description: "Every PostgreSQL server sends the allLogs category group and AllMetrics to a Log Analytics workspace.",
  severity: "high",
  meta: {
    catalogueId: "L9",
    sources: ["AP 78ed47da", "AP 5fbd326d", "AP cdd1dbc6"],
    enforcement: PROD_ONLY,
    why: "Server log files are deleted after logfiles.retention_days; the workspace keeps the audit trail and feeds the log alerts.",
  },
  check: (resources, _args, report) => {
    const settings = resources.filter((r) => r.type === T.diagnosticSetting);
    for (const server of serversOf(resources)) {
      const mine = settings.filter((d) => targetsServer(d, server, [], ["resourceUri"]));
      if (mine.length === 0) {
        report(`server ${server.serverName} has no diagnostic setting`, server.resource.urn);
        continue;
      }
      const complete = mine.some(
        (d) => str(d.props.workspaceId) !== undefined && sendsAllLogs(d.props.logs) && sendsAllMetrics(d.props.metrics),
      );
      if (!complete) {
        report(
          `server ${server.serverName}'s diagnostic setting must send the allLogs category group and AllMetrics to a Log Analytics workspace`,
          server.resource.urn,
        );
      }
    }
  },
});
