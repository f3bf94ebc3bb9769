/**
 * What each registered resource would bill: usage lines (meter, region, quantity, unit) derived from its inputs, plus
 * the explicit decisions for resources that carry no meter. No prices here — tools/cost.ts prices the lines — so a
 * change of the model is a change of this file and its tests alone.
 *
 * Billing rules and their sources:
 * - Compute is billed per hour the server exists; a month is `hoursPerMonth` (an assumption, printed).
 * - HA: "The primary server and the standby replica use the same virtual machine configuration, including vCores,
 *   storage, and network settings" (Learn, concepts-high-availability, azure-databases-docs
 *   articles/postgresql/high-availability/concepts-high-availability.md). The Retail Prices API has no standby meter,
 *   so the standby is counted on the primary's compute and storage meters again.
 * - Replicas are servers of their own (compute and storage); they take no backups (Learn concepts-read-replicas:
 *   "Backups are never taken from read replica servers").
 * - Backup: "up to 100 percent of your provisioned server storage as backup storage at no extra cost"; with
 *   geo-redundant backup "your backup size will be twice the size of the local backup copy. Billing is calculated as
 *   ( (2 x local backup size) - provisioned storage size ) x price" (Learn concepts-backup-restore, azure-databases-docs
 *   articles/postgresql/backup-restore/concepts-backup-restore.md, ms.date 11/28/2024). The local backup size is an
 *   assumption (`backupSizeRatio` × provisioned storage).
 * - Performance tier: managed disks are "billed at the P50 rate" while upgraded to P50 (Learn disks-change-performance,
 *   "Billing impact"); a tier above the size's baseline is therefore its own line.
 * - Metric alerts: "The monthly charge is based on actual evaluations of the time series" (Learn,
 *   alerts-metric-multiple-time-series-single-rule, "Metric alerts pricing"): each rule here is single-resource without
 *   dimensions, so one time series per criterion.
 */
import { SKUS, REGIONS, baselineTierFor, tierRank } from "../../infra/config/azure-facts.js";
import { type BackupRedundancy, skuSeries } from "../pricing/meters.js";

/** A registered resource, as much as the estimator reads of it (tools/offline.ts CapturedResource fits). */
export interface CostedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** False for Pulumi components, which are groupings, not Azure resources: they are left out of the estimate. */
  readonly custom?: boolean;
  readonly inputs: Record<string, unknown>;
}

/** Volumes the plan cannot know. Printed with every estimate as assumptions, never as results. */
export interface CostAssumptions {
  readonly hoursPerMonth: number;
  /** Local backup size over the retention window, as a multiple of provisioned storage. */
  readonly backupSizeRatio: number;
  /** Log Analytics ingestion per workspace per month (all PostgreSQL categories, AllMetrics, Key Vault audit). */
  readonly logAnalyticsGBPerMonth: number;
  /** Of that, what lands in the AzureMetrics table (its retention is raised beyond the included period). */
  readonly metricsTableGBPerMonth: number;
  /** Interactive retention Log Analytics includes at no charge, in days. */
  readonly includedRetentionDays: number;
  /** Data each peering direction carries per month (WAL to the cross-region replica, DR traffic). */
  readonly peeringGBPerMonthPerDirection: number;
  readonly privateEndpointGBPerMonth: number;
  readonly keyVaultOperationsPerMonth: number;
  readonly privateDnsQueriesPerMonth: number;
  /** GB a Backup vault stores per protected server, when the program has one. */
  readonly backupVaultGBPerInstance: number;
}

/** Defaults: round numbers for a small OLTP service; change them here and the plan prints the new ones. */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  hoursPerMonth: 730,
  backupSizeRatio: 1,
  logAnalyticsGBPerMonth: 10,
  metricsTableGBPerMonth: 1,
  includedRetentionDays: 31,
  peeringGBPerMonthPerDirection: 50,
  privateEndpointGBPerMonth: 1,
  keyVaultOperationsPerMonth: 100_000,
  privateDnsQueriesPerMonth: 1_000_000,
  backupVaultGBPerInstance: 256,
};

