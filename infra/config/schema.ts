/**
 * The shape of the platform config (`authdb:platform` in Pulumi.<stack>.yaml). Shape only: rules that relate fields to
 * each other or to Azure's facts live in rules.ts, so that every rule has its own message and test.
 * Objects are strict: a misspelt key is an error, not a silently ignored setting.
 */
import { z } from "zod";
import { MAX_CONNECTIONS } from "../parameters.js";

/**
 * Builds the schema. `strict` rejects unknown keys; the lenient twin (unknown keys stripped) lets validation still run
 * the cross-field rules when the only shape problem is a misspelt key, so every problem is reported in one pass.
 */
function buildSchemas(strict: boolean) {
  const obj = <T extends z.core.$ZodLooseShape>(shape: T) => (strict ? z.strictObject(shape) : z.object(shape));
  const name = z.string().min(1);
  const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: "is not a GUID (Entra object and client ids look like 00000000-0000-0000-0000-000000000000)",
  });
  const zone = z.enum(["1", "2", "3"]);
  const region = z.string().min(1);

  const tags = z
    .record(z.string(), z.string())
    .describe("Applied to every Azure resource; must hold environment, service, owner and cost-center (policy M4).");

  const subnet = obj({ name, cidr: z.string() });

  const vnetSchema = obj({
    region,
    name,
    addressSpace: z.string(),
    subnets: obj({
      app: subnet.optional(),
      /** Pod subnet of an AKS cluster with Azure CNI pod subnets: pods reach the database from here, not from app. */
      pods: subnet.optional(),
      database: subnet,
      privateEndpoints: subnet.optional(),
    }),
  });

  const networkSchema = obj({
    /** Private DNS zone for the servers; a dedicated `<name>.private.postgres.database.azure.com` zone by default. */
    postgresDnsZoneName: z.string(),
    vnets: z.array(vnetSchema).min(1),
  });

  const storageSchema = obj({
    type: z.enum(["Premium_LRS", "PremiumV2_LRS"]),
    sizeGB: z.number().int().positive(),
    tier: z.string().optional(),
    autoGrow: z.boolean(),
    iops: z.number().int().positive().optional(),
    throughputMBps: z.number().int().positive().optional(),
  });

  const skuSchema = obj({
    name: z.string(),
    tier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]),
  });

  const dayOfWeek = z.enum(["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]);

  const serverSchema = obj({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, {
      message:
        "is not a valid server name (3–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen)",
    }),
    version: z.enum(["15"]),
    sku: skuSchema,
    storage: storageSchema,
    availabilityZone: zone.optional(),
    highAvailability: z.discriminatedUnion("mode", [
      obj({ mode: z.literal("Disabled") }),
      obj({ mode: z.literal("SameZone") }),
      obj({ mode: z.literal("ZoneRedundant"), standbyZone: zone }),
    ]),
    backup: obj({
      retentionDays: z.number().int(),
      geoRedundant: z.boolean(),
    }),
    /** Local wall-clock time; converted to UTC for Azure. */
    maintenanceWindow: obj({
      dayOfWeek,
      startTime: z.string().regex(/^([01]\d|2[0-3]):(00|30)$/, { message: "is not HH:00 or HH:30 (24-hour clock)" }),
      utcOffsetHours: z.number().int().min(-12).max(14),
    }),
    administratorLogin: z.string(),
    authentication: obj({ entra: z.boolean(), password: z.boolean() }),
    /** A CanNotDelete management lock on the primary (prod). */
    deleteLock: z.boolean(),
    /** max_connections (static: a change restarts the server). Azure allows 25–5000. */
    maxConnections: z.number().int().min(25).max(5000).default(MAX_CONNECTIONS),
    /** Built-in PgBouncer (port 6432) on every server; not offered on Burstable. */
    pgBouncer: obj({ enabled: z.boolean() }).default({ enabled: false }),
  });

  const replicaSchema = obj({
    name: serverSchema.shape.name,
    region,
    availabilityZone: zone.optional(),
    /** Defaults to the primary's SKU and storage, which is what Azure requires at least. */
    sku: skuSchema.optional(),
    storage: storageSchema.optional(),
    /** Defaults to the primary's; must be ≥ it. Raised here first, then on the primary (replica-first rollout). */
    maxConnections: z.number().int().min(25).max(5000).optional(),
    purpose: z.string().optional(),
  });

  const databaseSchema = obj({
    name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: "is not a valid database name" }),
    charset: z.enum(["UTF8"]),
    collation: z.string(),
  });

  const entraAdminSchema = obj({
    objectId: uuid,
    principalName: name,
    principalType: z.enum(["Group", "User", "ServicePrincipal"]),
  });

  const keyVaultSchema = obj({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, {
      message: "is not a valid Key Vault name (3–24 letters, digits and hyphens, starting with a letter)",
    }),
    softDeleteRetentionDays: z.number().int(),
    purgeProtection: z.boolean(),
    publicNetworkAccess: z.enum(["Disabled", "Enabled"]),
    /** Object id of the application's (workload) identity: reads its own password, nothing else. */
    applicationPrincipalId: uuid,
    /** Object id of the bootstrap Job's identity: reads the administrator password and the two SCRAM verifiers. */
    bootstrapPrincipalId: uuid,
    /** Object id of a monitoring agent's identity, when one reads the monitoring password from the vault. */
    monitoringPrincipalId: uuid.optional(),
  });

  const passwordsSchema = obj({
    /** Changing this value regenerates every generated password on the next `pulumi up`. */
    rotation: z.string(),
    rotationPeriodDays: z.number().int().positive(),
    length: z.number().int(),
    minUpper: z.number().int(),
    minLower: z.number().int(),
    minNumeric: z.number().int(),
    minSpecial: z.number().int(),
  });

  const actionGroupSchema = obj({
    name,
    shortName: z.string().max(12, { message: "is longer than Azure's 12-character action group short name" }),
    emails: z.array(z.email()).default([]),
    sms: z
      .array(obj({ countryCode: z.string().regex(/^\d{1,3}$/), phoneNumber: z.string().regex(/^\d{6,15}$/) }))
      .default([]),
    /** Post to the Teams webhook (URL from the secret config key authdb:teamsWebhookUrl). */
    teams: z.boolean().default(false),
  });

  const severity = z.number().int().min(0).max(4);
  const groupRef = z.string();

  const metricAlertBase = {
    enabled: z.boolean().default(true),
    window: z.string(),
    frequency: z.string(),
    severity,
    actionGroup: groupRef,
  };

  const alertsSchema = obj({
    serverDown: obj({ ...metricAlertBase }),
    cpuPercent: obj({ ...metricAlertBase, threshold: z.number() }),
    memoryPercent: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Threshold = this share of the usable connection slots (max_connections minus Azure's reserved ones). */
    activeConnections: obj({ ...metricAlertBase, percentOfUsable: z.number() }),
    storagePercent: obj({ ...metricAlertBase, threshold: z.number() }),
    failedConnections: obj({ ...metricAlertBase, threshold: z.number() }),
    diskIopsPercent: obj({ ...metricAlertBase, threshold: z.number() }),
    replicaLagSeconds: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Enhanced metric `deadlocks` (needs metrics.collector_database_activity = on, which the platform declares). */
    deadlocks: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Log alert on Query Store runtime data (no metric exists for average query time). */
    queryResponseTimeMs: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Log alert on the server log: statements logged by log_min_duration_statement per window. */
    slowQueriesPerHour: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Log alert on Query Store wait sampling: estimated lock wait per execution, in ms (D95). */
    lockWaitMs: obj({ ...metricAlertBase, threshold: z.number() }),
    /** Activity-log alert on Resource Health events (failover, unavailability) of the servers. */
    resourceHealth: obj({ enabled: z.boolean().default(true), actionGroup: groupRef }),
  });

  const monitoringSchema = obj({
    /**
     * Name of the diagnostic setting on every server and the vault. Organisations that assign Microsoft's
     * DeployIfNotExists diagnostic-settings policy use its profile name here, so the policy finds this setting instead
     * of adding a second one (the built-in's default is setbypolicy_logAnalytics).
     */
    diagnosticSettingName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,260}$/, { message: "is not a valid diagnostic setting name" })
      .default("setbypolicy_logAnalytics"),
    workspace: obj({
      name,
      /** Interactive retention of the workspace (plan: logs 30 days). */
      retentionDays: z.number().int(),
      /** Total retention of the metric table AzureMetrics (plan: metrics 90 days). */
      metricsRetentionDays: z.number().int(),
    }),
    actionGroups: z.record(z.string(), actionGroupSchema),
    alerts: alertsSchema,
    /**
     * Cost budget on the resource group: Cost Management notifies the listed action groups when
     * actual cost passes actualPercent of the amount, or forecast cost passes forecastPercent. The amount is in the
     * billing currency of the subscription (Cost Management has no currency field on a budget).
     */
    budget: obj({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,63}$/, { message: "is not a valid budget name (letters, digits, - and _)" }),
      amount: z.number(),
      /** First day of the first budget month, YYYY-MM-01 (Cost Management requires the first of a month). */
      startDate: z.string(),
      actualPercent: z.number().default(80),
      forecastPercent: z.number().default(100),
      actionGroups: z.array(groupRef).default(["warning", "critical"]),
    }).optional(),
  });

  const kubernetesSchema = obj({
    enabled: z.boolean(),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "is not a valid Kubernetes namespace name" }),
    serviceAccountName: z.string(),
    /** Client id of the user-assigned identity federated with the service account (workload identity). */
    workloadIdentityClientId: uuid.optional(),
    /** The bootstrap Job's own service account, federated with the bootstrap identity (not the application's). */
    bootstrapServiceAccountName: z.string().default("authdb-bootstrap"),
    /** Client id of the bootstrap's user-assigned identity (keyVault.bootstrapPrincipalId is its object id). */
    bootstrapIdentityClientId: uuid.optional(),
    bootstrapImage: z.string(),
  });

  /**
   * Long-term retention (R-DR-4, D73–D76): an Azure Backup vault holding weekly logical backups of the primary for
   * weeks, months and years beyond the server's own 35 days. Times are local wall-clock time, like the maintenance
   * window.
   */
  const longTermBackupSchema = obj({
    vaultName: z.string(),
    /** Storage redundancy of the vault (GeoRedundant keeps a copy in the paired region). */
    redundancy: z.enum(["GeoRedundant", "ZoneRedundant", "LocallyRedundant"]),
    /** Restore from the paired region's copy at any time, not only after Microsoft declares a region outage. */
    crossRegionRestore: z.boolean().default(false),
    /** Unlocked: immutable but reversible; Locked: irreversible (D74). */
    immutability: z.enum(["Disabled", "Unlocked", "Locked"]),
    /** Days a deleted backup stays recoverable. */
    softDeleteRetentionDays: z.number().int(),
    schedule: obj({
      dayOfWeek,
      startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "is not HH:MM (24-hour clock)" }),
      utcOffsetHours: z.number().int().min(-12).max(14),
    }),
    /** How long recovery points stay in the vault: every weekly one, the first of each month, the first of each year. */
    retention: obj({
      weeks: z.number().int(),
      months: z.number().int().optional(),
      years: z.number().int().optional(),
    }),
  });

  const commonSchema = {
    environment: z.string().regex(/^[a-z][a-z0-9-]*$/),
    service: name,
    tags,
    database: databaseSchema,
    passwords: passwordsSchema,
    kubernetes: kubernetesSchema.optional(),
    /**
     * Opt-ins that weaken the default. applicationPassword: also publish the application password as a (secret) stack
     * output — for the local twin; on Azure consumers read Key Vault with their own identity.
     */
    outputs: obj({ applicationPassword: z.boolean() }).default({ applicationPassword: false }),
  };

  const azurePlatformSchema = obj({
    kind: z.literal("azure"),
    ...commonSchema,
    subscriptionId: uuid.optional(),
    resourceGroupName: z.string().regex(/^[-\w._()]{1,90}$/, { message: "is not a valid resource group name" }),
    location: region,
    /**
     * The region whose server is the primary today (D72): `location` (the configured primary) until a switchover,
     * then the reader endpoint target's region. Set after a promotion so `pulumi up` converges on the swapped roles.
     */
    primaryRegion: region.optional(),
    server: serverSchema,
    replicas: z.array(replicaSchema).default([]),
    /**
     * The pair of virtual endpoints on the primary (R-DR-1, D70): `<name>.writer.postgres.database.azure.com` always
     * points to the primary, `<name>.reader.…` to `readerTarget` (a replica; default the first cross-region one).
     */
    virtualEndpoints: obj({ name: z.string(), readerTarget: z.string().optional() }).optional(),
    entraAdmin: entraAdminSchema,
    /** Long-term retention of the primary in an Azure Backup vault (required in prod by policy B3). */
    longTermBackup: longTermBackupSchema.optional(),
    network: networkSchema,
    keyVault: keyVaultSchema,
    monitoring: monitoringSchema,
    /**
     * Microsoft Defender for open-source relational databases. `server`: the server's own advanced threat protection
     * setting (what Azure Policy 2a6ae02f deploys); `subscription`: the subscription's OpenSourceRelationalDatabases plan
     * (every such server in the subscription, needs Security Admin on it).
     */
    defender: obj({ enabled: z.boolean(), scope: z.enum(["server", "subscription"]) }),
  });

  const localPlatformSchema = obj({
    kind: z.literal("local"),
    ...commonSchema,
    local: obj({
      image: z.string(),
      networkName: name,
      primaryPort: z.number().int().min(1024).max(65535),
      replicaPort: z.number().int().min(1024).max(65535),
      administratorLogin: z.string(),
    }),
  });

  const platformSchema = z.discriminatedUnion("kind", [azurePlatformSchema, localPlatformSchema]);
  return {
    platformSchema,
    azurePlatformSchema,
    localPlatformSchema,
    vnetSchema,
    passwordsSchema,
    replicaSchema,
    alertsSchema,
    actionGroupSchema,
    storageSchema,
    skuSchema,
    kubernetesSchema,
    longTermBackupSchema,
  };
}

const strictSchemas = buildSchemas(true);
export const platformSchema = strictSchemas.platformSchema;
export const lenientPlatformSchema = buildSchemas(false).platformSchema;
type Schemas = typeof strictSchemas;

export type AzurePlatformInput = z.infer<Schemas["azurePlatformSchema"]>;
export type LocalPlatformInput = z.infer<Schemas["localPlatformSchema"]>;
export type PlatformInput = z.infer<typeof platformSchema>;
export type ReplicaInput = z.infer<Schemas["replicaSchema"]>;
export type VnetInput = z.infer<Schemas["vnetSchema"]>;
export type AlertsInput = z.infer<Schemas["alertsSchema"]>;
export type ActionGroupInput = z.infer<Schemas["actionGroupSchema"]>;
export type StorageInput = z.infer<Schemas["storageSchema"]>;
export type SkuInput = z.infer<Schemas["skuSchema"]>;
export type KubernetesInput = z.infer<Schemas["kubernetesSchema"]>;
export type PasswordsInput = z.infer<Schemas["passwordsSchema"]>;
export type LongTermBackupInput = z.infer<Schemas["longTermBackupSchema"]>;
