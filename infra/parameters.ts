/**
 * The declared PostgreSQL parameter set: the single source for the Azure server parameters, the local Docker twin and
 * the drill harness. Each entry says where it applies, because several names exist only on Azure (they are Azure's own
 * settings layered on PostgreSQL) and a few only make sense on a self-managed server.
 */

export type ParameterTarget = "azure" | "selfManaged";

export interface DeclaredParameter {
  /** Parameter name as Azure and PostgreSQL spell it. */
  readonly name: string;
  /** Value as Azure expects it (Azure spells booleans ON/OFF). */
  readonly value: string;
  /**
   * Static parameters only take effect after a server restart. The azure-native provider never restarts
   * (pulumi-azure-native#3618), so the database component restarts once after the last write when this set changes.
   */
  readonly requiresRestart: boolean;
  /** Where the parameter exists. */
  readonly appliesTo: readonly ParameterTarget[];
  /** Also written on read replicas, because Azure requires the replica's value to be at least the primary's. */
  readonly alsoOnReplicas?: boolean;
  /** Why the platform sets it (catalogue rule or plan section). */
  readonly reason: string;
  /**
   * What `SHOW <name>` prints on a self-managed PostgreSQL when the value is set, if it differs from `value`
   * (PostgreSQL prints booleans as on/off).
   */
  readonly shownAs?: string;
}

/** The plan's connection ceiling (plan §4.1.2, §6.1.1). */
export const MAX_CONNECTIONS = 100;

/**
 * Connection slots PostgreSQL keeps back from ordinary users on Azure: `superuser_reserved_connections` (3 by default,
 * Azure raises it) plus `reserved_connections` — 15 in all on Flexible Server (facts file, row 8).
 */
export const AZURE_RESERVED_CONNECTIONS = 15;

export const SHARED_PRELOAD_LIBRARIES = ["pg_stat_statements", "pgaudit"] as const;

/**
 * Declaration order is write order on Azure: the allow-list comes before `shared_preload_libraries`, which may only name
 * allowed extensions.
 */
export const DECLARED_PARAMETERS: readonly DeclaredParameter[] = [
  {
    name: "require_secure_transport",
    value: "ON",
    requiresRestart: false,
    appliesTo: ["azure"],
    reason: "E1: TLS required (CIS v3 5.2.1). Self-managed servers get the same effect from hostssl-only pg_hba.conf.",
  },
  {
    name: "ssl_min_protocol_version",
    value: "TLSv1.2",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    reason: "E2: minimum TLS 1.2 (plan §4.1.2).",
  },
  {
    name: "max_connections",
    value: String(MAX_CONNECTIONS),
    requiresRestart: true,
    appliesTo: ["azure", "selfManaged"],
    alsoOnReplicas: true,
    reason: "Plan §4.1.2 / §6.1.1: at most 100 concurrent connections. Replicas need a value ≥ the primary's.",
  },
  {
    name: "log_checkpoints",
    value: "ON",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    shownAs: "on",
    reason: "L1 (CIS v3 5.2.2).",
  },
  {
    name: "log_connections",
    value: "ON",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    shownAs: "on",
    reason: "L2 (AP 086709ac).",
  },
  {
    name: "log_disconnections",
    value: "ON",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    shownAs: "on",
    reason: "L3 (CIS v3 5.2.7).",
  },
  {
    name: "connection_throttle.enable",
    value: "ON",
    requiresRestart: false,
    appliesTo: ["azure"],
    reason: "L4 (CIS v3 5.2.3): Azure-only extension setting.",
  },
  {
    name: "logfiles.retention_days",
    value: "7",
    requiresRestart: false,
    appliesTo: ["azure"],
    reason: "L5: Azure keeps server log files this many days (AP asks ≥ 7).",
  },
  {
    name: "azure.extensions",
    value: "PGAUDIT,PG_STAT_STATEMENTS,PGCRYPTO,UUID-OSSP,CITEXT",
    requiresRestart: false,
    appliesTo: ["azure"],
    reason: "Azure allow-list of extensions the schema and audit need; everything else stays blocked.",
  },
  {
    name: "shared_preload_libraries",
    value: SHARED_PRELOAD_LIBRARIES.join(","),
    requiresRestart: true,
    appliesTo: ["azure", "selfManaged"],
    reason: "L6: pgaudit must be preloaded; pg_stat_statements feeds slow-query analysis (plan §6.2).",
  },
  {
    name: "pgaudit.log",
    value: "ROLE,DDL,MISC",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    reason: "L6: audit role changes, DDL and misc commands (AP eadbb524).",
  },
  {
    name: "log_line_prefix",
    value: "%t-%c-user=%u,db=%d,app=%a,client=%h",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    reason: "L7 (AP 3bf854e8): the prefix Azure Policy checks for.",
  },
  {
    name: "log_min_duration_statement",
    value: "1000",
    requiresRestart: false,
    appliesTo: ["azure", "selfManaged"],
    shownAs: "1s",
    reason: "L8: log statements slower than 1 s (plan §6.2 counts slow queries per hour).",
  },
  {
    name: "pg_qs.query_capture_mode",
    value: "TOP",
    requiresRestart: false,
    appliesTo: ["azure"],
    reason: "Query Store capture feeds the 200 ms average-response-time log alert (facts row 10).",
  },
  {
    name: "pg_qs.interval_length_minutes",
    value: "5",
    requiresRestart: true,
    appliesTo: ["azure"],
    reason:
      "Query Store aggregates in 15-minute buckets by default, longer than the 10-minute response-time alert window.",
  },
];

/** The parameters that exist on the given target, in declaration order. */
export function parametersFor(target: ParameterTarget): DeclaredParameter[] {
  return DECLARED_PARAMETERS.filter((p) => p.appliesTo.includes(target));
}

/** The parameters a replica must carry too (Azure demands replica values ≥ the primary's). */
export function replicaParameters(): DeclaredParameter[] {
  return DECLARED_PARAMETERS.filter((p) => p.alsoOnReplicas === true);
}

/** The static subset, whose change requires one restart after the last write. */
export function staticParameters(params: readonly DeclaredParameter[]): DeclaredParameter[] {
  return params.filter((p) => p.requiresRestart);
}

/**
 * The value a self-managed postgresql.conf takes. Azure's ON/OFF are valid PostgreSQL booleans too, but lower case reads
 * the way PostgreSQL prints them.
 */
export function selfManagedValue(p: DeclaredParameter): string {
  return p.shownAs !== undefined && /^(ON|OFF)$/.test(p.value) ? p.value.toLowerCase() : p.value;
}