export const ASSUMPTION_NOTES: Readonly<Record<keyof CostAssumptions, string>> = {
  hoursPerMonth: "hours in a billed month",
  backupSizeRatio: "local backup size ÷ provisioned storage over the retention window",
  logAnalyticsGBPerMonth: "GB ingested into each Log Analytics workspace per month",
  metricsTableGBPerMonth: "GB per month landing in AzureMetrics (kept beyond the included retention)",
  includedRetentionDays: "days of interactive retention included with ingestion",
  peeringGBPerMonthPerDirection: "GB per month through each VNet peering direction",
  privateEndpointGBPerMonth: "GB per month through each private endpoint",
  keyVaultOperationsPerMonth: "Key Vault operations per vault per month",
  privateDnsQueriesPerMonth: "DNS queries per private zone per month",
  backupVaultGBPerInstance: "GB stored per Backup-vault-protected server",
};

export interface UsageLine {
  readonly meter: string;
  readonly region: string;
  readonly quantity: number;
  readonly unit: string;
  /** What the line is, for people: "primary compute 4 vCores × 730 h". */
  readonly what: string;
}

export type ResourceUsage =
  | { readonly kind: "metered"; readonly lines: readonly UsageLine[] }
  | { readonly kind: "noMeter"; readonly reason: string }
  | { readonly kind: "unknown"; readonly reason: string };

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access */
type Inputs = Record<string, any>;

/** Context the per-resource rules need from the rest of the run. */
export interface UsageContext {
  /** Region of the resource group: where global resources (alerts, DNS zones) are priced. */
  readonly primaryRegion: string;
  /** VNet name → region, to tell global peering from intra-region peering. */
  readonly vnetRegions: Readonly<Record<string, string>>;
  /** Number of PostgreSQL servers (for a subscription-wide Defender plan). */
  readonly postgresServers: number;
  readonly assumptions: CostAssumptions;
}

const NO_METER: Readonly<Record<string, string>> = {
  "azure-native:resources:ResourceGroup": "a resource group has no meter",
  "azure-native:dbforpostgresql:Configuration": "a server parameter; billed with the server",
  "azure-native:dbforpostgresql:Database": "a database inside the server; billed with the server",
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "server configuration; billed with the server",
  "azure-native:authorization:ManagementLockAtResourceLevel": "a management lock has no meter",
  "azure-native:authorization:RoleAssignment": "a role assignment has no meter",
  "azure-native:monitor:DiagnosticSetting": "the setting has no meter; what it sends is billed as workspace ingestion",
  "azure-native:network:VirtualNetwork": "no meter of its own; peering traffic is billed on the peering",
  "azure-native:network:Subnet": "part of the VNet",
  "azure-native:network:NetworkSecurityGroup": "no meter modelled for NSG rules",
  "azure-native:network:PrivateDnsZoneGroup": "configuration of the private endpoint",
  "azure-native:privatedns:VirtualNetworkLink": "no meter modelled; resolution is billed as the zone's queries",
  "azure-native:keyvault:Secret": "stored in the vault; its reads are billed as the vault's operations",
  "azure-native:dataprotection:BackupPolicy": "a backup policy has no meter",
  "azure-native:authorization:ManagementLockByScope": "a management lock has no meter",
  "azure-native:consumption:Budget": "a Cost Management budget has no meter",
  "azure-native:applicationinsights:Workbook":
    "no meter of its own; the queries it runs read data already billed as workspace ingestion",
};

function noMeterReason(type: string): string | undefined {
  if (NO_METER[type]) return NO_METER[type];
  if (/^(kubernetes|random|command|docker|pulumi):/.test(type))
    return "not billed by Azure (runs in the cluster, on the deployer or on the developer's machine)";
  return undefined;
}

