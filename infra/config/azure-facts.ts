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
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "koreasouth",
  },
  koreasouth: {
    displayName: "Korea South",
    availabilityZones: false,
    premiumV2: false,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "koreacentral",
  },
  japaneast: {
    displayName: "Japan East",
    availabilityZones: true,
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: false,
    pairedRegion: "japanwest",
  },
  eastus: {
    displayName: "East US",
    availabilityZones: true,
    premiumV2: true,
    premiumV2WithHaReplicasGeoBackup: true,
    pairedRegion: "westus",
  },
};

/** Metric alert `windowSize` values Azure accepts. */
export const METRIC_ALERT_WINDOWS = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"] as const;
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
 * with a generic InternalServerError (facts file, row 7).
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
