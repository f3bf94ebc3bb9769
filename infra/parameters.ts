/**
 * The declared PostgreSQL parameter set: the single source for the Azure server parameters (primary and every replica),
 * the local Docker twin and the drill harness. Each entry carries what Microsoft's parameter reference says of it —
 * allowed values, static or dynamic — with the page it comes from, so a value Azure would reject or rewrite fails a
 * test here instead of a deployment there.
 *
 * Values are spelled the way the PostgreSQL 15 parameter reference lists them (lower-case `on`/`off`, `top`, lower-case
 * extension and pgaudit class names): Azure reports values in that spelling, so any other spelling is a perpetual diff
 * on every refresh.
 */
import type { Source } from "./config/azure-facts.js";

export type ParameterTarget = "azure" | "selfManaged";

/** Microsoft's "Allowed values" of a parameter, as its reference table gives them. */
export type AllowedValues =
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** A comma-separated set whose members must come from `values` (set-typed parameters). */
  | { readonly kind: "set"; readonly values: readonly string[] }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  /** A free string matching `pattern` (the reference gives a regular expression, e.g. `[^']*`). */
  | { readonly kind: "string"; readonly pattern: RegExp };

export interface DeclaredParameter {
  /** Parameter name as Azure and PostgreSQL spell it. */
  readonly name: string;
  /** Value in the spelling of the parameter reference. */
  readonly value: string;
  /**
   * Static parameters take effect only after a restart (Learn, server parameters: "static … require a restart of the
   * server for the new value to take effect"). azure-native's Configuration never restarts (pulumi-azure-native#3618),
   * so the database component restarts once after the last write when this set changes.
   */
  readonly requiresRestart: boolean;
  readonly allowed: AllowedValues;
  /** Where the parameter exists. */
  readonly appliesTo: readonly ParameterTarget[];
  /**
   * Set on replicas too but without effect while they are replicas (written anyway so that a promoted replica is as
   * configured as the primary it replaces), with the source that says so.
   */
  readonly ignoredOnReplicas?: Source;
  /** Why the platform sets it (policy catalogue row, plan section). */
  readonly reason: string;
  /** The reference entry that gives the allowed values and the parameter type. */
  readonly source: Source;
  /**
   * Another Microsoft page that calls the parameter static where the reference table says dynamic: the platform then
   * restarts (an extra restart is harmless, a missing one leaves the value pending).
   */
  readonly staticPer?: Source;
  /** What `SHOW <name>` prints on a self-managed PostgreSQL when it differs from `value` (units). */
  readonly shownAs?: string;
}

/** The plan's connection ceiling; the default of `server.maxConnections`. */
export const MAX_CONNECTIONS = 100;

/**
 * Connection slots PostgreSQL keeps back from ordinary users on Azure: `reserved_connections` (5) plus
 * `superuser_reserved_connections` (10).
 */
export const AZURE_RESERVED_CONNECTIONS = 15;

export const SHARED_PRELOAD_LIBRARIES = ["pg_stat_statements", "pgaudit"] as const;
/** Extensions the bootstrap creates in the application database (pgaudit: audit trail; pg_stat_statements: slow queries). */
export const BOOTSTRAP_EXTENSIONS = ["pgaudit", "pg_stat_statements"] as const;

/**
 * The parameters Azure requires to be at least as high on every replica as on the primary (they size shared memory
 * for recovery).
 */
export const RECOVERY_SENSITIVE_PARAMETERS = [
  "max_connections",
  "max_prepared_transactions",
  "max_locks_per_transaction",
  "max_wal_senders",
  "max_worker_processes",
] as const;

/** What varies per server; everything else in the set is the same on every server. */
export interface ParameterSettings {
  readonly maxConnections: number;
  /** Query Store capture: off on Burstable (Learn: "Do not enable query store on Burstable pricing tier"). */
  readonly queryStore: boolean;
  /** Built-in PgBouncer on port 6432 (not offered on Burstable). */
  readonly pgBouncer: boolean;
}

