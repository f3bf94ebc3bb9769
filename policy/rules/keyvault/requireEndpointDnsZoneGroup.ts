import { EVERYWHERE, T, arr, armIdNames, dependsOn, obj, sameName, stackRule, str } from "../../rule.js";
import { VAULT_PRIVATE_DNS_ZONE } from "./requirePrivateEndpoint.js";

export const PRIVATE_DNS_ZONE_GROUP_TYPE = "azure-native:network:PrivateDnsZoneGroup";

/**
 * K4 (DNS registration): the zone alone (K4's own rule) resolves nothing; the endpoint's private DNS zone group is what
 * writes the vault's A record into it. Azure Policy ac673a9a-…-01d4 ("Configure Azure Key Vaults to use private DNS
 * zones") deploys a privateDnsZoneGroups child on every private endpoint with groupId vault that has none.
 */
export const requireEndpointDnsZoneGroup = stackRule({
  name: "keyvault-require-endpoint-dns-zone-group",
  description:
    "Every private endpoint with groupId vault has a private DNS zone group that names the privatelink.vaultcore.azure.net zone.",
  severity: "high",
  meta: {
    catalogueId: "K4",
    sources: ["AP ac673a9a-f77d-4846-b2d8-a57f8e1c01d4"],
    enforcement: EVERYWHERE,
    why: "Without the zone group the vault's name never resolves to the endpoint, and with public access off the workloads cannot read their passwords.",
  },
  check: (resources, _args, report) => {
    const zones = resources.filter(
      (r) => r.type === T.privateZone && sameName(r.props.privateZoneName ?? r.props.name, VAULT_PRIVATE_DNS_ZONE),
    );
    const groups = resources.filter((r) => r.type === PRIVATE_DNS_ZONE_GROUP_TYPE);
    const endpoints = resources.filter(
      (r) =>
        r.type === T.privateEndpoint &&
        arr(r.props.privateLinkServiceConnections).some((c) => arr(obj(c).groupIds).includes("vault")),
    );
    for (const pe of endpoints) {
      const peName = str(pe.props.privateEndpointName) ?? pe.name;
      const registered = groups.some(
        (g) =>
          (typeof g.props.privateEndpointName === "string"
            ? sameName(g.props.privateEndpointName, peName)
            : dependsOn(g, pe)) &&
          arr(g.props.privateDnsZoneConfigs).some((c) => {
            const zoneId = obj(c).privateDnsZoneId;
            return typeof zoneId === "string"
              ? armIdNames(zoneId, "privateDnsZones", VAULT_PRIVATE_DNS_ZONE)
              : zones.some((z) => dependsOn(g, z));
          }),
      );
      if (!registered) {
        report(
          `private endpoint ${peName} (groupId vault) has no private DNS zone group naming ${VAULT_PRIVATE_DNS_ZONE}: the vault's name would not resolve to the endpoint`,
          pe.urn,
        );
      }
    }
  },
});