function backupRedundancy(geo: boolean, region: string): BackupRedundancy {
  // Zone-redundant backup storage is "automatically chosen for regions that support availability zones"
  // (concepts-backup-restore); geo-redundant only when chosen at creation.
  if (geo) return "GRS";
  return REGIONS[region]?.availabilityZones ? "ZRS" : "LRS";
}

function postgresServer(i: Inputs, ctx: UsageContext): ResourceUsage {
  const a = ctx.assumptions;
  const region = String(i.location ?? ctx.primaryRegion);
  const skuName = String(i.sku?.name ?? "");
  const tier = String(i.sku?.tier ?? SKUS[skuName]?.tier ?? "");
  const info = SKUS[skuName];
  const series = skuSeries(skuName);
  if (!info || !series) return { kind: "unknown", reason: `SKU ${skuName} is not in the compute table` };
  const isReplica = i.createMode === "Replica";
  const ha = !isReplica && i.highAvailability?.mode !== undefined && i.highAvailability.mode !== "Disabled";
  const sizeGB = Number(i.storage?.storageSizeGB ?? 0);
  const compute = (who: string): UsageLine =>
    tier === "Burstable"
      ? {
          meter: `postgres-compute:Burstable:${series}`,
          region,
          quantity: a.hoursPerMonth,
          unit: "instance-hour",
          what: `${who} compute ${skuName} × ${a.hoursPerMonth} h`,
        }
      : {
          meter: `postgres-compute:${tier}:${series}`,
          region,
          quantity: info.vCores * a.hoursPerMonth,
          unit: "vCore-hour",
          what: `${who} compute ${skuName}: ${info.vCores} vCores × ${a.hoursPerMonth} h`,
        };
  const storage = (who: string): UsageLine[] => {
    const out: UsageLine[] = [
      { meter: "postgres-storage", region, quantity: sizeGB, unit: "GiB-month", what: `${who} storage ${sizeGB} GiB` },
    ];
    const perf = i.storage?.tier as string | undefined;
    if (perf && tierRank(perf) > tierRank(baselineTierFor(sizeGB))) {
      out.push({
        meter: `postgres-storage-tier:${perf}`,
        region,
        quantity: 1,
        unit: "disk-month",
        what: `${who} performance tier ${perf} (baseline for ${sizeGB} GiB is ${baselineTierFor(sizeGB)})`,
      });
    }
    return out;
  };
  const who = isReplica ? "replica" : "primary";
  const lines: UsageLine[] = [compute(who), ...storage(who)];
  if (ha) lines.push(compute("HA standby"), ...storage("HA standby"));
  if (!isReplica) {
    const geo = i.backup?.geoRedundantBackup === "Enabled";
    const copies = geo ? 2 : 1;
    const billed = Math.max(0, copies * a.backupSizeRatio * sizeGB - sizeGB);
    lines.push({
      meter: `postgres-backup:${backupRedundancy(geo, region)}`,
      region,
      quantity: billed,
      unit: "GiB-month",
      what: `backup beyond the free ${sizeGB} GiB: ${copies} × ${a.backupSizeRatio} × ${sizeGB} − ${sizeGB}`,
    });
  }
  return { kind: "metered", lines };
}

function peering(i: Inputs, ctx: UsageContext): ResourceUsage {
  const from = ctx.vnetRegions[String(i.virtualNetworkName)];
  const remoteName = String(i.remoteVirtualNetwork?.id ?? "")
    .split("/")
    .pop();
  const to = remoteName ? ctx.vnetRegions[remoteName] : undefined;
  if (!from || !to) return { kind: "unknown", reason: "peered VNets' regions are not in the run" };
  const global = from !== to;
  const gb = ctx.assumptions.peeringGBPerMonthPerDirection;
  const kind = global ? "global" : "intra-region";
  return {
    kind: "metered",
    lines: [
      { meter: `vnet-peering:${kind}:Egress`, region: from, quantity: gb, unit: "GB", what: `${gb} GB out of ${from}` },
      { meter: `vnet-peering:${kind}:Ingress`, region: to, quantity: gb, unit: "GB", what: `${gb} GB into ${to}` },
    ],
  };
}

