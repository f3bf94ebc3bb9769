import { EVERYWHERE, T, arr, armIdNames, dependsOn, obj, serversOf, stackRule, str } from "../../rule.js";

/** N2: every server is reachable only through the VNet: delegated subnet + private DNS zone, or a private endpoint. */
export const requirePrivateAccess = stackRule({
  name: "postgres-require-private-access",
  description:
    "Every PostgreSQL server is VNet-integrated (delegated subnet and private DNS zone) or has a private endpoint.",
  severity: "high",
  meta: {
    catalogueId: "N2",
    sources: ["CKV2_AZURE_57", "AP 5375a5bb", "AP 5e1de0e3"],
    enforcement: EVERYWHERE,
    why: "Private access is what lets the NSG (N5) decide who reaches port 5432; without it the server has no private path at all.",
  },
  check: (resources, _args, report) => {
    const endpoints = resources.filter((r) => r.type === T.privateEndpoint);
    for (const server of serversOf(resources)) {
      const network = obj(server.resource.props.network);
      const vnetIntegrated =
        str(network.delegatedSubnetResourceId) !== undefined && str(network.privateDnsZoneArmResourceId) !== undefined;
      const endpoint = endpoints.some((pe) =>
        arr(pe.props.privateLinkServiceConnections).some((c) => {
          const conn = obj(c);
          return (
            arr(conn.groupIds).includes("postgresqlServer") &&
            (armIdNames(conn.privateLinkServiceId, "flexibleServers", server.serverName) ||
              dependsOn(pe, server.resource))
          );
        }),
      );
      if (!vnetIntegrated && !endpoint) {
        report(
          `server ${server.serverName} has no private access: set network.delegatedSubnetResourceId and network.privateDnsZoneArmResourceId, or add a private endpoint (groupId postgresqlServer)`,
          server.resource.urn,
        );
      }
    }
  },
});
