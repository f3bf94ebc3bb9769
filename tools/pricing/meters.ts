/**
 * The meters the program can incur, as data: for each, the unit the estimator counts in and how the Azure Retail
 * Prices API is asked for it (which documented filter fields narrow the query, and the predicate that picks the one
 * item). Pure, so the query builder and the selection are tested on fixtures.
 *
 * Where the selectors come from: the API's documented filter fields (serviceName, armRegionName, priceType — Learn,
 * "Azure Retail Prices overview", rest/api/cost-management/retail-prices/azure-retail-prices, "API filters") are used
 * for the query; the product and meter names inside a service are NOT documented on Learn, so the predicates below are
 * deliberately loose and are checked against the API every time `npm run prices:refresh` runs: a meter with no match,
 * or with more than one price, stays unpriced and the refresh prints the candidates instead of guessing.
 */

/** A retail price item, in the fields the estimator keeps (Learn, "API property details"). */
export interface RetailItem {
  readonly currencyCode: string;
  readonly tierMinimumUnits: number;
  readonly retailPrice: number;
  readonly unitPrice: number;
  readonly armRegionName: string;
  readonly effectiveStartDate?: string;
  readonly meterId?: string;
  readonly meterName: string;
  readonly productName: string;
  readonly skuName: string;
  readonly serviceName: string;
  readonly unitOfMeasure: string;
  readonly type: string;
  readonly armSkuName?: string;
  readonly isPrimaryMeterRegion?: boolean;
  readonly reservationTerm?: string;
}

export interface MeterSpec {
  /** The estimator's own key, e.g. `postgres-compute:GeneralPurpose:Ddsv5`. */
  readonly meter: string;
  /** What the meter bills, for people. */
  readonly description: string;
  /** The unit the estimator counts quantities in (the API's unitOfMeasure is converted to it). */
  readonly unit: string;
  /** Documented filter field `serviceName` (exact, case-sensitive in API 2023-01-01-preview and later). */
  readonly serviceName: string;
  /** Picks the item among a service's items in one region. */
  readonly matches: (item: RetailItem) => boolean;
}

const has = (text: string, ...parts: string[]) => parts.every((p) => text.toLowerCase().includes(p.toLowerCase()));
/** Reserved, spot, low-priority and dev/test rows are never the pay-as-you-go price. */
const payAsYouGo = (i: RetailItem) =>
  i.type === "Consumption" && !/spot|low priority/i.test(`${i.meterName} ${i.skuName}`) && !i.reservationTerm;

const POSTGRES = "Azure Database for PostgreSQL";

/** `Standard_D4ds_v5` → `Ddsv5`; `Standard_E8ds_v4` → `Edsv4`; `Standard_D4s_v3` → `Dsv3`; Burstable → `B2ms`. */
export function skuSeries(skuName: string): string | undefined {
  const m = /^Standard_([A-Z])(\d+)([a-z]*)_v(\d+)$/.exec(skuName);
  if (m) return `${m[1]}${m[3]}v${m[4]}`;
  const b = /^Standard_(B\d+[a-z]*)$/.exec(skuName);
  return b ? b[1] : undefined;
}

const TIER_WORDS: Readonly<Record<string, string>> = {
  GeneralPurpose: "General Purpose",
  MemoryOptimized: "Memory Optimized",
  Burstable: "Burstable",
};

/** Compute: per vCore-hour for General Purpose and Memory Optimized, per instance-hour for Burstable. */
export function postgresComputeMeter(tier: string, series: string): MeterSpec {
  const words = TIER_WORDS[tier] ?? tier;
  if (tier === "Burstable") {
    return {
      meter: `postgres-compute:Burstable:${series}`,
      description: `PostgreSQL Flexible Server Burstable ${series} compute`,
      unit: "instance-hour",
      serviceName: POSTGRES,
      matches: (i) =>
        payAsYouGo(i) &&
        has(i.productName, "Flexible Server", "Burstable") &&
        i.meterName.toLowerCase() === series.toLowerCase() &&
        has(i.unitOfMeasure, "hour"),
    };
  }
  const seriesWord = series.toLowerCase();
  return {
    meter: `postgres-compute:${tier}:${series}`,
    description: `PostgreSQL Flexible Server ${words} ${series} compute`,
    unit: "vCore-hour",
    serviceName: POSTGRES,
    matches: (i) =>
      payAsYouGo(i) &&
      has(i.productName, "Flexible Server", words, `${seriesWord} series`, "compute") &&
      i.meterName.toLowerCase() === "vcore" &&
      has(i.unitOfMeasure, "hour"),
  };
}