/** The usage of one resource under the model. */
export function resourceUsage(r: CostedResource, ctx: UsageContext): ResourceUsage {
  const i = r.inputs as Inputs;
  const a = ctx.assumptions;
  const region = String(i.location ?? ctx.primaryRegion);
  const at = (loc: unknown) =>
    typeof loc === "string" && loc && loc.toLowerCase() !== "global" ? loc : ctx.primaryRegion;
  const line = (meter: string, quantity: number, unit: string, what: string, where = region): UsageLine => ({
    meter,
    region: where,
    quantity,
    unit,
    what,
  });
  switch (r.type) {
    case "azure-native:dbforpostgresql:Server":
      return postgresServer(i, ctx);
    case "azure-native:network:VirtualNetworkPeering":
      return peering(i, ctx);
    case "azure-native:network:PrivateEndpoint":
      return {
        kind: "metered",
        lines: [
          line("private-endpoint-hour", a.hoursPerMonth, "hour", `endpoint × ${a.hoursPerMonth} h`),
          line(
            "private-endpoint-data",
            a.privateEndpointGBPerMonth,
            "GB",
            `${a.privateEndpointGBPerMonth} GB processed`,
          ),
        ],
      };
    case "azure-native:operationalinsights:Workspace":
      return {
        kind: "metered",
        lines: [
          line("log-analytics-ingestion", a.logAnalyticsGBPerMonth, "GB", `${a.logAnalyticsGBPerMonth} GB ingested`),
        ],
      };
    case "azure-native:operationalinsights:Table": {
      const days = Number(i.totalRetentionInDays ?? i.retentionInDays ?? 0);
      const extraMonths = Math.max(0, days - a.includedRetentionDays) / 30;
      const gbMonths = a.metricsTableGBPerMonth * extraMonths;
      return {
        kind: "metered",
        lines: [
          line(
            "log-analytics-retention",
            gbMonths,
            "GB-month",
            `${i.tableName}: ${a.metricsTableGBPerMonth} GB/month kept ${days} d (${a.includedRetentionDays} d included)`,
            ctx.primaryRegion,
          ),
        ],
      };
    }
    case "azure-native:monitor:MetricAlert": {
      const series = (i.criteria?.allOf?.length ?? 1) * (i.scopes?.length ?? 1);
      return {
        kind: "metered",
        lines: [
          line("metric-alert-time-series", series, "time-series-month", `${series} time series`, ctx.primaryRegion),
        ],
      };
    }
    case "azure-native:monitor:ScheduledQueryRule":
      return {
        kind: "metered",
        lines: [
          line(
            `log-alert-rule:${i.evaluationFrequency}`,
            1,
            "time-series-month",
            `1 rule every ${i.evaluationFrequency}`,
            at(i.location),
          ),
        ],
      };
    case "azure-native:monitor:ActivityLogAlert":
      return { kind: "unknown", reason: "no activity-log alert meter is modelled" };
    case "azure-native:monitor:ActionGroup":
      return { kind: "unknown", reason: "billed per notification sent (email, SMS, webhook); volume not modelled" };
    case "azure-native:keyvault:Vault":
      return {
        kind: "metered",
        lines: [
          line(
            "key-vault-operations",
            a.keyVaultOperationsPerMonth,
            "operation",
            `${a.keyVaultOperationsPerMonth} operations`,
          ),
        ],
      };
    case "azure-native:privatedns:PrivateZone":
      return {
        kind: "metered",
        lines: [
          line("private-dns-zone", 1, "zone-month", `zone ${i.privateZoneName}`, ctx.primaryRegion),
          line(
            "private-dns-queries",
            a.privateDnsQueriesPerMonth,
            "query",
            `${a.privateDnsQueriesPerMonth} queries`,
            ctx.primaryRegion,
          ),
        ],
      };
    case "azure-native:security:Pricing":
      return i.pricingTier === "Standard" && i.pricingName === "OpenSourceRelationalDatabases"
        ? {
            kind: "metered",
            lines: [
              line(
                "defender-oss-databases",
                ctx.postgresServers * a.hoursPerMonth,
                "server-hour",
                `${ctx.postgresServers} servers × ${a.hoursPerMonth} h`,
                ctx.primaryRegion,
              ),
            ],
          }
        : {
            kind: "noMeter",
            reason: `Defender plan ${i.pricingName} at tier ${i.pricingTier}: not an open-source DB plan`,
          };
    case "azure-native:resources:Resource":
      return genericResourceUsage(i, ctx);
    case "azure-native:dataprotection:BackupVault":
      return { kind: "noMeter", reason: "the vault bills per protected instance and stored data (BackupInstance)" };
    case "azure-native:dataprotection:BackupInstance":
      return {
        kind: "metered",
        lines: [
          line("backup-vault-instance", 1, "instance-month", "1 protected server", at(i.location)),
          line(
            "backup-vault-storage",
            a.backupVaultGBPerInstance,
            "GB-month",
            `${a.backupVaultGBPerInstance} GB stored`,
            at(i.location),
          ),
        ],
      };
    default: {
      const reason = noMeterReason(r.type);
      return reason ? { kind: "noMeter", reason } : { kind: "unknown", reason: `no cost model for ${r.type}` };
    }
  }
}
/**
 * A generic ARM resource (resources:Resource) is priced only when the program uses it for something billed: today the
 * per-server Defender for open-source relational databases setting (Microsoft.DBforPostgreSQL
 * flexibleServers/advancedThreatProtectionSettings, state Enabled), billed per protected server-hour on the same meter
 * as the subscription plan. Anything else stays "unpriced" rather than guessed.
 */
