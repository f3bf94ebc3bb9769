import { PROD_ONLY, T, armIdNames, dependsOn, obj, sameName, serversOf, stackRule, str } from "../../rule.js";

/** The datasource type Azure Backup gives a Flexible Server (Learn, backup-azure-database-postgresql-flex-use-rest-api). */
const PG_FLEX_DATASOURCE = "Microsoft.DBforPostgreSQL/flexibleServers";

/**
 * B3: the server's own backups end at 35 days and go with the server ("If you delete a server, all backups that belong
 * to the server are also deleted and can't be recovered", Learn concepts-backup-restore); long-term retention keeps
 * weekly copies in an Azure Backup vault outside the server's lifetime. A primary counts as protected when a backup
 * instance of a vault in the same stack names it as its datasource (by id, or by dependency while ids are unknown).
 * Judged on the configured primary: "LTR backup is not supported on replicas".
 */
export const requireLongTermBackup = stackRule({
  name: "postgres-require-long-term-backup",
  description:
    "Every primary PostgreSQL server is protected by a backup instance (datasource Microsoft.DBforPostgreSQL/flexibleServers) in an Azure Backup vault of the stack.",
  severity: "high",
  meta: {
    catalogueId: "B3",
    sources: [
      "R-DR-4",
      "Learn concepts-backup-restore#long-term-retention",
      "Learn backup-azure-database-postgresql-flex-overview",
    ],
    enforcement: PROD_ONLY,
    why: "Automated backups last at most 35 days and are deleted with the server; an immutable vault keeps weekly copies for months and years.",
  },
  check: (resources, _args, report) => {
    const vaults = resources.filter((r) => r.type === T.backupVault);
    const instances = resources.filter((r) => {
      if (r.type !== T.backupInstance) return false;
      const vaultName: unknown = r.props.vaultName;
      return vaults.some((v) => sameName(vaultName, v.props.vaultName) || dependsOn(r, v));
    });
    for (const server of serversOf(resources).filter((s) => !s.isReplica)) {
      const protectedBy = instances.filter((i) => {
        const source = obj(obj(i.props.properties).dataSourceInfo);
        if (!sameName(source.datasourceType, PG_FLEX_DATASOURCE)) return false;
        return typeof source.resourceID === "string"
          ? armIdNames(source.resourceID, "flexibleServers", server.serverName)
          : dependsOn(i, server.resource);
      });
      if (protectedBy.length === 0)
        report(
          `server ${server.serverName} has no long-term backup: no BackupInstance in a Backup vault of this stack protects it (${vaults.length ? `vaults: ${vaults.map((v) => str(v.props.vaultName) ?? v.name).join(", ")}` : "no BackupVault"}) — set platform.longTermBackup`,
          server.resource.urn,
        );
    }
  },
});
