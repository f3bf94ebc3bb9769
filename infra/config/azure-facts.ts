/**
 * Facts about Azure Database for PostgreSQL Flexible Server that config validation, the components and the policy pack
 * rely on. Kept as data so each rule in rules.ts reads like the documentation, and each fact carries its source in
 * FACT_SOURCES (a test fails for an exported fact without one).
 */

/** Where a fact comes from: the owner's document and the sentence it rests on. */
export interface Source {
  /**
   * learn: Microsoft Learn (MicrosoftDocs/azure-databases-docs, azure-docs); rest-spec: Azure/azure-rest-api-specs;
   * provider: pulumi/pulumi-azure-native; azure-policy: Azure/azure-policy built-ins; postgresql: PostgreSQL's docs or
   * source; observed: behaviour seen by this project that no document states (docs/first-deploy.md says how to check).
   */
  readonly kind: "learn" | "rest-spec" | "provider" | "azure-policy" | "postgresql" | "observed";
  /** Page URL or repository path. */
  readonly ref: string;
  /** The sentence (verbatim) the fact rests on. */
  readonly quote: string;
}

export const LEARN_FLEXIBLE_SERVER = "https://learn.microsoft.com/azure/postgresql/flexible-server/";
export const learn = (page: string, quote: string): Source => ({
  kind: "learn",
  ref: `${LEARN_FLEXIBLE_SERVER}${page}`,
  quote,
});

export type SkuTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";

export interface SkuInfo {
  readonly tier: SkuTier;
  readonly vCores: number;
  readonly memoryGiB: number;
}

const sku = (tier: SkuTier, vCores: number, memoryGiB: number): SkuInfo => ({ tier, vCores, memoryGiB });

/** Compute sizes offered for PostgreSQL 15 Flexible Server (subset the platform may use). */
export const SKUS: Readonly<Record<string, SkuInfo>> = {
  Standard_B1ms: sku("Burstable", 1, 2),
  Standard_B2s: sku("Burstable", 2, 4),
  Standard_B2ms: sku("Burstable", 2, 8),
  Standard_B4ms: sku("Burstable", 4, 16),
  Standard_B8ms: sku("Burstable", 8, 32),
  Standard_D2s_v3: sku("GeneralPurpose", 2, 8),
  Standard_D4s_v3: sku("GeneralPurpose", 4, 16),
  Standard_D8s_v3: sku("GeneralPurpose", 8, 32),
  Standard_D16s_v3: sku("GeneralPurpose", 16, 64),
  Standard_D2ds_v4: sku("GeneralPurpose", 2, 8),
  Standard_D4ds_v4: sku("GeneralPurpose", 4, 16),
  Standard_D8ds_v4: sku("GeneralPurpose", 8, 32),
  Standard_D2ds_v5: sku("GeneralPurpose", 2, 8),
  Standard_D4ds_v5: sku("GeneralPurpose", 4, 16),
  Standard_D8ds_v5: sku("GeneralPurpose", 8, 32),
  Standard_D16ds_v5: sku("GeneralPurpose", 16, 64),
  Standard_E2ds_v5: sku("MemoryOptimized", 2, 16),
  Standard_E4ds_v5: sku("MemoryOptimized", 4, 32),
  Standard_E8ds_v5: sku("MemoryOptimized", 8, 64),
  Standard_E16ds_v5: sku("MemoryOptimized", 16, 128),
};

/** Premium SSD (v1) disk sizes Flexible Server accepts, in GiB. */
export const PREMIUM_SSD_SIZES_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

/** Performance tiers in ascending order with their baseline IOPS and the disk size that ships with each by default. */
export const PREMIUM_SSD_TIERS = [
  { tier: "P4", iops: 120, defaultForGB: 32 },
  { tier: "P6", iops: 240, defaultForGB: 64 },
  { tier: "P10", iops: 500, defaultForGB: 128 },
  { tier: "P15", iops: 1100, defaultForGB: 256 },
  { tier: "P20", iops: 2300, defaultForGB: 512 },
  { tier: "P30", iops: 5000, defaultForGB: 1024 },
  { tier: "P40", iops: 7500, defaultForGB: 2048 },
  { tier: "P50", iops: 7500, defaultForGB: 4096 },
  { tier: "P60", iops: 16000, defaultForGB: 8192 },
  { tier: "P70", iops: 18000, defaultForGB: 16384 },
  { tier: "P80", iops: 20000, defaultForGB: 32767 },
] as const;

export type PremiumSsdTier = (typeof PREMIUM_SSD_TIERS)[number]["tier"];

export function tierRank(tier: string): number {
  return PREMIUM_SSD_TIERS.findIndex((t) => t.tier === tier);
}

