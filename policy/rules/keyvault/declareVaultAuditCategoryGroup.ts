import { PROD_ONLY, T, armIdNames, dependsOn, stackRule, str } from "../../rule.js";
import { hasCategoryGroupPair } from "../logging/declareServerAuditCategoryGroup.js";

/**
 * K7 (built-in shape): mandatory in prod, the vault's counterpart of monitoring-declare-server-audit-category-group. Azure Policy
 * 6b359d8f has the same existenceCondition as the flexible-server definitions (one audit, one allLogs entry).
 */
export const declareVaultAuditCategoryGroup = stackRule({
  name: "keyvault-declare-vault-audit-category-group",
  description:
    "Every key vault's Log Analytics diagnostic setting lists the audit category group (disabled) beside the enabled allLogs group, the pair Azure Policy 6b359d8f counts.",
  severity: "low",
  meta: {
    catalogueId: "K7",
    sources: ["AP 6b359d8f"],
    enforcement: PROD_ONLY,
    why: "Microsoft's category-group definition for vaults counts one audit and one allLogs entry; with allLogs alone it reports the vault and deploys a second setting.",
  },
  check: (resources, _args, report) => {
    const settings = resources.filter((r) => r.type === T.diagnosticSetting);
    for (const vault of resources.filter((r) => r.type === T.vault)) {
      const name = str(vault.props.vaultName) ?? vault.name;
      const paired = settings.some(
        (d) =>
          (armIdNames(d.props.resourceUri, "vaults", name) ||
            (typeof d.props.resourceUri !== "string" && dependsOn(d, vault))) &&
          str(d.props.workspaceId) !== undefined &&
          hasCategoryGroupPair(d.props.logs),
      );
      if (!paired) {
        report(
          `vault ${name} has no Log Analytics diagnostic setting with exactly one {categoryGroup: audit, enabled: false} and one {categoryGroup: allLogs, enabled: true} entry: Azure Policy 6b359d8f (categoryGroup=allLogs) reports it and deploys a second setting`,
          vault.urn,
        );
      }
    }
  },
});
