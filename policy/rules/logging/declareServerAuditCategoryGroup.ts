import { PROD_ONLY, T, arr, obj, sameName, serversOf, stackRule, str, targetsServer } from "../../rule.js";

/**
 * Whether a diagnostic setting's logs have the shape Microsoft's "Enable logging by category group … to Log Analytics"
 * definitions look for when assigned with categoryGroup=allLogs (Azure Policy 5fbd326d, cdd1dbc6, 6b359d8f): their
 * existenceCondition counts exactly one `audit` entry whose `enabled` equals `categoryGroup == 'audit'` (false) and
 * exactly one `allLogs` entry whose `enabled` equals `categoryGroup == 'allLogs'` (true). A setting with allLogs alone has
 * no audit entry, so the count is 0 and the definition reports the resource (and its DeployIfNotExists adds a second
 * setting, setByPolicy-LogAnalytics). The definitions deploy exactly this pair themselves.
 */
export function hasCategoryGroupPair(logs: unknown): boolean {
  const entries = arr(logs).map(obj);
  const count = (group: string, enabled: boolean) =>
    entries.filter((e) => sameName(e.categoryGroup, group) && e.enabled === enabled).length;
  return count("audit", false) === 1 && count("allLogs", true) === 1;
}

/**
 * L9 (built-in shape): mandatory in prod. Every category of a flexible server is in both groups (Learn, concepts-monitoring:
 * "Included in category group (Diagnostic Settings): audit and allLogs"), so the disabled audit entry loses nothing; it
 * exists only so Azure Policy finds the platform's setting (infra/monitoring/alerts.ts DIAGNOSTIC_LOG_GROUPS writes it).
 */
export const declareServerAuditCategoryGroup = stackRule({
  name: "monitoring-declare-server-audit-category-group",
  description:
    "Every PostgreSQL server's Log Analytics diagnostic setting lists the audit category group (disabled) beside the enabled allLogs group, the pair Azure Policy 5fbd326d/cdd1dbc6 count.",
  severity: "low",
  meta: {
    catalogueId: "L9",
    sources: ["AP 5fbd326d", "AP cdd1dbc6"],
    enforcement: PROD_ONLY,
    why: "Microsoft's category-group definitions count one audit and one allLogs entry; with allLogs alone they report every server and deploy a second setting.",
  },
  check: (resources, _args, report) => {
    const settings = resources.filter((r) => r.type === T.diagnosticSetting);
    for (const server of serversOf(resources)) {
      const paired = settings.some(
        (d) =>
          targetsServer(d, server, [], ["resourceUri"]) &&
          str(d.props.workspaceId) !== undefined &&
          hasCategoryGroupPair(d.props.logs),
      );
      if (!paired) {
        report(
          `server ${server.serverName} has no Log Analytics diagnostic setting with exactly one {categoryGroup: audit, enabled: false} and one {categoryGroup: allLogs, enabled: true} entry: Azure Policy 5fbd326d/cdd1dbc6 (categoryGroup=allLogs) report it and deploy a second setting`,
          server.resource.urn,
        );
      }
    }
  },
});
