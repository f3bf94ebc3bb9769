import { REGIONS } from "../../../infra/config/azure-facts.js";
import { PROD_ONLY, isReplicaProps, obj, sameName, serversToday, stackRule, str } from "../../rule.js";

/**
 * H1: zone-redundant HA gives RPO 0 and automatic failover when a zone fails. Judged on today's roles (serversToday): after
 * a switchover the demoted primary is a replica, which cannot have HA (Learn, concepts-read-replicas-promote: "HA
 * enabled read replicas aren't supported"), and a primary in a region without zone-redundant HA (Korea South: REGIONS,
 * Learn's region table) cannot have it either when it got there by promotion — there the degraded state is the runbook's to end (switch back, D72).
 */
export const enableZoneRedundantHa = stackRule({
  name: "postgres-enable-zone-redundant-ha",
  description:
    "Every primary PostgreSQL server runs zone-redundant high availability with the standby in another zone.",
  severity: "critical",
  meta: {
    catalogueId: "H1",
    sources: ["PR postgresql_flexible_server_high_availability_enabled", "AP 493c215d", "APRL"],
    enforcement: PROD_ONLY,
    why: "Without a synchronous standby in another zone a zone failure loses the writes since the last backup and the service until a restore.",
  },
  check: (resources, _args, report) => {
    for (const server of serversToday(resources).filter((s) => !s.isReplica)) {
      const props = server.resource.props;
      const region = str(props.location)?.toLowerCase().replace(/\s+/g, "");
      // Only a promoted replica (it keeps its create-only sourceServerResourceId) is excused by its region: a primary
      // configured in such a region is still judged, and the config rules refuse HA there.
      if (isReplicaProps(props) && region !== undefined && REGIONS[region]?.zoneRedundantHa === false) continue;
      const ha = obj(props.highAvailability);
      const name = server.serverName;
      if (!sameName(ha.mode, "ZoneRedundant")) {
        report(
          `server ${name} has highAvailability.mode=${str(ha.mode) ?? "(not set)"}: set ZoneRedundant`,
          server.resource.urn,
        );
      } else if (
        str(ha.standbyAvailabilityZone) === undefined ||
        ha.standbyAvailabilityZone === props.availabilityZone
      ) {
        report(
          `server ${name} has its standby in zone ${str(ha.standbyAvailabilityZone) ?? "(not set)"}, which must differ from the primary's zone ${str(props.availabilityZone) ?? "(not set)"}`,
          server.resource.urn,
        );
      }
    }
  },
});