function genericResourceUsage(i: Inputs, ctx: UsageContext): ResourceUsage {
  const isThreatProtection =
    String(i.resourceProviderNamespace).toLowerCase() === "microsoft.dbforpostgresql" &&
    i.resourceType === "advancedThreatProtectionSettings";
  if (!isThreatProtection)
    return {
      kind: "unknown",
      reason: `no cost model for azure-native:resources:Resource of type ${String(i.resourceProviderNamespace)}/${String(i.resourceType)}`,
    };
  if (i.properties?.state !== "Enabled") return { kind: "noMeter", reason: "Defender switched off on this server" };
  const a = ctx.assumptions;
  return {
    kind: "metered",
    lines: [
      {
        meter: "defender-oss-databases",
        region: ctx.primaryRegion,
        quantity: a.hoursPerMonth,
        unit: "server-hour",
        what: `1 server × ${a.hoursPerMonth} h (${String(i.parentResourcePath)})`,
      },
    ],
  };
}

/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access */

/** The run-wide facts the per-resource rules need. */
export function usageContext(resources: readonly CostedResource[], assumptions: CostAssumptions): UsageContext {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const rg = resources.find((r) => r.type === "azure-native:resources:ResourceGroup");
  const firstLocation = resources.map((r) => str(r.inputs.location)).find((l) => l !== undefined && l !== "global");
  const vnetRegions: Record<string, string> = {};
  for (const r of resources.filter((x) => x.type === "azure-native:network:VirtualNetwork")) {
    const name = str(r.inputs.virtualNetworkName);
    const location = str(r.inputs.location);
    if (name && location) vnetRegions[name] = location;
  }
  return {
    primaryRegion: (rg && str(rg.inputs.location)) ?? firstLocation ?? "unknown",
    vnetRegions,
    postgresServers: resources.filter((r) => r.type === "azure-native:dbforpostgresql:Server").length,
    assumptions,
  };
}
