import {
  ENVIRONMENT_CONFIG_SCHEMA,
  PROD_ONLY,
  T,
  environmentOf,
  isReplicaProps,
  obj,
  resourceRule,
  str,
  type EnvironmentConfig,
} from "../../rule.js";

/** The retention floor per environment (R-5.1.1: prod keeps 35 days; elsewhere Azure's minimum). */
export const RETENTION_FLOOR_DAYS: Readonly<Record<string, number>> = { prod: 35 };
export const DEFAULT_RETENTION_FLOOR_DAYS = 7;

interface RetentionConfig extends EnvironmentConfig {
  readonly minimumDays?: number;
}

/** B2: point-in-time restore reaches back only as far as the retention. */
export const configureBackupRetention = resourceRule({
  name: "postgres-configure-backup-retention",
  description:
    "Every primary PostgreSQL server keeps backups at least as long as its environment's floor (prod: 35 days).",
  severity: "high",
  type: T.server,
  configSchema: {
    properties: {
      ...ENVIRONMENT_CONFIG_SCHEMA.properties,
      minimumDays: { type: "integer", minimum: 7, maximum: 35, description: "Overrides the environment's floor." },
    },
  },
  meta: {
    catalogueId: "B2",
    sources: ["R-5.1.1"],
    enforcement: PROD_ONLY,
    why: "The plan promises 35 days of point-in-time restore in production; a shorter retention silently shortens it.",
  },
  check: (props, args, report) => {
    if (isReplicaProps(props)) return;
    const config = args.getConfig<RetentionConfig>();
    const environment = environmentOf(() => config, args.urn);
    const floor = config.minimumDays ?? RETENTION_FLOOR_DAYS[environment] ?? DEFAULT_RETENTION_FLOOR_DAYS;
    const days = obj(props.backup).backupRetentionDays;
    if (typeof days !== "number" || days < floor) {
      report(
        `server ${str(props.serverName) ?? "?"} keeps backups ${typeof days === "number" ? `${days} days` : "(not set: Azure's 7 days)"}, below the ${environment} floor of ${floor} days`,
      );
    }
  },
});
