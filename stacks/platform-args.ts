/**
 * The inputs of the `authdb:index:Platform` component: the platform config (`authdb:platform`) as plain interfaces that
 * Pulumi's component analyzer (@pulumi/pulumi/provider/experimental) turns into a package schema, and so into a C#
 * `PlatformArgs` class; nested types carry no Args suffix because the .NET code generator appends one (Inputs.ServerArgs). Keys are spelt exactly as in the config, so a validation error names the key in both (D80).
 * Shapes only: values are checked by parsePlatform and the rules, as for the stack config. Adding a config key = one
 * property here (plus the zod schema) and `npm run schema` (D83).
 */
import type * as pulumi from "@pulumi/pulumi";

/** Which composition the platform runs: Azure (prod, dev) or the local Docker twin. */
export const PlatformKind = { Azure: "azure", Local: "local" } as const;
export type PlatformKind = (typeof PlatformKind)[keyof typeof PlatformKind];

/** An availability zone of the region. */
export const Zone = { One: "1", Two: "2", Three: "3" } as const;
export type Zone = (typeof Zone)[keyof typeof Zone];

export const StorageType = { PremiumLrs: "Premium_LRS", PremiumV2Lrs: "PremiumV2_LRS" } as const;
export type StorageType = (typeof StorageType)[keyof typeof StorageType];

export const SkuTier = {
  Burstable: "Burstable",
  GeneralPurpose: "GeneralPurpose",
  MemoryOptimized: "MemoryOptimized",
} as const;
export type SkuTier = (typeof SkuTier)[keyof typeof SkuTier];

export const HighAvailabilityMode = {
  Disabled: "Disabled",
  SameZone: "SameZone",
  ZoneRedundant: "ZoneRedundant",
} as const;
export type HighAvailabilityMode = (typeof HighAvailabilityMode)[keyof typeof HighAvailabilityMode];

export const DayOfWeek = {
  Sunday: "Sunday",
  Monday: "Monday",
  Tuesday: "Tuesday",
  Wednesday: "Wednesday",
  Thursday: "Thursday",
  Friday: "Friday",
  Saturday: "Saturday",
} as const;
export type DayOfWeek = (typeof DayOfWeek)[keyof typeof DayOfWeek];

export const PrincipalType = { Group: "Group", User: "User", ServicePrincipal: "ServicePrincipal" } as const;
export type PrincipalType = (typeof PrincipalType)[keyof typeof PrincipalType];

export const PublicNetworkAccess = { Disabled: "Disabled", Enabled: "Enabled" } as const;
export type PublicNetworkAccess = (typeof PublicNetworkAccess)[keyof typeof PublicNetworkAccess];

export const DefenderScope = { Server: "server", Subscription: "subscription" } as const;
export type DefenderScope = (typeof DefenderScope)[keyof typeof DefenderScope];

/** A subnet: name and CIDR. */
export interface Subnet {
  name: string;
  cidr: string;
}

/** The subnets of one virtual network. */
export interface Subnets {
  app?: Subnet;
  /** Pod subnet of an AKS cluster with Azure CNI pod subnets: pods reach the database from here, not from app. */
  pods?: Subnet;
  database: Subnet;
  privateEndpoints?: Subnet;
}

/** One virtual network (one per region that holds a server). */
export interface Vnet {
  region: string;
  name: string;
  addressSpace: string;
  subnets: Subnets;
}

/** Private networking of the servers. */
export interface Network {
  /** Private DNS zone for the servers; a dedicated `<name>.private.postgres.database.azure.com` zone by default. */
  postgresDnsZoneName: string;
  vnets: Vnet[];
}

/** Compute SKU of a server. */
export interface Sku {
  name: string;
  tier: SkuTier;
}

/** Storage of a server. */
export interface Storage {
  type: StorageType;
  sizeGB: number;
  tier?: string;
  autoGrow: boolean;
  iops?: number;
  throughputMBps?: number;
}

/** High availability; standbyZone only with mode ZoneRedundant. */
export interface HighAvailability {
  mode: HighAvailabilityMode;
  standbyZone?: Zone;
}

export interface Backup {
  retentionDays: number;
  geoRedundant: boolean;
}

/** Local wall-clock time; converted to UTC for Azure. */
export interface MaintenanceWindow {
  dayOfWeek: DayOfWeek;
  /** HH:00 or HH:30 (24-hour clock). */
  startTime: string;
  utcOffsetHours: number;
}

