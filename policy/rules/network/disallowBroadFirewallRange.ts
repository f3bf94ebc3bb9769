import { EVERYWHERE, T, resourceRule, str } from "../../rule.js";

/** N4: ranges starting at 0.0.0.0 or ending at 255.255.255.255 open the server to most of the internet. */
export const disallowBroadFirewallRange = resourceRule({
  name: "postgres-disallow-broad-firewall-range",
  description: "No firewall rule may start at 0.0.0.0 or end at 255.255.255.255.",
  severity: "critical",
  type: T.firewallRule,
  meta: {
    catalogueId: "N4",
    sources: ["CKV2_AZURE_26", "AZU-0029"],
    enforcement: EVERYWHERE,
    why: "An over-broad range is an allow-all rule with extra steps.",
  },
  check: (props, _args, report) => {
    const start = str(props.startIpAddress);
    const end = str(props.endIpAddress);
    // 0.0.0.0 – 0.0.0.0 is the "Azure services" rule: N3 reports it.
    if (start === "0.0.0.0" && end === "0.0.0.0") return;
    if (start === "0.0.0.0" || end === "255.255.255.255") {
      report(
        `firewall rule ${str(props.firewallRuleName) ?? "?"} spans ${start ?? "?"} – ${end ?? "?"}, which is open to the internet: narrow it to the clients that need it`,
      );
    }
  },
});
