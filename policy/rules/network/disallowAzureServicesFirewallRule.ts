import { EVERYWHERE, T, resourceRule, str } from "../../rule.js";

/** N3: the 0.0.0.0–0.0.0.0 rule admits every Azure tenant's resources, not just ours. */
export const disallowAzureServicesFirewallRule = resourceRule({
  name: "postgres-disallow-azure-services-firewall-rule",
  description: "No firewall rule may allow all Azure services (0.0.0.0 – 0.0.0.0).",
  severity: "critical",
  type: T.firewallRule,
  meta: {
    catalogueId: "N3",
    sources: ["CIS v3 5.2.5", "PR postgresql_flexible_server_allow_access_services_disabled"],
    enforcement: EVERYWHERE,
    why: "“Allow Azure services” admits any Azure customer's workloads, so it is public access in disguise.",
  },
  check: (props, _args, report) => {
    if (str(props.startIpAddress) === "0.0.0.0" && str(props.endIpAddress) === "0.0.0.0") {
      report(
        `firewall rule ${str(props.firewallRuleName) ?? "?"} allows all Azure services (0.0.0.0 – 0.0.0.0): remove it`,
      );
    }
  },
});
