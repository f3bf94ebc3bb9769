import { PROD_ONLY, T, armIdNames, obj, sameName, serversOf, stackRule, str } from "../../rule.js";

/** The per-server setting Microsoft's built-ins audit and deploy (Azure Policy d38668f5, 2a6ae02f). */
export const THREAT_PROTECTION_TYPE = "advancedThreatProtectionSettings";

/**
 * A3: mandatory in prod. Covered when the subscription's OpenSourceRelationalDatabases plan is Standard
 * (security:Pricing, Azure Policy 44433aa3), or when the server's own advancedThreatProtectionSettings/Default has
 * state Enabled (written through resources:Resource, as azure-native 3.28 has no class for it).
 */
export const enableDefenderForDatabases = stackRule({
  name: "postgres-enable-defender-for-databases",
  description: "Every PostgreSQL server is covered by Microsoft Defender for open-source relational databases.",
  severity: "medium",
  meta: {
    catalogueId: "A3",
    sources: ["AP 2a6ae02f", "AP d38668f5", "AP 44433aa3", "AP 0a9fbe0d"],
    enforcement: PROD_ONLY,
    why: "Defender flags brute-force sign-ins, anomalous access and SQL injection on the servers holding credentials.",
  },
  check: (resources, _args, report) => {
    const subscriptionPlan = resources.some(
      (r) =>
        r.type === T.pricing &&
        sameName(r.props.pricingName, "OpenSourceRelationalDatabases") &&
        sameName(r.props.pricingTier, "Standard"),
    );
    if (subscriptionPlan) return;
    const settings = resources.filter(
      (r) =>
        r.type === T.genericResource &&
        sameName(r.props.resourceProviderNamespace, "Microsoft.DBforPostgreSQL") &&
        sameName(r.props.resourceType, THREAT_PROTECTION_TYPE) &&
        sameName(obj(r.props.properties).state, "Enabled"),
    );
    for (const server of serversOf(resources)) {
      const covered = settings.some((s) =>
        armIdNames(`/${str(s.props.parentResourcePath) ?? ""}`, "flexibleServers", server.serverName),
      );
      if (!covered) {
        report(
          `server ${server.serverName} is not covered by Defender: set platform.defender.enabled (scope server writes its advancedThreatProtectionSettings with state Enabled; scope subscription buys the OpenSourceRelationalDatabases plan)`,
          server.resource.urn,
        );
      }
    }
  },
});