/** The lowest tier Azure allows for a disk size (the size's own default tier). */
export function baselineTierFor(sizeGB: number): PremiumSsdTier {
  const match = PREMIUM_SSD_TIERS.find((t) => t.defaultForGB >= sizeGB);
  return (match ?? PREMIUM_SSD_TIERS[PREMIUM_SSD_TIERS.length - 1]).tier;
}

export interface RegionInfo {
  readonly displayName: string;
  readonly availabilityZones: boolean;
  /** New zone-redundant HA deployments are possible (East US: "temporarily blocked" in the region table). */
  readonly zoneRedundantHa: boolean;
  /** Premium SSD v2 exists in the region at all. */
  readonly premiumV2: boolean;
  /** Premium SSD v2 can be combined with HA, read replicas and geo-redundant backup there. */
  readonly premiumV2WithHaReplicasGeoBackup: boolean;
  /** The Azure paired region (geo-redundant backups are stored there). */
  readonly pairedRegion: string;
}

export const REGIONS: Readonly<Record<string, RegionInfo>> = {
  koreacentral: {
    displayName: "Korea Central",
    availabilityZones: true,
    zoneRedundantHa: true,
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "koreasouth",
  },
  koreasouth: {
    displayName: "Korea South",
    availabilityZones: false,
    zoneRedundantHa: false,
    premiumV2: false,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "koreacentral",
  },
  japaneast: {
    displayName: "Japan East",
    availabilityZones: true,
    zoneRedundantHa: true,
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "japanwest",
  },
  eastus: {
    displayName: "East US",
    availabilityZones: true,
    zoneRedundantHa: false,
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: true,
    pairedRegion: "westus",
  },
};

/** Metric alert `windowSize` values Azure accepts. */
export const METRIC_ALERT_WINDOWS = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "PT24H"] as const;
/** Metric alert `evaluationFrequency` values Azure accepts. */
export const METRIC_ALERT_FREQUENCIES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"] as const;
/** Log (scheduled query) alert windows and frequencies Azure accepts. */
export const LOG_ALERT_WINDOWS = [
  "PT5M",
  "PT10M",
  "PT15M",
  "PT30M",
  "PT45M",
  "PT1H",
  "PT2H",
  "PT3H",
  "PT6H",
  "P1D",
] as const;
export const LOG_ALERT_FREQUENCIES = ["PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H"] as const;

/** ISO-8601 duration (the subset Azure uses) in minutes, for "frequency ≤ window" checks. */
export function durationMinutes(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) return Number.NaN;
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Azure's limit on read replicas per primary. */
export const MAX_REPLICAS = 5;

/** Backup retention Azure accepts, in days. */
export const BACKUP_RETENTION_RANGE = { min: 7, max: 35 } as const;

/** Key Vault soft-delete retention Azure accepts, in days. */
export const SOFT_DELETE_RANGE = { min: 7, max: 90 } as const;

/**
 * Flexible Server takes glibc locale names in the `ll_CC.utf8` spelling (plus C and POSIX); `ko_KR.UTF-8` is rejected
 * with a generic InternalServerError (D7).
 */
export const COLLATION_PATTERN = /^(C|POSIX|C\.utf8|[a-z]{2,3}_[A-Z]{2}\.utf8)$/;

/** PostgreSQL server's private DNS zone must end with this suffix to be accepted for VNet integration. */
export const POSTGRES_PRIVATE_DNS_SUFFIX = ".postgres.database.azure.com";

/** Compute tiers whose servers can have read replicas (and be one). */
export const REPLICA_COMPUTE_TIERS: readonly SkuTier[] = ["GeneralPurpose", "MemoryOptimized"];

/** The storage type a primary must have for read replicas. */
export const REPLICA_STORAGE_TYPES = ["Premium_LRS"] as const;

/** Compute tiers the built-in PgBouncer runs on. */
export const PGBOUNCER_COMPUTE_TIERS: readonly SkuTier[] = ["GeneralPurpose", "MemoryOptimized"];

/** Port of the built-in PgBouncer on every server (the PostgreSQL port itself is 5432). */
export const PGBOUNCER_PORT = 6432;

// ---------------------------------------------------------------------------------------------------------------------
// Long-term retention in an Azure Backup vault (D73–D76)

/** Largest server an LTR (vaulted) backup supports, in GiB (1 TiB). */
export const LTR_MAX_SERVER_SIZE_GB = 1024;

/** Retention of a vaulted recovery point, in days: seven days to ten years. */
export const LTR_RETENTION_RANGE_DAYS = { min: 7, max: 3650 } as const;

/** Soft-delete retention of a Backup vault, in days. */
export const BACKUP_VAULT_SOFT_DELETE_RANGE = { min: 14, max: 180 } as const;

