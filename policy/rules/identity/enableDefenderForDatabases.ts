import { ADVISORY, T, armIdNames, dependsOn, sameName, serversOf, stackRule } from "../../rule.js";

/** A3: advisory, because the Defender plan is usually bought per subscription by the security team, not per stack. */
export const enableDefenderForDatabases = stackRule({
  name: "postgres-enable-defender-for-databases",
  description: "Every PostgreSQL server should be covered by Microsoft Defender for open-source relational databases.",
  severity: "medium",
  meta: {
    catalogueId: "A3",
    sources: ["AP 2a6ae02f", "AP d38668f5", "AP 0a9fbe0d"],
    enforcement: ADVISORY,
    why: "Defender flags brute-force sign-ins and anomalous access; it is enabled per subscription (security.Pricing) or per server (security.AdvancedThreatProtection).",
  },
  check: (resources, _args, report) => {
    const subscriptionPlan = resources.some(
      (r) =>
        r.type === T.pricing &&
        sameName(r.props.pricingName, "OpenSourceRelationalDatabases") &&
        sameName(r.props.pricingTier, "Standard"),
    );
    if (subscriptionPlan) return;
    const settings = resources.filter((r) => r.type === T.threatProtection && r.props.isEnabled === true);
    for (const server of serversOf(resources)) {
      const covered = settings.some(
        (s) => armIdNames(s.props.resourceId, "flexibleServers", server.serverName) || dependsOn(s, server.resource),
      );
      if (!covered) {
        report(
          `server ${server.serverName} is not covered by Defender: add security.AdvancedThreatProtection (isEnabled: true) on it, or confirm the subscription's OpenSourceRelationalDatabases plan is Standard`,
          server.resource.urn,
        );
      }
    }
  },
});
