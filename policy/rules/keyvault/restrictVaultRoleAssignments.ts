import { EVERYWHERE, T, armIdNames, dependsOn, stackRule, str } from "../../rule.js";

/** Built-in role definition GUIDs (stable across tenants). */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
export const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

function roleGuid(roleDefinitionId: unknown): string {
  return (str(roleDefinitionId) ?? "").split("/").pop()?.toLowerCase() ?? "";
}

/**
 * K8: on the vault, readers get "Key Vault Secrets User" and only the one writer (the deployer that stores the
 * generated passwords) gets "Key Vault Secrets Officer"; no other role, and no principal holds both.
 */
export const restrictVaultRoleAssignments = stackRule({
  name: "keyvault-restrict-role-assignments",
  description:
    "Role assignments on a key vault grant Key Vault Secrets User, plus Secrets Officer to at most one writer; nothing broader.",
  severity: "high",
  meta: {
    catalogueId: "K8",
    sources: ["seed 003 (least privilege)", "seed 004 §4.1"],
    enforcement: EVERYWHERE,
    why: "The application only needs to read its passwords; Owner, Contributor or Administrator on the vault could read, change or delete all of them.",
  },
  check: (resources, _args, report) => {
    for (const vault of resources.filter((r) => r.type === T.vault)) {
      const name = str(vault.props.vaultName) ?? vault.name;
      const assignments = resources.filter(
        (r) =>
          r.type === T.roleAssignment &&
          (armIdNames(r.props.scope, "vaults", name) || (typeof r.props.scope !== "string" && dependsOn(r, vault))),
      );
      const officers = new Set<string>();
      const users = new Set<string>();
      for (const a of assignments) {
        const role = roleGuid(a.props.roleDefinitionId);
        const principal = str(a.props.principalId) ?? "?";
        if (role === KEY_VAULT_SECRETS_USER) users.add(principal);
        else if (role === KEY_VAULT_SECRETS_OFFICER) officers.add(principal);
        else
          report(
            `role assignment ${a.name} grants role ${role || "?"} on vault ${name}: only Key Vault Secrets User (readers) and Secrets Officer (the writer) are allowed`,
            a.urn,
          );
      }
      if (officers.size > 1)
        report(
          `vault ${name} has ${officers.size} Secrets Officer principals: only the deployer that writes the passwords needs it`,
          vault.urn,
        );
      for (const p of users) {
        if (officers.has(p))
          report(
            `principal ${p} holds both Secrets User and Secrets Officer on vault ${name}: a reader must not write`,
            vault.urn,
          );
      }
    }
  },
});
