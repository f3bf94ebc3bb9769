import { PROD_ONLY, T, obj, resourceRule, sameName, str } from "../../rule.js";

/** The fields a failover swaps: Azure then reports the standby's zone as the primary's. */
export const ZONE_FIELDS = ["availabilityZone", "highAvailability.standbyAvailabilityZone"] as const;

/** H4: without ignoreChanges a refresh after a failover followed by `up` would plan a replace of the server. */
export const ignoreZoneDrift = resourceRule({
  name: "postgres-ignore-zone-drift",
  description:
    "Servers with zone-redundant HA ignore changes to availabilityZone and highAvailability.standbyAvailabilityZone.",
  severity: "high",
  type: T.server,
  meta: {
    catalogueId: "H4",
    sources: ["project rule (pulumi-azure-native zone drift after failover)"],
    enforcement: PROD_ONLY,
    why: "The zone cannot change after creation, so a diff on it after a failover would plan a replace of the database server.",
  },
  check: (props, args, report) => {
    if (!sameName(obj(props.highAvailability).mode, "ZoneRedundant")) return;
    const missing = ZONE_FIELDS.filter((f) => !args.opts.ignoreChanges.includes(f));
    if (missing.length > 0) {
      report(
        `server ${str(props.serverName) ?? "?"} does not ignore changes to ${missing.join(", ")}: add them to ignoreChanges so a failover never plans a replace`,
      );
    }
  },
});