export const DEFAULT_PARAMETER_SETTINGS: ParameterSettings = {
  maxConnections: MAX_CONNECTIONS,
  queryStore: true,
  pgBouncer: false,
};

const PARAMS15 = "https://learn.microsoft.com/azure/postgresql/flexible-server/server-parameters-table";
const ON_OFF: AllowedValues = { kind: "enum", values: ["on", "off"] };

const reference = (table: string, quote: string): Source => ({
  kind: "learn",
  ref: `${PARAMS15}-${table}?pivots=postgresql-15 (articles/postgresql/flexible-server/includes/param-15-${table}.md)`,
  quote,
});

const QUERY_STORE_READ_ONLY: Source = {
  kind: "learn",
  ref: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-query-store#read-only-mode",
  quote:
    "Even if you enable it on any of the read replicas, query store doesn't record the queries executed on any read replicas, because they operate in read-only mode until you promote them to primary.",
};

/**
 * The set for one server, in write order: the allow-list comes before `shared_preload_libraries`, which may only name
 * allowed extensions.
 */
export function declaredParameters(settings: ParameterSettings = DEFAULT_PARAMETER_SETTINGS): DeclaredParameter[] {
  const params: DeclaredParameter[] = [
    {
      name: "require_secure_transport",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure"],
      reason:
        "E1: TLS required (CIS v3 5.2.1). Self-managed servers get the same effect from hostssl-only pg_hba.conf.",
      source: {
        kind: "learn",
        ref: "articles/postgresql/flexible-server/includes/param-11-tls.md (the PostgreSQL 15 tables have no entry)",
        quote:
          "| Data type | boolean | … | Default value | `on` | … | Allowed values | `on,off` | … | Parameter type | dynamic |",
      },
    },
    {
      name: "ssl_min_protocol_version",
      value: "TLSv1.2",
      requiresRestart: false,
      allowed: { kind: "enum", values: ["TLSv1.2", "TLSv1.3"] },
      appliesTo: ["azure", "selfManaged"],
      reason: "E2: minimum TLS 1.2 (R-4.1.2).",
      source: reference(
        "connections-authentication-ssl",
        "| Default value | `TLSv1.2` | … | Allowed values | `TLSv1.2,TLSv1.3` | … | Parameter type | dynamic |",
      ),
    },
    {
      name: "max_connections",
      value: String(settings.maxConnections),
      requiresRestart: true,
      allowed: { kind: "integer", min: 25, max: 5000 },
      appliesTo: ["azure", "selfManaged"],
      reason:
        "R-4.1.2 / R-6.1.1: at most 100 concurrent connections. Recovery-sensitive: a replica's value must be ≥ its primary's.",
      source: reference(
        "connections-authentication-connection-settings",
        "| Allowed values | `25-5000` | … | Parameter type | static |",
      ),
    },
    {
      name: "log_checkpoints",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure", "selfManaged"],
      reason: "L1 (CIS v3 5.2.2, Azure Policy 70be9e12).",
      source: reference(
        "reporting-logging-what-log",
        "### log_checkpoints … | Allowed values | `on,off` | … dynamic |",
      ),
    },
    {
      name: "log_connections",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure", "selfManaged"],
      reason: "L2 (Azure Policy 086709ac).",
      source: reference(
        "reporting-logging-what-log",
        "### log_connections … | Allowed values | `on,off` | … dynamic |",
      ),
    },
    {
      name: "log_disconnections",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure", "selfManaged"],
      reason: "L3 (CIS v3 5.2.7, Azure Policy 1d14b021).",
      source: reference(
        "reporting-logging-what-log",
        "### log_disconnections … | Allowed values | `on,off` | … dynamic |",
      ),
    },
    {
      name: "log_statement",
      value: "none",
      requiresRestart: false,
      allowed: { kind: "enum", values: ["none", "ddl", "mod", "all"] },
      appliesTo: ["azure", "selfManaged"],
      reason:
        "Never ddl/all: Learn (security-audit) warns that log_statement logs CREATE/ALTER ROLE … PASSWORD in clear text; pgaudit's role class redacts it.",
      source: reference(
        "reporting-logging-what-log",
        "### log_statement … | Default value | `none` | | Allowed values | `none,ddl,mod,all` | … dynamic |",
      ),
    },
    {
      name: "connection_throttle.enable",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure"],
      reason: "L4 (CIS v3 5.2.3): temporary throttling per IP after repeated login failures.",
      source: reference(
        "customized-options",
        "### connection_throttle.enable … | Default value | `off` | | Allowed values | `on,off` | … dynamic |",
      ),
    },
    {
      name: "logfiles.download_enable",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure"],
      reason:
        "L5: without it logfiles.retention_days keeps nothing (Learn: 'By default, capturing server logs for download … is disabled').",
      source: reference(
        "customized-options",
        "### logfiles.download_enable … | Default value | `off` | | Allowed values | `on,off` | … dynamic |",
      ),
    },
    {
      name: "logfiles.retention_days",
      value: "7",
      requiresRestart: false,
      allowed: { kind: "integer", min: 1, max: 7 },
      appliesTo: ["azure"],
      reason: "L5: Azure keeps downloadable server log files this many days (the maximum).",
      source: reference("customized-options", "### logfiles.retention_days … | Allowed values | `1-7` | … dynamic |"),
    },
    {
      name: "azure.extensions",
      value: "pgaudit,pg_stat_statements,pgcrypto,uuid-ossp,citext,amcheck",
      requiresRestart: false,
      allowed: {
        kind: "set",
        values: ["amcheck", "citext", "pg_cron", "pg_stat_statements", "pgaudit", "pgcrypto", "uuid-ossp"],
      },
      appliesTo: ["azure"],
      reason:
        "The allow-list: what the schema, the audit and the drills' integrity check (amcheck) need; everything else stays blocked.",
      source: reference(
        "customized-options",
        "### azure.extensions … | Data type | set | … | Allowed values | `address_standardizer,…,amcheck,…,citext,…,pg_cron,…,pg_stat_statements,…,pgaudit,pgcrypto,…,uuid-ossp,…` | … dynamic |",
      ),
    },
    {
      name: "shared_preload_libraries",
      value: SHARED_PRELOAD_LIBRARIES.join(","),
      requiresRestart: true,
      allowed: {
        kind: "set",
        values: ["auto_explain", "pg_cron", "pg_prewarm", "pg_stat_statements", "pgaudit"],
      },
      appliesTo: ["azure", "selfManaged"],
      reason:
        "L6: pgaudit must be preloaded; pg_stat_statements feeds slow-query analysis (R-6.2.1). Azure's default also preloads pg_cron, which nothing here uses.",
      source: reference(
        "client-connection-defaults-shared-library-preloading",
        "### shared_preload_libraries … | Default value | `pg_cron,pg_stat_statements` | | Allowed values | `age,anon,auto_explain,…,pg_cron,…,pg_prewarm,…,pg_stat_statements,pgaudit,…` | | Parameter type | static |",
      ),
    },
    {
      name: "pgaudit.log",
      value: "role,ddl,misc",
      requiresRestart: false,
      allowed: { kind: "set", values: ["none", "read", "write", "function", "role", "ddl", "misc", "all"] },
      appliesTo: ["azure", "selfManaged"],
      reason: "L6: audit role changes, DDL and misc commands (Azure Policy 4eb5e667 asks for anything but none).",
      source: reference(
        "customized-options",
        "### pgaudit.log … | Data type | set | | Default value | `none` | | Allowed values | `none,read,write,function,role,ddl,misc,all` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "pgaudit.log_parameter",
      value: "off",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure", "selfManaged"],
      reason: "Stated explicitly: bind parameters may carry credentials and must never reach the audit log.",
      source: reference("customized-options", "### pgaudit.log_parameter … | Allowed values | `on,off` | … dynamic |"),
    },
    {
      name: "log_line_prefix",
      value: "%t-%c-user=%u,db=%d,app=%a,client=%h",
      requiresRestart: false,
      allowed: { kind: "string", pattern: /^[^']*$/ },
      appliesTo: ["azure", "selfManaged"],
      reason: "L7: who, where and which session on every log line.",
      source: reference(
        "reporting-logging-what-log",
        "### log_line_prefix … | Allowed values | `[^']*` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "log_min_duration_statement",
      value: "1000",
      requiresRestart: false,
      allowed: { kind: "integer", min: -1, max: 2147483647 },
      appliesTo: ["azure", "selfManaged"],
      shownAs: "1s",
      reason: "L8: log statements slower than 1 s (R-6.2.1 counts slow queries per hour).",
      source: reference(
        "reporting-logging-when-log",
        "### log_min_duration_statement … | Allowed values | `-1-2147483647` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "azure.accepted_password_auth_method",
      value: "scram-sha-256",
      requiresRestart: false,
      allowed: { kind: "set", values: ["md5", "scram-sha-256"] },
      appliesTo: ["azure"],
      reason: "Passwords are SCRAM verifiers only: an md5 sign-in is refused even if some client still offers it.",
      source: reference(
        "customized-options",
        "### azure.accepted_password_auth_method … | Default value | `md5,scram-sha-256` | | Allowed values | `md5,scram-sha-256` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "pg_qs.query_capture_mode",
      value: settings.queryStore ? "top" : "none",
      requiresRestart: false,
      allowed: { kind: "enum", values: ["top", "all", "none"] },
      appliesTo: ["azure"],
      ignoredOnReplicas: QUERY_STORE_READ_ONLY,
      reason:
        "Query Store feeds the average-response-time log alert; 'none' on Burstable, where Microsoft says not to enable it.",
      source: reference(
        "customized-options",
        "### pg_qs.query_capture_mode … | Allowed values | `top,all,none` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "pg_qs.interval_length_minutes",
      value: "5",
      requiresRestart: true,
      allowed: { kind: "integer", min: 1, max: 30 },
      appliesTo: ["azure"],
      ignoredOnReplicas: QUERY_STORE_READ_ONLY,
      reason:
        "Query Store aggregates in 15-minute buckets by default, longer than the 10-minute response-time alert window.",
      staticPer: {
        kind: "learn",
        ref: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-query-store#configuration-options",
        quote:
          "| `pg_qs.interval_length_minutes` (*) | … (*) Static server parameter which requires a server restart for a change in its value to take effect.",
      },
      source: reference(
        "customized-options",
        "### pg_qs.interval_length_minutes … | Default value | `15` | | Allowed values | `1-30` | | Parameter type | dynamic |",
      ),
    },
    {
      // Query Store wait sampling: the only source of lock-wait time (R-6.2.1 대기_시간 < 50ms), the lock-wait alert and
      // the workbook's lock-wait panel (D95). It records nothing unless Query Store captures: concepts-query-store, "If
      // `pg_qs.query_capture_mode` is `none`, the `pgms_wait_sampling.query_capture_mode` setting has no effect." — so
      // 'none' wherever Query Store is off (Burstable).
      name: "pgms_wait_sampling.query_capture_mode",
      value: settings.queryStore ? "all" : "none",
      requiresRestart: false,
      allowed: { kind: "enum", values: ["all", "none"] },
      appliesTo: ["azure"],
      ignoredOnReplicas: QUERY_STORE_READ_ONLY,
      reason:
        "Wait sampling feeds the lock-wait log alert (PGSQLQueryStoreWaits, diagnostic category PostgreSQLFlexQueryStoreWaitStats); 'none' where Query Store is off.",
      source: reference(
        "customized-options",
        "### pgms_wait_sampling.query_capture_mode … | Description | Selects which statements are tracked by the pgms_wait_sampling extension. | … | Default value | `none` | | Allowed values | `all,none` | | Parameter type | dynamic |",
      ),
    },
    {
      name: "metrics.collector_database_activity",
      value: "on",
      requiresRestart: false,
      allowed: ON_OFF,
      appliesTo: ["azure"],
      reason:
        "Emits the enhanced metric `deadlocks` the deadlock alert watches (R-6.2.1 데드락 0건); off by default. Learn, concepts-monitoring: 'To enable these metrics, set the server parameter `metrics.collector_database_activity` to `ON`. This parameter is dynamic and doesn't require an instance restart.'",
      source: reference(
        "metrics",
        "### metrics.collector_database_activity … | Default value | `off` | | Allowed values | `on,off` | | Parameter type | dynamic |",
      ),
    },
  ];
  if (settings.pgBouncer) {
    params.push({
      name: "pgbouncer.enabled",
      value: "true",
      requiresRestart: false,
      allowed: { kind: "enum", values: ["true", "false"] },
      appliesTo: ["azure"],
      reason:
        "Built-in PgBouncer on port 6432 (Learn, concepts-pgbouncer: 'change the pgbouncer.enabled setting to true').",
      source: {
        kind: "learn",
        ref: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-pgbouncer",
        quote:
          "To enable PgBouncer, go to the **Server parameters** pane in the Azure portal, search for **PgBouncer**, and change the `pgbouncer.enabled` setting to `true`. There's no need to restart the server.",
      },
    });
  }
  return params;
}

/** The default set (the plan's 100 connections, Query Store on, no PgBouncer). */
export const DECLARED_PARAMETERS: readonly DeclaredParameter[] = declaredParameters();

/** The parameters that exist on the given target, in declaration order. */
export function parametersFor(
  target: ParameterTarget,
  settings: ParameterSettings = DEFAULT_PARAMETER_SETTINGS,
): DeclaredParameter[] {
  return declaredParameters(settings).filter((p) => p.appliesTo.includes(target));
}

/**
 * The parameters a replica carries: the whole Azure set. Replicas inherit the primary's parameters only at creation
 * (Learn, read replicas: "any changes to the server parameters on the primary server made after creating the read
 * replica aren't automatically replicated"), and a promoted replica keeps its own values, so every server declares
 * the full posture.
 */
export function replicaParameters(settings: ParameterSettings = DEFAULT_PARAMETER_SETTINGS): DeclaredParameter[] {
  return parametersFor("azure", settings);
}

/** The static subset, whose change requires one restart after the last write. */
export function staticParameters(params: readonly DeclaredParameter[]): DeclaredParameter[] {
  return params.filter((p) => p.requiresRestart);
}

/** The value a self-managed postgresql.conf takes (the reference's spelling is valid PostgreSQL syntax). */
export function selfManagedValue(p: DeclaredParameter): string {
  return p.value;
}

/** Why `value` is not among the parameter's allowed values, or undefined when it is. */
export function allowedValueProblem(p: Pick<DeclaredParameter, "name" | "allowed">, value: string): string | undefined {
  const a = p.allowed;
  switch (a.kind) {
    case "enum":
      return a.values.includes(value) ? undefined : `${p.name}=${value} is not one of ${a.values.join(", ")}`;
    case "set": {
      const members = value.split(",");
      const unknown = members.filter((m) => !a.values.includes(m));
      if (members.some((m) => m === "")) return `${p.name}=${value} has an empty member`;
      return unknown.length === 0
        ? undefined
        : `${p.name}=${value}: ${unknown.join(", ")} not among ${a.values.join(", ")}`;
    }
    case "integer": {
      const n = Number(value);
      return /^-?\d+$/.test(value) && n >= a.min && n <= a.max
        ? undefined
        : `${p.name}=${value} is not an integer in ${a.min}–${a.max}`;
    }
    case "string":
      return a.pattern.test(value) ? undefined : `${p.name}=${value} does not match ${String(a.pattern)}`;
  }
}