export const POSTGRES_STORAGE: MeterSpec = {
  meter: "postgres-storage",
  description: "PostgreSQL Flexible Server Premium SSD storage, per provisioned GiB",
  unit: "GiB-month",
  serviceName: POSTGRES,
  matches: (i) =>
    payAsYouGo(i) &&
    has(i.productName, "Flexible Server Storage") &&
    has(i.meterName, "Storage Data Stored") &&
    !has(i.meterName, "v2"),
};

/** A performance tier above the disk size's baseline (docs/decisions.md D1: P30 on a 256 GiB disk). */
export function postgresTierMeter(tier: string): MeterSpec {
  return {
    meter: `postgres-storage-tier:${tier}`,
    description: `PostgreSQL Flexible Server Premium SSD performance tier ${tier} above the size's baseline`,
    unit: "disk-month",
    serviceName: POSTGRES,
    matches: (i) => payAsYouGo(i) && has(i.productName, "Flexible Server") && has(i.meterName, tier, "tier"),
  };
}

export type BackupRedundancy = "LRS" | "ZRS" | "GRS";

export function postgresBackupMeter(redundancy: BackupRedundancy): MeterSpec {
  return {
    meter: `postgres-backup:${redundancy}`,
    description: `PostgreSQL Flexible Server backup storage beyond the free allowance (${redundancy})`,
    unit: "GiB-month",
    serviceName: POSTGRES,
    matches: (i) =>
      payAsYouGo(i) && has(i.productName, "Flexible Server", "Backup") && has(i.meterName, redundancy, "Data Stored"),
  };
}

export const LOG_ANALYTICS_INGESTION: MeterSpec = {
  meter: "log-analytics-ingestion",
  description: "Log Analytics Analytics-plan data ingestion",
  unit: "GB",
  serviceName: "Log Analytics",
  matches: (i) => payAsYouGo(i) && has(i.meterName, "Analytics Logs", "Ingestion"),
};

export const LOG_ANALYTICS_RETENTION: MeterSpec = {
  meter: "log-analytics-retention",
  description: "Log Analytics data retention beyond the included interactive period",
  unit: "GB-month",
  serviceName: "Log Analytics",
  matches: (i) => payAsYouGo(i) && has(i.meterName, "Data Retention") && !has(i.meterName, "Basic", "Auxiliary"),
};

export const PRIVATE_ENDPOINT_HOURS: MeterSpec = {
  meter: "private-endpoint-hour",
  description: "Private endpoint, per hour",
  unit: "hour",
  serviceName: "Virtual Network",
  matches: (i) => payAsYouGo(i) && has(i.productName, "Private Link") && has(i.meterName, "Private Endpoint"),
};

export const PRIVATE_ENDPOINT_DATA: MeterSpec = {
  meter: "private-endpoint-data",
  description: "Private endpoint data processed (ingress and egress)",
  unit: "GB",
  serviceName: "Virtual Network",
  matches: (i) => payAsYouGo(i) && has(i.productName, "Private Link") && has(i.meterName, "Data Processed"),
};

export type PeeringDirection = "Ingress" | "Egress";

export function peeringMeter(global: boolean, direction: PeeringDirection): MeterSpec {
  const kind = global ? "global" : "intra-region";
  return {
    meter: `vnet-peering:${kind}:${direction}`,
    description: `VNet ${global ? "global" : "intra-region"} peering data, ${direction.toLowerCase()}`,
    unit: "GB",
    serviceName: "Virtual Network",
    matches: (i) =>
      payAsYouGo(i) &&
      has(i.productName, global ? "Global" : "Peering", "Peering") &&
      (global || !has(i.productName, "Global")) &&
      has(i.meterName, direction),
  };
}

export const METRIC_ALERT_TIME_SERIES: MeterSpec = {
  meter: "metric-alert-time-series",
  description: "Metric alert rule, per monitored time series",
  unit: "time-series-month",
  serviceName: "Azure Monitor",
  matches: (i) => payAsYouGo(i) && has(i.meterName, "Alerts", "Metric") && has(i.meterName, "Time Series"),
};

