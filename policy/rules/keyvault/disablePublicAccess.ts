import { EVERYWHERE, T, obj, resourceRule, sameName, str } from "../../rule.js";

/** K3: the vault holds every database password; it answers on the private endpoint only. */
export const disablePublicAccess = resourceRule({
  name: "keyvault-disable-public-access",
  description: "Key vaults disable public network access or deny it by default in their firewall.",
  severity: "critical",
  type: T.vault,
  meta: {
    catalogueId: "K3",
    sources: [
      "AP 405c5871",
      "AP 55615ac9",
      "AP ac673a9a-f77d-4846-b2d8-a57f8e1c01dc",
      "CKV_AZURE_189",
      "CKV_AZURE_109",
      "AZU-0013",
    ],
    enforcement: EVERYWHERE,
    why: "A publicly reachable vault is one stolen token away from leaking every password.",
  },
  check: (props, _args, report) => {
    const p = obj(props.properties);
    if (!sameName(p.publicNetworkAccess, "Disabled") && !sameName(obj(p.networkAcls).defaultAction, "Deny")) {
      report(
        `vault ${str(props.vaultName) ?? "?"} is reachable from public networks: set properties.publicNetworkAccess=Disabled (or networkAcls.defaultAction=Deny)`,
      );
    }
  },
});
