import { EVERYWHERE, T, arr, armIdNames, dependsOn, obj, sameName, stackRule, str } from "../../rule.js";

export const VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

/** K4: with public access off (K3), the private endpoint and its DNS zone are the only way to reach the vault. */
export const requirePrivateEndpoint = stackRule({
  name: "keyvault-require-private-endpoint",
  description:
    "Every key vault has a private endpoint (groupId vault) and the stack has the privatelink.vaultcore.azure.net zone.",
  severity: "high",
  meta: {
    catalogueId: "K4",
    sources: ["CKV2_AZURE_32", "AP a6abeaec", "AP 9d4fad1f", "CIS v3 3.3.7"],
    enforcement: EVERYWHERE,
    why: "The workloads read passwords over the private endpoint; without the zone the vault name resolves to its public address.",
  },
  check: (resources, _args, report) => {
    const endpoints = resources.filter((r) => r.type === T.privateEndpoint);
    const zone = resources.some(
      (r) => r.type === T.privateZone && sameName(r.props.privateZoneName ?? r.props.name, VAULT_PRIVATE_DNS_ZONE),
    );
    for (const vault of resources.filter((r) => r.type === T.vault)) {
      const name = str(vault.props.vaultName) ?? vault.name;
      const endpoint = endpoints.some((pe) =>
        arr(pe.props.privateLinkServiceConnections).some((c) => {
          const conn = obj(c);
          return (
            arr(conn.groupIds).includes("vault") &&
            (armIdNames(conn.privateLinkServiceId, "vaults", name) || dependsOn(pe, vault))
          );
        }),
      );
      if (!endpoint) report(`vault ${name} has no private endpoint with groupId vault`, vault.urn);
      if (!zone) report(`vault ${name}: the stack has no ${VAULT_PRIVATE_DNS_ZONE} private DNS zone`, vault.urn);
    }
  },
});
