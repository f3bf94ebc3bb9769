import { EVERYWHERE, T, obj, resourceRule, str } from "../../rule.js";

/** N1: a server reachable from the internet is one leaked password away from a breach. */
export const disallowPublicNetworkAccess = resourceRule({
  name: "postgres-disallow-public-network-access",
  description: "PostgreSQL flexible servers must not accept connections over public network access.",
  severity: "critical",
  type: T.server,
  meta: {
    catalogueId: "N1",
    sources: ["AP 5e1de0e3", "CKV_AZURE_68", "AZU-0022"],
    enforcement: EVERYWHERE,
    why: "A public endpoint exposes the database to the internet; VNet integration keeps it on the private network.",
  },
  check: (props, _args, report) => {
    const network = obj(props.network);
    const access = str(network.publicNetworkAccess);
    if (access !== undefined && access.toLowerCase() === "enabled") {
      report(`server ${str(props.serverName) ?? "?"} sets network.publicNetworkAccess=Enabled: set it to Disabled`);
    } else if (access === undefined && str(network.delegatedSubnetResourceId) === undefined) {
      // Without a delegated subnet Azure defaults to public access.
      report(
        `server ${str(props.serverName) ?? "?"} has neither network.publicNetworkAccess=Disabled nor a delegated subnet`,
      );
    }
  },
});
