import { PROD_ONLY, T, arr, obj, sameName, serversOf, stackRule, str, targetsServer } from "../../rule.js";

/** Log selections that include the PostgreSQL server log (and with it the pgaudit records). */
function sendsServerLogs(logs: unknown): boolean {
  return arr(logs).some((l) => {
    const e = obj(l);
    return (
      e.enabled === true &&
      (sameName(e.categoryGroup, "allLogs") ||
        sameName(e.categoryGroup, "audit") ||
        sameName(e.category, "PostgreSQLLogs"))
    );
  });
}

function sendsAllMetrics(metrics: unknown): boolean {
  return arr(metrics).some((m) => obj(m).enabled === true && sameName(obj(m).category, "AllMetrics"));
}

/** L9: the server's logs and metrics leave the server, so they outlive it and can be queried and alerted on. */
export const configureServerDiagnostics = stackRule({
  name: "monitoring-configure-server-diagnostics",
  description:
    "Every PostgreSQL server sends its logs (all logs or the audit group) and AllMetrics to a Log Analytics workspace.",
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
        (d) =>
          str(d.props.workspaceId) !== undefined && sendsServerLogs(d.props.logs) && sendsAllMetrics(d.props.metrics),
      );
      if (!complete) {
        report(
          `server ${server.serverName}'s diagnostic setting must send allLogs (or the audit group) and AllMetrics to a Log Analytics workspace`,
          server.resource.urn,
        );
      }
    }
  },
});
