import { PROD_ONLY, T, isReplicaProps, obj, resourceRule, sameName, str } from "../../rule.js";

/** B1: the paired-region copy is the only backup that survives a regional outage. */
export const enableGeoRedundantBackup = resourceRule({
  name: "postgres-enable-geo-redundant-backup",
  description: "Every primary PostgreSQL server keeps geo-redundant backups (backup.geoRedundantBackup=Enabled).",
  severity: "high",
  type: T.server,
  meta: {
    catalogueId: "B1",
    sources: ["CKV_AZURE_136", "AP cee2f9fd", "PR postgresql_flexible_server_geo_redundant_backup", "APRL"],
    enforcement: PROD_ONLY,
    why: "Geo-redundancy can only be chosen at creation; without it a regional outage loses every backup.",
  },
  check: (props, _args, report) => {
    if (isReplicaProps(props)) return; // replicas cannot have their own backups
    if (!sameName(obj(props.backup).geoRedundantBackup, "Enabled")) {
      report(
        `server ${str(props.serverName) ?? "?"} has backup.geoRedundantBackup=${str(obj(props.backup).geoRedundantBackup) ?? "(not set)"}: set Enabled (possible only when the server is created)`,
      );
    }
  },
});
