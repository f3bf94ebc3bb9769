import { SOFT_DELETE_RANGE } from "../../../infra/config/azure-facts.js";
import { PROD_ONLY, T, obj, resourceRule, str } from "../../rule.js";

/** K1: soft delete keeps a deleted secret recoverable; purge protection stops anyone from cutting that short. */
export const enablePurgeProtection = resourceRule({
  name: "keyvault-enable-purge-protection",
  description: "Key vaults enable purge protection and keep soft-deleted objects 7–90 days.",
  severity: "high",
  type: T.vault,
  meta: {
    catalogueId: "K1",
    sources: ["CKV_AZURE_110", "CKV_AZURE_42", "AZU-0016", "AP 0b60c0b2", "AP 1e66c121", "CIS v3 3.3.5"],
    enforcement: PROD_ONLY,
    why: "Without purge protection a deleted vault takes the database passwords with it for good.",
  },
  check: (props, _args, report) => {
    const p = obj(props.properties);
    const name = str(props.vaultName) ?? "?";
    if (p.enablePurgeProtection !== true) report(`vault ${name} does not set properties.enablePurgeProtection=true`);
    if (p.enableSoftDelete === false) report(`vault ${name} turns soft delete off`);
    const days = p.softDeleteRetentionInDays;
    if (
      days !== undefined &&
      (typeof days !== "number" || days < SOFT_DELETE_RANGE.min || days > SOFT_DELETE_RANGE.max)
    ) {
      report(
        `vault ${name} keeps soft-deleted objects ${JSON.stringify(days)} days, outside ${SOFT_DELETE_RANGE.min}–${SOFT_DELETE_RANGE.max}`,
      );
    }
  },
});