/** Log search alert rules are billed by evaluation frequency (the rule's PT5M, PT15M, …). */
export function logAlertMeter(frequency: string): MeterSpec {
  const minutes = /^PT(\d+)M$/.exec(frequency)?.[1] ?? /^PT(\d+)H$/.exec(frequency)?.[1];
  return {
    meter: `log-alert-rule:${frequency}`,
    description: `Log search alert rule evaluated every ${frequency}`,
    unit: "time-series-month",
    serviceName: "Azure Monitor",
    matches: (i) =>
      payAsYouGo(i) && has(i.meterName, "Alerts", "Log") && (minutes === undefined || has(i.meterName, minutes)),
  };
}

export const KEY_VAULT_OPERATIONS: MeterSpec = {
  meter: "key-vault-operations",
  description: "Key Vault Standard secret operations",
  unit: "operation",
  serviceName: "Key Vault",
  matches: (i) =>
    payAsYouGo(i) &&
    has(i.skuName, "Standard") &&
    has(i.meterName, "Operations") &&
    !has(i.meterName, "Advanced", "HSM"),
};

export const PRIVATE_DNS_ZONE: MeterSpec = {
  meter: "private-dns-zone",
  description: "Azure DNS private zone, per zone",
  unit: "zone-month",
  serviceName: "Azure DNS",
  matches: (i) => payAsYouGo(i) && has(i.meterName, "Private Zone") && i.tierMinimumUnits === 0,
};

export const PRIVATE_DNS_QUERIES: MeterSpec = {
  meter: "private-dns-queries",
  description: "Azure DNS private zone queries",
  unit: "query",
  serviceName: "Azure DNS",
  matches: (i) => payAsYouGo(i) && has(i.meterName, "Private Queries"),
};

export const DEFENDER_OSS_DATABASES: MeterSpec = {
  meter: "defender-oss-databases",
  description: "Microsoft Defender for open-source relational databases, per protected server",
  unit: "server-hour",
  serviceName: "Microsoft Defender for Cloud",
  matches: (i) => payAsYouGo(i) && has(`${i.productName} ${i.meterName}`, "Open-Source Relational"),
};

export const BACKUP_VAULT_INSTANCE: MeterSpec = {
  meter: "backup-vault-instance",
  description: "Azure Backup (vault) protected PostgreSQL Flexible Server instance",
  unit: "instance-month",
  serviceName: "Backup",
  matches: (i) => payAsYouGo(i) && has(i.productName, "PostgreSQL") && has(i.meterName, "Protected Instance"),
};

export const BACKUP_VAULT_STORAGE: MeterSpec = {
  meter: "backup-vault-storage",
  description: "Azure Backup (vault) backup storage",
  unit: "GB-month",
  serviceName: "Backup",
  matches: (i) => payAsYouGo(i) && has(i.productName, "PostgreSQL") && has(i.meterName, "Data Stored"),
};

const FIXED: readonly MeterSpec[] = [
  POSTGRES_STORAGE,
  LOG_ANALYTICS_INGESTION,
  LOG_ANALYTICS_RETENTION,
  PRIVATE_ENDPOINT_HOURS,
  PRIVATE_ENDPOINT_DATA,
  METRIC_ALERT_TIME_SERIES,
  KEY_VAULT_OPERATIONS,
  PRIVATE_DNS_ZONE,
  PRIVATE_DNS_QUERIES,
  DEFENDER_OSS_DATABASES,
  BACKUP_VAULT_INSTANCE,
  BACKUP_VAULT_STORAGE,
];

/** The spec of a meter key the estimator produced (parameterised keys are rebuilt from their parts). */
export function meterSpec(meter: string): MeterSpec | undefined {
  const fixed = FIXED.find((m) => m.meter === meter);
  if (fixed) return fixed;
  const [kind, a, b] = meter.split(":");
  switch (kind) {
    case "postgres-compute":
      return a && b ? postgresComputeMeter(a, b) : undefined;
    case "postgres-storage-tier":
      return a ? postgresTierMeter(a) : undefined;
    case "postgres-backup":
      return a === "LRS" || a === "ZRS" || a === "GRS" ? postgresBackupMeter(a) : undefined;
    case "vnet-peering":
      return (a === "global" || a === "intra-region") && (b === "Ingress" || b === "Egress")
        ? peeringMeter(a === "global", b)
        : undefined;
    case "log-alert-rule":
      return a ? logAlertMeter(a) : undefined;
    default:
      return undefined;
  }
}