export interface Authentication {
  entra: boolean;
  password: boolean;
}

export interface PgBouncer {
  enabled: boolean;
}

/** The primary server. */
export interface Server {
  name: string;
  /** PostgreSQL major version: "15" (the one value accepted; a one-value enum is not a union, which the analyzer rejects). */
  version: string;
  sku: Sku;
  storage: Storage;
  availabilityZone?: Zone;
  highAvailability: HighAvailability;
  backup: Backup;
  maintenanceWindow: MaintenanceWindow;
  administratorLogin: string;
  authentication: Authentication;
  /** A CanNotDelete management lock on the primary (prod). */
  deleteLock: boolean;
  /** max_connections (static: a change restarts the server). Azure allows 25–5000. */
  maxConnections?: number;
  /** Built-in PgBouncer (port 6432) on every server; not offered on Burstable. */
  pgBouncer?: PgBouncer;
}

/** A read replica of the primary. */
export interface Replica {
  name: string;
  region: string;
  availabilityZone?: Zone;
  /** Defaults to the primary's SKU, which is what Azure requires at least. */
  sku?: Sku;
  /** Defaults to the primary's storage. */
  storage?: Storage;
  /** Defaults to the primary's; must be ≥ it. */
  maxConnections?: number;
  purpose?: string;
}

export interface Database {
  name: string;
  /** "UTF8". */
  charset: string;
  collation: string;
}

/** The Entra group, user or service principal that administers the servers. */
export interface EntraAdmin {
  objectId: string;
  principalName: string;
  principalType: PrincipalType;
}

export interface KeyVault {
  name: string;
  softDeleteRetentionDays: number;
  purgeProtection: boolean;
  publicNetworkAccess: PublicNetworkAccess;
  /** Object id of the application's (workload) identity: reads its own password, nothing else. */
  applicationPrincipalId: string;
  /** Object id of the bootstrap Job's identity: reads the administrator password and the two SCRAM verifiers. */
  bootstrapPrincipalId: string;
  /** Object id of a monitoring agent's identity, when one reads the monitoring password from the vault. */
  monitoringPrincipalId?: string;
}

export interface Passwords {
  /** Changing this value regenerates every generated password on the next `pulumi up`. */
  rotation: string;
  rotationPeriodDays: number;
  length: number;
  minUpper: number;
  minLower: number;
  minNumeric: number;
  minSpecial: number;
}

export interface SmsReceiver {
  countryCode: string;
  phoneNumber: string;
}

export interface ActionGroup {
  name: string;
  shortName: string;
  emails?: string[];
  sms?: SmsReceiver[];
  /** Post to the Teams webhook (teamsWebhookUrl). */
  teams?: boolean;
}

export interface MetricAlert {
  enabled?: boolean;
  window: string;
  frequency: string;
  severity: number;
  actionGroup: string;
}

export interface ThresholdAlert {
  enabled?: boolean;
  window: string;
  frequency: string;
  severity: number;
  actionGroup: string;
  threshold: number;
}

export interface ConnectionsAlert {
  enabled?: boolean;
  window: string;
  frequency: string;
  severity: number;
  actionGroup: string;
  /** Threshold = this share of the usable connection slots (max_connections minus Azure's reserved ones). */
  percentOfUsable: number;
}

export interface ResourceHealthAlert {
  enabled?: boolean;
  actionGroup: string;
}

export interface Alerts {
  serverDown: MetricAlert;
  cpuPercent: ThresholdAlert;
  memoryPercent: ThresholdAlert;
  activeConnections: ConnectionsAlert;
  storagePercent: ThresholdAlert;
  failedConnections: ThresholdAlert;
  diskIopsPercent: ThresholdAlert;
  replicaLagSeconds: ThresholdAlert;
  /** Enhanced metric `deadlocks` (the platform declares metrics.collector_database_activity = on). */
  deadlocks: ThresholdAlert;
  /** Log alert on Query Store runtime data. */
  queryResponseTimeMs: ThresholdAlert;
  /** Log alert on the server log: statements logged by log_min_duration_statement per window. */
  slowQueriesPerHour: ThresholdAlert;
  /** Log alert on Query Store wait sampling: estimated lock wait per execution, in ms, on the primary. */
  lockWaitMs: ThresholdAlert;
  /** Activity-log alert on Resource Health events of the servers. */
  resourceHealth: ResourceHealthAlert;
}

