import { PROD_ONLY, T, isReplicaProps, obj, resourceRule, sameName, str } from "../../rule.js";

/** H1: zone-redundant HA gives RPO 0 and automatic failover when a zone fails. */
export const enableZoneRedundantHa = resourceRule({
  name: "postgres-enable-zone-redundant-ha",
  description:
    "Every primary PostgreSQL server runs zone-redundant high availability with the standby in another zone.",
  severity: "critical",
  type: T.server,
  meta: {
    catalogueId: "H1",
    sources: ["PR postgresql_flexible_server_high_availability_enabled", "AP 493c215d", "APRL"],
    enforcement: PROD_ONLY,
    why: "Without a synchronous standby in another zone a zone failure loses the writes since the last backup and the service until a restore.",
  },
  check: (props, _args, report) => {
    if (isReplicaProps(props)) return; // replicas cannot have HA
    const ha = obj(props.highAvailability);
    const name = str(props.serverName) ?? "?";
    if (!sameName(ha.mode, "ZoneRedundant")) {
      report(`server ${name} has highAvailability.mode=${str(ha.mode) ?? "(not set)"}: set ZoneRedundant`);
    } else if (str(ha.standbyAvailabilityZone) === undefined || ha.standbyAvailabilityZone === props.availabilityZone) {
      report(
        `server ${name} has its standby in zone ${str(ha.standbyAvailabilityZone) ?? "(not set)"}, which must differ from the primary's zone ${str(props.availabilityZone) ?? "(not set)"}`,
      );
    }
  },
});
