import { MAX_REPLICAS, SKUS } from "../../../infra/config/azure-facts.js";
import {
  PROD_ONLY,
  armIdNames,
  dependsOn,
  obj,
  sameName,
  serversOf,
  stackRule,
  str,
  type ServerView,
} from "../../rule.js";

/** Arguments Azure rejects (or silently ignores) on a replica: it has no HA, no backups and no login of its own. */
export const FORBIDDEN_REPLICA_ARGS = [
  "highAvailability",
  "backup",
  "administratorLogin",
  "administratorLoginPassword",
] as const;

function sourceOf(replica: ServerView, primaries: readonly ServerView[]): ServerView | undefined {
  return (
    primaries.find((p) => armIdNames(replica.resource.props.sourceServerResourceId, "flexibleServers", p.serverName)) ??
    primaries.find((p) => dependsOn(replica.resource, p.resource))
  );
}

/** H5: Microsoft Learn's read-replica rules, checked before Azure rejects the deployment halfway. */
export const validateReadReplicas = stackRule({
  name: "postgres-validate-read-replicas",
  description:
    "Read replicas are at least as large as their primary, auto-grow like it, number at most 5 and carry no HA, backup or login arguments.",
  severity: "high",
  meta: {
    catalogueId: "H5",
    sources: ["Microsoft Learn concepts-read-replicas"],
    enforcement: PROD_ONLY,
    why: "An undersized replica falls behind and cannot take over; a rejected replica fails the deployment after the primary changed.",
  },
  check: (resources, _args, report) => {
    const servers = serversOf(resources);
    const primaries = servers.filter((s) => !s.isReplica);
    const replicas = servers.filter((s) => s.isReplica);
    const perPrimary = new Map<string, number>();
    for (const replica of replicas) {
      const r = replica.resource.props;
      const where = `replica ${replica.serverName}`;
      if (!sameName(r.createMode, "Replica"))
        report(`${where} sets sourceServerResourceId without createMode=Replica`, replica.resource.urn);
      for (const arg of FORBIDDEN_REPLICA_ARGS) {
        const value: unknown = r[arg];
        const harmless = arg === "highAvailability" && sameName(obj(value).mode, "Disabled");
        if (value !== undefined && !harmless)
          report(`${where} passes ${arg}, which replicas cannot have`, replica.resource.urn);
      }
      const source = sourceOf(replica, primaries);
      if (!source) {
        report(`${where} does not name a primary of this stack in sourceServerResourceId`, replica.resource.urn);
        continue;
      }
      perPrimary.set(source.serverName, (perPrimary.get(source.serverName) ?? 0) + 1);
      const p = source.resource.props;
      const replicaSku = SKUS[str(obj(r.sku).name) ?? ""];
      const primarySku = SKUS[str(obj(p.sku).name) ?? ""];
      if (
        replicaSku &&
        primarySku &&
        (replicaSku.vCores < primarySku.vCores || replicaSku.memoryGiB < primarySku.memoryGiB)
      ) {
        report(
          `${where} runs ${str(obj(r.sku).name)}, smaller than its primary's ${str(obj(p.sku).name)}`,
          replica.resource.urn,
        );
      }
      const rs = obj(r.storage);
      const ps = obj(p.storage);
      if (
        typeof rs.storageSizeGB === "number" &&
        typeof ps.storageSizeGB === "number" &&
        rs.storageSizeGB < ps.storageSizeGB
      ) {
        report(
          `${where} has ${rs.storageSizeGB} GiB storage, less than its primary's ${ps.storageSizeGB} GiB`,
          replica.resource.urn,
        );
      }
      if (sameName(ps.autoGrow, "Enabled") && !sameName(rs.autoGrow, "Enabled")) {
        report(
          `${where} does not auto-grow although its primary does: it would run out of disk first`,
          replica.resource.urn,
        );
      }
    }
    for (const [primary, count] of perPrimary) {
      if (count > MAX_REPLICAS) {
        const p = primaries.find((s) => s.serverName === primary);
        report(`server ${primary} has ${count} replicas, more than Azure's ${MAX_REPLICAS}`, p?.resource.urn);
      }
    }
  },
});
