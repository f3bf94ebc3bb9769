import { EVERYWHERE, T, obj, resourceRule, str } from "../../rule.js";

/** K2: access policies grant vault-wide rights and bypass Entra PIM; RBAC can grant read on secrets only. */
export const enableRbacAuthorization = resourceRule({
  name: "keyvault-enable-rbac-authorization",
  description: "Key vaults use the Azure RBAC permission model.",
  severity: "high",
  type: T.vault,
  meta: {
    catalogueId: "K2",
    sources: ["AP 12d4fa5e", "PR keyvault_rbac_enabled", "CIS v3 3.3.6"],
    enforcement: EVERYWHERE,
    why: "RBAC is what lets K8 give the application read access to secrets and nothing else.",
  },
  check: (props, _args, report) => {
    if (obj(props.properties).enableRbacAuthorization !== true) {
      report(`vault ${str(props.vaultName) ?? "?"} does not set properties.enableRbacAuthorization=true`);
    }
  },
});