/** Backup vault names (REST spec `RestrictedVaultName`: 2–50 characters). */
export const BACKUP_VAULT_NAME = /^[A-Za-z][-A-Za-z0-9]{0,48}[A-Za-z0-9]$/;

/** The datasource type of a Flexible Server in Azure Backup (policy datasourceTypes, instance dataSourceInfo). */
export const LTR_DATASOURCE_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";

/**
 * Built-in roles the vault's managed identity needs for LTR backups: the LTR backup role on the server and Reader on
 * the server's resource group.
 */
export const LTR_VAULT_ROLES = {
  longTermRetentionBackup: "c088a766-074b-43ba-90d4-1fb21feae531",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

/** At most this many on-demand backups per server; they are kept for the server's backup retention. */
export const MAX_ON_DEMAND_BACKUPS = 7;

// ---------------------------------------------------------------------------------------------------------------------
// Where each fact comes from (a test fails for an exported fact without an entry here).

const DB_DOCS = "MicrosoftDocs/azure-databases-docs";

export const FACT_SOURCES: Readonly<Record<string, Source>> = {
  SKUS: {
    kind: "learn",
    ref: `${DB_DOCS} articles/postgresql/compute-storage/concepts-compute.md (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute)`,
    quote:
      "| B1ms | 1 | 2 GiB | … | D2ds_v5 / D2ads_v5 | 2 | 8 GiB | … | D4ds_v5 / D4ads_v5 | 4 | 16 GiB | … | E2ds_v5 / E2ads_v5 | 2 | 16 GiB | …",
  },
  PREMIUM_SSD_SIZES_GB: {
    kind: "learn",
    ref: `${DB_DOCS} articles/postgresql/compute-storage/concepts-storage.md`,
    quote:
      "| 32 GiB | Provisioned 120; up to 3,500 | … | 256 GiB | Provisioned 1,100; up to 3,500 | … | 32 TiB | 20,000 | … | **Max disk size** | 65,536 GiB | 32,767 GiB |",
  },
  PREMIUM_SSD_TIERS: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs includes/disk-storage-premium-ssd-sizes.md (https://learn.microsoft.com/azure/virtual-machines/disks-types#premium-ssd-size)",
    quote:
      "| Premium SSD sizes | … | P4 | P6 | P10 | P15 | P20 | P30 | P40 | P50 | P60 | P70 | P80 | | Base provisioned IOPS per disk | … | 120 | 240 | 500 | 1,100 | 2,300 | 5,000 | 7,500 | 7,500 | 16,000 | 18,000 | 20,000 |",
  },
  REGIONS: {
    kind: "learn",
    ref: `${DB_DOCS} articles/postgresql/includes/regions-table.md (https://learn.microsoft.com/azure/postgresql/flexible-server/overview#azure-regions); pairs: MicrosoftDocs/azure-docs articles/reliability/cross-region-replication-azure.md`,
    quote:
      "| East US | … | :white_check_mark: $ | … | Korea Central | … | :white_check_mark: ** | :white_check_mark: | :white_check_mark: | | Korea South | … | :x: | :white_check_mark: | :white_check_mark: | — `$` indicates new zone-redundant HA deployments are temporarily blocked; pairs: | Korea |Korea Central |Korea South\\* |",
  },
  METRIC_ALERT_WINDOWS: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/azure-monitor/alerts/alerts-metric-create-templates.md (the REST spec 2018-03-01 metricAlert_API.json gives no list, only 'ISO 8601 duration')",
    quote: '"windowSize": { … "allowedValues": [ "PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "PT24H" ]',
  },
  METRIC_ALERT_FREQUENCIES: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/azure-monitor/alerts/alerts-metric-create-templates.md",
    quote: '"evaluationFrequency": { … "allowedValues": [ "PT1M", "PT5M", "PT15M", "PT30M", "PT1H" ]',
  },
  LOG_ALERT_WINDOWS: {
    kind: "rest-spec",
    ref: "Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/stable/2023-12-01/examples (scheduledQueryRule create) — no documented list; this set is what the portal offers (docs/first-deploy.md checks one)",
    quote: '"evaluationFrequency": "PT5M", … "windowSize": "PT10M",',
  },
  LOG_ALERT_FREQUENCIES: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/azure-monitor/alerts/alerts-create-log-alert-rule.md",
    quote:
      "|Frequency of evaluation|How often the query is run. Can be set anywhere from one minute to one day (24 hours).|",
  },
  MAX_REPLICAS: learn("concepts-read-replicas", "You can replicate from the primary server to up to five replicas."),
  BACKUP_RETENTION_RANGE: learn(
    "concepts-backup-restore",
    "The default backup retention period is 7 days, but you can extend the period to a maximum of 35 days.",
  ),
  SOFT_DELETE_RANGE: {
    kind: "rest-spec",
    ref: "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json (VaultProperties.softDeleteRetentionInDays)",
    quote: "softDeleteRetentionInDays … It accepts >=7 and <=90.",
  },
  COLLATION_PATTERN: {
    kind: "observed",
    ref: "REST spec 2025-08-01 Databases.json example collation 'en_US.utf8' and pattern ^[a-zA-Z\\-]+([. ]|\\w)*$ (accepts ko_KR.utf8, rejects ko_KR.UTF-8); no Learn page lists collations — docs/first-deploy.md checks it",
    quote: '"properties": { "charset": "utf8", "collation": "en_US.utf8" }',
  },
  POSTGRES_PRIVATE_DNS_SUFFIX: learn(
    "concepts-networking-private#use-a-private-dns-zone",
    "If you use an Azure API, an ARM template, Bicep or Terraform, create Private DNS zones that end with `.postgres.database.azure.com`.",
  ),
  REPLICA_COMPUTE_TIERS: learn(
    "concepts-read-replicas",
    "Read Replicas are currently supported for the General Purpose and Memory Optimized server compute tiers. The Burstable server compute tier is not supported.",
  ),
  REPLICA_STORAGE_TYPES: learn(
    "concepts-read-replicas",
    "**Premium SSD v2**: As of the current release, if the primary server uses Premium SSD v2 for storage, the creation of read replicas isn't supported.",
  ),
  PGBOUNCER_COMPUTE_TIERS: learn(
    "concepts-pgbouncer",
    "The PgBouncer feature is currently not supported with the Burstable server compute tier.",
  ),
  PGBOUNCER_PORT: learn("concepts-pgbouncer", "PgBouncer runs on port 6432 on your database server."),
  LTR_MAX_SERVER_SIZE_GB: {
    kind: "learn",
    ref: `${DB_DOCS} articles/postgresql/flexible-server/concepts-backup-restore.md#long-term-retention (Limitations and considerations)`,
    quote: "The maximum supported database size for Long-Term Retention (LTR) backups is 1 TiB.",
  },
  LTR_RETENTION_RANGE_DAYS: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/backup/backup-azure-database-postgresql-flex.md (Create Backup policy)",
    quote: "Retention duration ranges from seven days to 10 years in the Backup data store.",
  },
  BACKUP_VAULT_SOFT_DELETE_RANGE: {
    kind: "learn",
    ref: "https://learn.microsoft.com/azure/backup/secure-by-default (What's soft delete?)",
    quote:
      "This deleted data is retained for the specified soft delete retention period which is default set to 14 days and can be extended up to 180 days.",
  },
  BACKUP_VAULT_NAME: {
    kind: "rest-spec",
    ref: "Azure/azure-rest-api-specs specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-01-01/dataprotection.json#/parameters/RestrictedVaultName",
    quote: '"pattern": "^[A-Za-z][-A-Za-z0-9]*[A-Za-z0-9]$", "minLength": 2, "maxLength": 50',
  },
  LTR_DATASOURCE_TYPE: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/backup/backup-azure-database-postgresql-flex-use-rest-api-create-update-policy.md",
    quote:
      '"properties": { "datasourceTypes": [ "Microsoft.DBforPostgreSQL/flexibleServers" ], … "objectType": "BackupPolicy"',
  },
  LTR_VAULT_ROLES: {
    kind: "learn",
    ref: "MicrosoftDocs/azure-docs articles/backup/backup-azure-database-postgresql-flex-overview.md (Set of permissions needed for Azure PostgreSQL Flexible database backup); the ids: articles/role-based-access-control/built-in-roles.md (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)",
    quote:
      "*Backup*: *PostgreSQL Flexible Server Long Term Retention Backup* role on the server. *Reader* role on the resource group of the server. — | [PostgreSQL Flexible Server Long Term Retention Backup Role](built-in-roles/databases#…) | Role to allow backup vault to access PostgreSQL Flexible Server Resource APIs for Long Term Retention Backup. | c088a766-074b-43ba-90d4-1fb21feae531 | — | [Reader](#reader) | View all resources, but does not allow you to make any changes. | acdd72a7-3385-48ef-bd42-f606fba81ae7 |",
  },
  MAX_ON_DEMAND_BACKUPS: {
    kind: "learn",
    ref: `${DB_DOCS} articles/postgresql/flexible-server/concepts-backup-restore.md#on-demand-backups`,
    quote:
      "You can take a maximum of 7 on-demand backups per flexible server, which are retained based upon the backup retention window.",
  },
};