/** Cost budget on the resource group; the amount is in the subscription's billing currency. */
export interface Budget {
  name: string;
  amount: number;
  /** First day of the first budget month, YYYY-MM-01. */
  startDate: string;
  actualPercent?: number;
  forecastPercent?: number;
  actionGroups?: string[];
}

export interface Workspace {
  name: string;
  retentionDays: number;
  metricsRetentionDays: number;
}

export interface Monitoring {
  /** Name of the diagnostic setting on every server and the vault (default setbypolicy_logAnalytics). */
  diagnosticSettingName?: string;
  workspace: Workspace;
  actionGroups: Record<string, ActionGroup>;
  alerts: Alerts;
  budget?: Budget;
}

/** The pair of virtual endpoints on the primary (D70). */
export interface VirtualEndpoints {
  name: string;
  /** The replica the reader endpoint points at (default: the first replica). */
  readerTarget?: string;
}

export const BackupRedundancy = {
  GeoRedundant: "GeoRedundant",
  ZoneRedundant: "ZoneRedundant",
  LocallyRedundant: "LocallyRedundant",
} as const;
export type BackupRedundancy = (typeof BackupRedundancy)[keyof typeof BackupRedundancy];

export const Immutability = { Disabled: "Disabled", Unlocked: "Unlocked", Locked: "Locked" } as const;
export type Immutability = (typeof Immutability)[keyof typeof Immutability];

/** The weekly long-term backup, in local wall-clock time. */
export interface LongTermBackupSchedule {
  dayOfWeek: DayOfWeek;
  /** HH:MM (24-hour clock). */
  startTime: string;
  utcOffsetHours: number;
}

/** How long recovery points stay: every weekly one, the first of each month, the first of each year. */
export interface LongTermBackupRetention {
  weeks: number;
  months?: number;
  years?: number;
}

/** Long-term retention of the primary in an Azure Backup vault (D73–D76). */
export interface LongTermBackup {
  vaultName: string;
  redundancy: BackupRedundancy;
  crossRegionRestore?: boolean;
  /** Unlocked: immutable but reversible; Locked: irreversible. */
  immutability: Immutability;
  softDeleteRetentionDays: number;
  schedule: LongTermBackupSchedule;
  retention: LongTermBackupRetention;
}

export interface Defender {
  enabled: boolean;
  scope: DefenderScope;
}

export interface Kubernetes {
  enabled: boolean;
  namespace: string;
  serviceAccountName: string;
  /** Client id of the user-assigned identity federated with the service account (workload identity). */
  workloadIdentityClientId?: string;
  bootstrapServiceAccountName?: string;
  /** Client id of the bootstrap's user-assigned identity. */
  bootstrapIdentityClientId?: string;
  bootstrapImage: string;
}

export interface Outputs {
  /** Also publish the application password as a (secret) output — for the local twin. */
  applicationPassword: boolean;
}

export interface Local {
  image: string;
  networkName: string;
  primaryPort: number;
  replicaPort: number;
  administratorLogin: string;
}

/**
 * The platform, as in `authdb:platform`. With kind azure, subscriptionId … defender apply and local must be absent;
 * with kind local, only local. Which sections a kind requires is checked by the same validation as the stack config.
 */
export interface PlatformArgs {
  kind: PlatformKind;
  environment: string;
  service: string;
  /** Applied to every Azure resource; must hold environment, service, owner and cost-center. */
  tags: Record<string, string>;
  database: Database;
  passwords: Passwords;
  kubernetes?: Kubernetes;
  outputs?: Outputs;
  subscriptionId?: string;
  resourceGroupName?: string;
  location?: string;
  /** The region whose server is primary today; differs from location after a switchover (D72). */
  primaryRegion?: string;
  server?: Server;
  replicas?: Replica[];
  virtualEndpoints?: VirtualEndpoints;
  entraAdmin?: EntraAdmin;
  /** Long-term retention of the primary in an Azure Backup vault (required in prod by policy B3). */
  longTermBackup?: LongTermBackup;
  network?: Network;
  keyVault?: KeyVault;
  monitoring?: Monitoring;
  defender?: Defender;
  local?: Local;
  /** The Teams webhook URL (action groups with teams: true); always handled as a secret. */
  teamsWebhookUrl?: pulumi.Input<string>;
}
