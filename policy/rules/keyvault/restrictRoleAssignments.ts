import { EVERYWHERE, T, armIdNames, dependsOn, stackRule, str } from "../../rule.js";

/** Built-in role definition GUIDs (stable across tenants). */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
export const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

function roleGuid(roleDefinitionId: unknown): string {
  return (str(roleDefinitionId) ?? "").split("/").pop()?.toLowerCase() ?? "";
}

/** The secret an assignment's scope names (…/vaults/<vault>/secrets/<secret>), or undefined for the whole vault. */
function secretOfScope(scope: unknown): string | undefined {
  return /\/vaults\/[^/]+\/secrets\/([^/]+)$/i.exec(str(scope) ?? "")?.[1];
}

/**
 * K8: on a vault, every role assignment grants "Key Vault Secrets User" on one secret. Nothing on the whole vault (a
 * reader of everything reads the administrator password), no standing "Secrets Officer" (the deployer writes secrets
 * through Resource Manager; a rollback takes a just-in-time assignment), no other role.
 */
export const restrictRoleAssignments = stackRule({
  name: "keyvault-restrict-role-assignments",
  description:
    "Role assignments on a key vault grant Key Vault Secrets User on individual secrets only: none on the whole vault, no standing Secrets Officer, nothing broader.",
  severity: "high",
  meta: {
    catalogueId: "K8",
    sources: ["R-SEC-3", "R-4.1.1", "Learn key-vault rbac-guide (secret-level scope)"],
    enforcement: EVERYWHERE,
    why: "The application only needs to read its own password; a vault-wide reader or a standing writer can read or change all of them.",
  },
  check: (resources, _args, report) => {
    for (const vault of resources.filter((r) => r.type === T.vault)) {
      const name = str(vault.props.vaultName) ?? vault.name;
      const assignments = resources.filter(
        (r) =>
          r.type === T.roleAssignment &&
          (armIdNames(r.props.scope, "vaults", name) || (typeof r.props.scope !== "string" && dependsOn(r, vault))),
      );
      for (const a of assignments) {
        const role = roleGuid(a.props.roleDefinitionId);
        if (role === KEY_VAULT_SECRETS_OFFICER) {
          report(
            `role assignment ${a.name} grants Key Vault Secrets Officer on vault ${name}: no standing writer (the deployer writes through Resource Manager; take a just-in-time assignment for a rollback)`,
            a.urn,
          );
        } else if (role !== KEY_VAULT_SECRETS_USER) {
          report(
            `role assignment ${a.name} grants role ${role || "?"} on vault ${name}: only Key Vault Secrets User on a single secret is allowed`,
            a.urn,
          );
        } else if (typeof a.props.scope === "string" && secretOfScope(a.props.scope) === undefined) {
          report(
            `role assignment ${a.name} grants Secrets User on the whole vault ${name}: scope it to the one secret the principal needs`,
            a.urn,
          );
        }
      }
    }
  },
});
