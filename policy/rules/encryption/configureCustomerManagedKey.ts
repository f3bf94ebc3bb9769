import { ADVISORY, T, isReplicaProps, obj, resourceRule, sameName, str } from "../../rule.js";

/** E3: advisory, because a customer-managed key with geo-redundant backup needs a second key in the paired region. */
export const configureCustomerManagedKey = resourceRule({
  name: "postgres-configure-customer-managed-key",
  description:
    "PostgreSQL servers should encrypt data with a customer-managed key (and a geo-backup key when geo-redundant backup is on).",
  severity: "low",
  type: T.server,
  meta: {
    catalogueId: "E3",
    sources: ["AP 12c74c95", "CKV2_AZURE_17"],
    enforcement: ADVISORY,
    why: "A customer-managed key lets the organisation revoke access to the data; the plan uses service-managed keys, so this stays a recommendation.",
  },
  check: (props, _args, report) => {
    if (isReplicaProps(props)) return; // replicas inherit the primary's encryption
    const enc = obj(props.dataEncryption);
    const name = str(props.serverName) ?? "?";
    if (!sameName(enc.type, "AzureKeyVault") || str(enc.primaryKeyURI) === undefined) {
      report(
        `server ${name} uses service-managed keys: set dataEncryption.type=AzureKeyVault with primaryKeyURI to hold the key yourself`,
      );
    } else if (sameName(obj(props.backup).geoRedundantBackup, "Enabled") && str(enc.geoBackupKeyURI) === undefined) {
      report(
        `server ${name} has geo-redundant backup but no dataEncryption.geoBackupKeyURI: the geo backup cannot be encrypted with your key`,
      );
    }
  },
});
