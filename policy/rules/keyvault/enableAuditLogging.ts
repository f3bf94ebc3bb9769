import { PROD_ONLY, T, arr, armIdNames, dependsOn, obj, sameName, stackRule, str } from "../../rule.js";

/** K7: who read which password, and when, is only known if the vault's audit events are kept. */
export const enableAuditLogging = stackRule({
  name: "keyvault-enable-audit-logging",
  description: "Every key vault sends AuditEvent (or the audit / allLogs group) to a Log Analytics workspace.",
  severity: "high",
  meta: {
    catalogueId: "K7",
    sources: ["CIS v3 6.1.4", "PR keyvault_logging_enabled", "AP cf820ca0", "AP 951af2fa"],
    enforcement: PROD_ONLY,
    why: "The vault's audit log is the evidence trail for every password read.",
  },
  check: (resources, _args, report) => {
    const settings = resources.filter((r) => r.type === T.diagnosticSetting);
    for (const vault of resources.filter((r) => r.type === T.vault)) {
      const name = str(vault.props.vaultName) ?? vault.name;
      const audited = settings.some(
        (d) =>
          (armIdNames(d.props.resourceUri, "vaults", name) ||
            (typeof d.props.resourceUri !== "string" && dependsOn(d, vault))) &&
          str(d.props.workspaceId) !== undefined &&
          arr(d.props.logs).some((l) => {
            const e = obj(l);
            return (
              e.enabled === true &&
              (sameName(e.category, "AuditEvent") ||
                sameName(e.categoryGroup, "audit") ||
                sameName(e.categoryGroup, "allLogs"))
            );
          }),
      );
      if (!audited)
        report(`vault ${name} has no diagnostic setting sending AuditEvent to a Log Analytics workspace`, vault.urn);
    }
  },
});
