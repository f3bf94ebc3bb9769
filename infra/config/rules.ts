/**
 * Cross-field rules of the platform config. Each rule is a pure function from the parsed config to the issues it finds;
 * each message names the key, the value and the rule, so a reviewer can fix the stack file without reading code.
 */
import {
  BACKUP_RETENTION_RANGE,
  BACKUP_VAULT_NAME,
  BACKUP_VAULT_SOFT_DELETE_RANGE,
  LTR_MAX_SERVER_SIZE_GB,
  LTR_RETENTION_RANGE_DAYS,
  COLLATION_PATTERN,
  LOG_ALERT_FREQUENCIES,
  LOG_ALERT_WINDOWS,
  MAX_REPLICAS,
  METRIC_ALERT_FREQUENCIES,
  PGBOUNCER_COMPUTE_TIERS,
  REPLICA_COMPUTE_TIERS,
  REPLICA_STORAGE_TYPES,
  METRIC_ALERT_WINDOWS,
  POSTGRES_PRIVATE_DNS_SUFFIX,
  PREMIUM_SSD_SIZES_GB,
  REGIONS,
  SKUS,
  SOFT_DELETE_RANGE,
  baselineTierFor,
  durationMinutes,
  tierRank,
} from "./azure-facts.js";
import { cidrContains, cidrProblem, cidrsOverlap } from "./cidr.js";
import type { AzurePlatformInput, LocalPlatformInput, PlatformInput, StorageInput } from "./schema.js";

export interface ConfigIssue {
  /** Dotted key, e.g. `platform.replicas[1].sku.name`. */
  readonly path: string;
  /** Starts with the offending value and states the rule. */
  readonly message: string;
}

export type Rule<T> = (cfg: T) => ConfigIssue[];

/**
 * Whether a string looks like a credential: a JWT, a PEM block, a connection string or SAS with a key or signature,
 * a URL carrying a token, or a long token-shaped random string. Used to never echo such a value and to refuse it in tags.
 */
export function looksLikeSecret(value: string): boolean {
  if (/^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(value)) return true; // JWT
  if (/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/.test(value)) return true;
  if (/(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=|[?&](sig|sv|se|code|token)=/i.test(value))
    return true;
  // A long unbroken token mixing letters and digits, as generated keys and passwords are (not words, ids or paths).
  const token =
    /^[A-Za-z0-9+/=_\-.~!*^]{32,}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
  return token && !/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(value);
}

/** Values in messages: strings bare (as the user typed them), everything else as JSON — a secret-looking one masked. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return typeof text === "string" && looksLikeSecret(text) ? "[redacted]" : text;
}

const issue = (path: string, message: string): ConfigIssue => ({ path, message });

const P = "platform";

// ---------------------------------------------------------------------------------------------------------------------
// Compute and high availability

export const skuIsKnown: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const check = (path: string, skuName: string, tier: string) => {
    const info = SKUS[skuName];
    if (!info) {
      out.push(
        issue(
          `${path}.name`,
          `${skuName} is not a Flexible Server compute size (known: ${Object.keys(SKUS).join(", ")})`,
        ),
      );
    } else if (info.tier !== tier) {
      out.push(issue(`${path}.tier`, `${tier} does not match ${skuName}, which is a ${info.tier} size`));
    }
  };
  check(`${P}.server.sku`, c.server.sku.name, c.server.sku.tier);
  c.replicas.forEach((r, i) => r.sku && check(`${P}.replicas[${i}].sku`, r.sku.name, r.sku.tier));
  return out;
};

export const haNeedsGeneralPurposeOrMemoryOptimized: Rule<AzurePlatformInput> = (c) =>
  c.server.highAvailability.mode !== "Disabled" && c.server.sku.tier === "Burstable"
    ? [
        issue(
          `${P}.server.highAvailability.mode`,
          `${c.server.highAvailability.mode} needs a GeneralPurpose or MemoryOptimized SKU, but the server is ${c.server.sku.name} (Burstable has no high availability)`,
        ),
      ]
    : [];

export const standbyZoneDiffersFromPrimary: Rule<AzurePlatformInput> = (c) => {
  const ha = c.server.highAvailability;
  if (ha.mode !== "ZoneRedundant") return [];
  if (c.server.availabilityZone === undefined) {
    return [
      issue(
        `${P}.server.availabilityZone`,
        `(unset) must be set for ZoneRedundant high availability, so the standby zone can differ from it`,
      ),
    ];
  }
  return ha.standbyZone === c.server.availabilityZone
    ? [
        issue(
          `${P}.server.highAvailability.standbyZone`,
          `${ha.standbyZone} equals the primary's availabilityZone (ZoneRedundant needs the standby in another zone)`,
        ),
      ]
    : [];
};

export const regionsAreKnown: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const known = Object.keys(REGIONS).join(", ");
  if (!REGIONS[c.location])
    out.push(issue(`${P}.location`, `${c.location} is not a region authdb has facts for (known: ${known})`));
  c.replicas.forEach((r, i) => {
    if (!REGIONS[r.region])
      out.push(
        issue(`${P}.replicas[${i}].region`, `${r.region} is not a region authdb has facts for (known: ${known})`),
      );
  });
  c.network.vnets.forEach((v, i) => {
    if (!REGIONS[v.region])
      out.push(
        issue(`${P}.network.vnets[${i}].region`, `${v.region} is not a region authdb has facts for (known: ${known})`),
      );
  });
  return out;
};

export const zonesOnlyWhereTheRegionHasThem: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const primary = REGIONS[c.location];
  if (primary && !primary.availabilityZones) {
    if (c.server.availabilityZone !== undefined) {
      out.push(
        issue(
          `${P}.server.availabilityZone`,
          `${c.server.availabilityZone} is set, but ${c.location} has no availability zones`,
        ),
      );
    }
    if (c.server.highAvailability.mode === "ZoneRedundant") {
      out.push(
        issue(
          `${P}.server.highAvailability.mode`,
          `ZoneRedundant is not available in ${c.location}, which has no availability zones (use SameZone)`,
        ),
      );
    }
  } else if (primary && !primary.zoneRedundantHa && c.server.highAvailability.mode === "ZoneRedundant") {
    out.push(
      issue(
        `${P}.server.highAvailability.mode`,
        `ZoneRedundant is not open for new deployments in ${c.location} (Learn's region table: "new zone-redundant HA deployments are temporarily blocked"; use SameZone)`,
      ),
    );
  }
  c.replicas.forEach((r, i) => {
    const region = REGIONS[r.region];
    if (region && !region.availabilityZones && r.availabilityZone !== undefined) {
      out.push(
        issue(
          `${P}.replicas[${i}].availabilityZone`,
          `${r.availabilityZone} is set, but ${r.region} has no availability zones`,
        ),
      );
    }
  });
  return out;
};

// ---------------------------------------------------------------------------------------------------------------------
// Storage

function storageIssues(path: string, s: StorageInput, c: AzurePlatformInput, region: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (s.type === "Premium_LRS") {
    if (!(PREMIUM_SSD_SIZES_GB as readonly number[]).includes(s.sizeGB)) {
      out.push(
        issue(
          `${path}.sizeGB`,
          `${s.sizeGB} is not a Premium SSD size Azure offers (${PREMIUM_SSD_SIZES_GB.join(", ")})`,
        ),
      );
    } else if (s.tier !== undefined) {
      if (tierRank(s.tier) < 0) {
        out.push(issue(`${path}.tier`, `${s.tier} is not a Premium SSD performance tier (P4 … P80)`));
      } else if (tierRank(s.tier) < tierRank(baselineTierFor(s.sizeGB))) {
        out.push(
          issue(
            `${path}.tier`,
            `${s.tier} is below ${baselineTierFor(s.sizeGB)}, the lowest tier Azure allows for ${s.sizeGB} GiB`,
          ),
        );
      }
    }
    if (s.iops !== undefined || s.throughputMBps !== undefined) {
      out.push(
        issue(
          `${path}.${s.iops !== undefined ? "iops" : "throughputMBps"}`,
          `${s.iops ?? s.throughputMBps} cannot be provisioned on Premium_LRS (custom IOPS and throughput need PremiumV2_LRS; raise the tier instead, e.g. P30 = 5,000 IOPS)`,
        ),
      );
    }
  } else {
    const info = REGIONS[region];
    if (s.autoGrow)
      out.push(
        issue(`${path}.autoGrow`, `true is not supported with PremiumV2_LRS (Premium SSD v2 has no storage auto-grow)`),
      );
    if (s.tier !== undefined)
      out.push(issue(`${path}.tier`, `${s.tier} does not apply to PremiumV2_LRS (it takes iops and throughputMBps)`));
    if (info && !info.premiumV2) {
      out.push(issue(`${path}.type`, `PremiumV2_LRS is not offered in ${region}`));
    } else if (info && !info.premiumV2WithHaReplicasGeoBackup) {
      // Read replicas are refused on SSD v2 in every region (replicasNeedPremiumSsd).
      const blockers = [
        c.server.highAvailability.mode !== "Disabled" ? "high availability" : undefined,
        c.server.backup.geoRedundant ? "geo-redundant backup" : undefined,
      ].filter((b): b is string => b !== undefined);
      if (blockers.length > 0) {
        out.push(
          issue(
            `${path}.type`,
            `PremiumV2_LRS cannot be combined with ${blockers.join(", ")} in ${region} (Azure supports that only in a few regions)`,
          ),
        );
      }
    }
  }
  return out;
}

export const storageIsValid: Rule<AzurePlatformInput> = (c) => [
  ...storageIssues(`${P}.server.storage`, c.server.storage, c, c.location),
  ...c.replicas.flatMap((r, i) =>
    r.storage ? storageIssues(`${P}.replicas[${i}].storage`, r.storage, c, r.region) : [],
  ),
];

// ---------------------------------------------------------------------------------------------------------------------
// Replicas

export const replicasAtLeastThePrimary: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const primarySku = SKUS[c.server.sku.name];
  c.replicas.forEach((r, i) => {
    const path = `${P}.replicas[${i}]`;
    const replicaSku = r.sku ? SKUS[r.sku.name] : undefined;
    if (
      r.sku &&
      primarySku &&
      replicaSku &&
      (replicaSku.vCores < primarySku.vCores || replicaSku.memoryGiB < primarySku.memoryGiB)
    ) {
      out.push(
        issue(
          `${path}.sku`,
          `${r.sku.name} is smaller than the primary's ${c.server.sku.name} (Azure requires replicas at least as large)`,
        ),
      );
    }
    if (r.storage) {
      if (r.storage.sizeGB < c.server.storage.sizeGB) {
        out.push(
          issue(
            `${path}.storage.sizeGB`,
            `${r.storage.sizeGB} is smaller than the primary's ${c.server.storage.sizeGB} GiB (Azure requires replica storage at least as large)`,
          ),
        );
      }
      if (r.storage.autoGrow !== c.server.storage.autoGrow) {
        out.push(
          issue(
            `${path}.storage.autoGrow`,
            `${r.storage.autoGrow} differs from the primary's ${c.server.storage.autoGrow} (a replica must auto-grow when its primary does)`,
          ),
        );
      }
    }
  });
  return out;
};

const tierNames = (tiers: readonly string[]) =>
  tiers.join(" and ").replace("GeneralPurpose", "General Purpose").replace("MemoryOptimized", "Memory Optimized");

/** Learn, read replicas: "The Burstable server compute tier is not supported." — for the primary and the replica. */
export const replicasNeedGeneralPurposeOrMemoryOptimized: Rule<AzurePlatformInput> = (c) => {
  if (c.replicas.length === 0) return [];
  const out: ConfigIssue[] = [];
  const supported = tierNames(REPLICA_COMPUTE_TIERS);
  if (!REPLICA_COMPUTE_TIERS.includes(c.server.sku.tier)) {
    out.push(
      issue(
        `${P}.server.sku.tier`,
        `${c.server.sku.tier} cannot have read replicas (platform.replicas has ${c.replicas.length}): Azure supports them for the ${supported} tiers only — use e.g. Standard_D2ds_v5 (GeneralPurpose) or remove the replicas`,
      ),
    );
  }
  c.replicas.forEach((r, i) => {
    if (r.sku && !REPLICA_COMPUTE_TIERS.includes(r.sku.tier)) {
      out.push(
        issue(
          `${P}.replicas[${i}].sku.tier`,
          `${r.sku.tier} is not a read-replica tier (Azure supports ${supported} only)`,
        ),
      );
    }
  });
  return out;
};

/** Learn, read replicas: "if the primary server uses Premium SSD v2 for storage, the creation of read replicas isn't supported." */
export const replicasNeedPremiumSsd: Rule<AzurePlatformInput> = (c) =>
  c.replicas.length > 0 && !(REPLICA_STORAGE_TYPES as readonly string[]).includes(c.server.storage.type)
    ? [
        issue(
          `${P}.replicas`,
          `${c.replicas.length} replica(s) of a ${c.server.storage.type} primary: Azure creates read replicas only of Premium SSD (Premium_LRS) servers, not Premium SSD v2`,
        ),
      ]
    : [];

/** Learn, read replicas: max_connections and the other recovery-sensitive parameters must be ≥ the primary's. */
export const replicaMaxConnectionsAtLeastThePrimary: Rule<AzurePlatformInput> = (c) =>
  c.replicas.flatMap((r, i) =>
    r.maxConnections !== undefined && r.maxConnections < c.server.maxConnections
      ? [
          issue(
            `${P}.replicas[${i}].maxConnections`,
            `${r.maxConnections} is below the primary's ${c.server.maxConnections} (Azure requires max_connections on a replica to be at least the primary's)`,
          ),
        ]
      : [],
  );

/** Learn, PgBouncer: "The PgBouncer feature is currently not supported with the Burstable server compute tier." */
export const pgBouncerNeedsGeneralPurposeOrMemoryOptimized: Rule<AzurePlatformInput> = (c) =>
  c.server.pgBouncer.enabled && !PGBOUNCER_COMPUTE_TIERS.includes(c.server.sku.tier)
    ? [
        issue(
          `${P}.server.pgBouncer.enabled`,
          `true needs a ${tierNames(PGBOUNCER_COMPUTE_TIERS)} SKU, but the server is ${c.server.sku.name} (Burstable has no built-in PgBouncer)`,
        ),
      ]
    : [];

export const atMostFiveReplicas: Rule<AzurePlatformInput> = (c) =>
  c.replicas.length > MAX_REPLICAS
    ? [issue(`${P}.replicas`, `${c.replicas.length} replicas exceed Azure's limit of ${MAX_REPLICAS} per primary`)]
    : [];

export const serverNamesAreUnique: Rule<AzurePlatformInput> = (c) => {
  const seen = new Set([c.server.name]);
  const out: ConfigIssue[] = [];
  c.replicas.forEach((r, i) => {
    if (seen.has(r.name))
      out.push(
        issue(
          `${P}.replicas[${i}].name`,
          `${r.name} is already used by another server (server names are global DNS names)`,
        ),
      );
    seen.add(r.name);
  });
  return out;
};

/** REST spec 2025-08-01 VirtualEndpoints.json, #/parameters/VirtualEndpointNameParameter (3–63 characters). */
export const VIRTUAL_ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{1,61}[A-Za-z0-9]$/;

/**
 * The virtual endpoints (D70): a valid base name that is no server's name (Learn, how-to-create-virtual-endpoints:
 * "enter a meaningful name which isn't taken already by some other server"), replicas to point the reader at (Learn,
 * concepts-read-replicas-promote: "The promotion is successful only if the targeted replica is included in the reader
 * endpoint configuration"), and a reader target that is one of them.
 */
export const virtualEndpointsAreValid: Rule<AzurePlatformInput> = (c) => {
  const v = c.virtualEndpoints;
  if (!v) return [];
  const out: ConfigIssue[] = [];
  if (!VIRTUAL_ENDPOINT_NAME.test(v.name))
    out.push(
      issue(
        `${P}.virtualEndpoints.name`,
        `${show(v.name)} is not a virtual endpoint base name (3–63 letters, digits and hyphens, not starting or ending with a hyphen)`,
      ),
    );
  const serverNames = [c.server.name, ...c.replicas.map((r) => r.name)];
  if (serverNames.includes(v.name))
    out.push(
      issue(
        `${P}.virtualEndpoints.name`,
        `${v.name} is the name of a server: the endpoints' base name must be taken by no server`,
      ),
    );
  if (c.replicas.length === 0)
    out.push(
      issue(
        `${P}.virtualEndpoints`,
        `${show(v)} needs at least one replica in platform.replicas: the reader endpoint would point at the primary, which blocks a promotion to primary`,
      ),
    );
  else if (v.readerTarget !== undefined && !c.replicas.some((r) => r.name === v.readerTarget))
    out.push(
      issue(
        `${P}.virtualEndpoints.readerTarget`,
        `${show(v.readerTarget)} is not one of platform.replicas (${c.replicas.map((r) => r.name).join(", ")}): the reader endpoint points at a replica`,
      ),
    );
  return out;
};

/**
 * `primaryRegion` (D72): the configured primary's region, or — after a switchover — the region of the reader endpoint's
 * target, the only server a promotion to primary can move the primary role to (Learn, concepts-read-replicas-promote:
 * "The promotion is successful only if the targeted replica is included in the reader endpoint configuration").
 */
export const primaryRegionIsAServersRegion: Rule<AzurePlatformInput> = (c) => {
  const region = c.primaryRegion;
  if (region === undefined || region === c.location) return [];
  const out: ConfigIssue[] = [];
  const path = `${P}.primaryRegion`;
  const v = c.virtualEndpoints;
  if (!v) {
    out.push(
      issue(
        path,
        `${region} differs from location ${c.location}, but a switchover needs platform.virtualEndpoints (its reader target is what gets promoted)`,
      ),
    );
  } else {
    const target =
      v.readerTarget !== undefined
        ? c.replicas.find((r) => r.name === v.readerTarget)
        : (c.replicas.find((r) => r.region !== c.location) ?? c.replicas[0]);
    if (target && target.region !== region)
      out.push(
        issue(
          path,
          `${region} is neither location ${c.location} nor the region of the reader endpoint's target ${target.name} (${target.region}): only that replica can have become the primary`,
        ),
      );
  }
  if (!c.network.vnets.some((n) => n.region === region))
    out.push(issue(path, `${region} has no VNet in platform.network.vnets: a primary needs its delegated subnet`));
  return out;
};

// ---------------------------------------------------------------------------------------------------------------------
// Backup, database, identity

export const backupRetentionInRange: Rule<AzurePlatformInput> = (c) => {
  const d = c.server.backup.retentionDays;
  return d < BACKUP_RETENTION_RANGE.min || d > BACKUP_RETENTION_RANGE.max
    ? [
        issue(
          `${P}.server.backup.retentionDays`,
          `${d} is outside Azure's ${BACKUP_RETENTION_RANGE.min}–${BACKUP_RETENTION_RANGE.max} days`,
        ),
      ]
    : [];
};

/** Microsoft's 7 days–10 years per retention unit: whole weeks up to 3,650 days, up to 120 months, up to 10 years. */
const RETENTION_UNIT_MAX = {
  weeks: Math.floor(LTR_RETENTION_RANGE_DAYS.max / 7),
  months: 120,
  years: 10,
} as const;

/**
 * Long-term retention (D73–D76): a vault name Azure accepts, soft delete within 14–180 days, each retention within
 * seven days to ten years, a server within the 1 TiB LTR supports, and cross-region restore only from a geo-redundant
 * vault.
 */
export const longTermBackupIsValid: Rule<AzurePlatformInput> = (c) => {
  const l = c.longTermBackup;
  if (!l) return [];
  const out: ConfigIssue[] = [];
  const path = `${P}.longTermBackup`;
  if (!BACKUP_VAULT_NAME.test(l.vaultName))
    out.push(
      issue(
        `${path}.vaultName`,
        `${show(l.vaultName)} is not a Backup vault name (2–50 letters, digits and hyphens, starting with a letter, not ending with a hyphen)`,
      ),
    );
  const sd = l.softDeleteRetentionDays;
  if (sd < BACKUP_VAULT_SOFT_DELETE_RANGE.min || sd > BACKUP_VAULT_SOFT_DELETE_RANGE.max)
    out.push(
      issue(
        `${path}.softDeleteRetentionDays`,
        `${sd} is outside Azure Backup's ${BACKUP_VAULT_SOFT_DELETE_RANGE.min}–${BACKUP_VAULT_SOFT_DELETE_RANGE.max} days of soft-delete retention`,
      ),
    );
  for (const unit of ["weeks", "months", "years"] as const) {
    const n = l.retention[unit];
    if (n === undefined) continue;
    if (n < 1 || n > RETENTION_UNIT_MAX[unit])
      out.push(
        issue(
          `${path}.retention.${unit}`,
          `${n} is outside what a vaulted PostgreSQL backup can be kept: 7 days to 10 years (${unit}: 1–${RETENTION_UNIT_MAX[unit]})`,
        ),
      );
  }
  if (l.crossRegionRestore && l.redundancy !== "GeoRedundant")
    out.push(
      issue(
        `${path}.crossRegionRestore`,
        `true needs redundancy GeoRedundant (is ${l.redundancy}): only a geo-redundant vault has a copy in the paired region`,
      ),
    );
  const size = c.server.storage.sizeGB;
  if (size > LTR_MAX_SERVER_SIZE_GB)
    out.push(
      issue(
        `${P}.server.storage.sizeGB`,
        `${size} is above the ${LTR_MAX_SERVER_SIZE_GB} GiB (1 TiB) a long-term-retention backup supports (platform.longTermBackup is set)`,
      ),
    );
  return out;
};

export const collationIsAFlexibleServerName: Rule<PlatformInput> = (c) => {
  const col = c.database.collation;
  if (COLLATION_PATTERN.test(col)) return [];
  const hint = /^([a-z]{2,3}_[A-Z]{2})\.(UTF-8|utf-8|UTF8)$/.exec(col);
  return [
    issue(
      `${P}.database.collation`,
      hint
        ? `${col} is not how Flexible Server names it: use ${hint[1]}.utf8 (the UTF-8 spelling fails with InternalServerError)`
        : `${col} is not a Flexible Server collation (expected ll_CC.utf8, C, C.utf8 or POSIX)`,
    ),
  ];
};

const RESERVED_LOGINS = new Set([
  "azure_superuser",
  "azure_pg_admin",
  "admin",
  "administrator",
  "root",
  "guest",
  "public",
  "postgres",
]);

export function loginProblem(login: string): string | undefined {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login))
    return "is not a valid login (lower-case letters, digits and underscores, up to 63)";
  if (login.startsWith("pg_")) return "starts with pg_, which PostgreSQL reserves";
  if (RESERVED_LOGINS.has(login)) return "is a name Azure reserves for administrator logins";
  return undefined;
}

export const administratorLoginIsAllowed: Rule<AzurePlatformInput> = (c) => {
  const problem = loginProblem(c.server.administratorLogin);
  return problem ? [issue(`${P}.server.administratorLogin`, `${c.server.administratorLogin} ${problem}`)] : [];
};

export const entraAuthWhenEntraAdmin: Rule<AzurePlatformInput> = (c) =>
  c.server.authentication.entra
    ? []
    : [
        issue(
          `${P}.server.authentication.entra`,
          `false disables Microsoft Entra authentication, but platform.entraAdmin is set (policy A1 needs Entra auth on)`,
        ),
      ];

export const someAuthenticationEnabled: Rule<AzurePlatformInput> = (c) =>
  !c.server.authentication.entra && !c.server.authentication.password
    ? [issue(`${P}.server.authentication`, `{"entra":false,"password":false} leaves no way to sign in`)]
    : [];

// ---------------------------------------------------------------------------------------------------------------------
// Network

export const cidrsAreValid: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  c.network.vnets.forEach((v, i) => {
    const problem = cidrProblem(v.addressSpace);
    if (problem) out.push(issue(`${P}.network.vnets[${i}].addressSpace`, `${v.addressSpace} ${problem}`));
    for (const [role, s] of Object.entries(v.subnets)) {
      if (!s) continue;
      const sp = cidrProblem(s.cidr);
      if (sp) out.push(issue(`${P}.network.vnets[${i}].subnets.${role}.cidr`, `${s.cidr} ${sp}`));
    }
  });
  return out;
};

export const subnetsInsideTheirVnet: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  c.network.vnets.forEach((v, i) => {
    if (cidrProblem(v.addressSpace)) return;
    const subnets = Object.entries(v.subnets).filter(
      (e): e is [string, { name: string; cidr: string }] => e[1] !== undefined,
    );
    const valid = subnets.filter(([, s]) => !cidrProblem(s.cidr));
    for (const [role, s] of valid) {
      if (!cidrContains(v.addressSpace, s.cidr)) {
        out.push(
          issue(
            `${P}.network.vnets[${i}].subnets.${role}.cidr`,
            `${s.cidr} is outside the VNet's address space ${v.addressSpace}`,
          ),
        );
      }
    }
    valid.forEach(([roleA, a], j) =>
      valid.slice(j + 1).forEach(([roleB, b]) => {
        if (cidrsOverlap(a.cidr, b.cidr)) {
          out.push(
            issue(
              `${P}.network.vnets[${i}].subnets.${roleB}.cidr`,
              `${b.cidr} overlaps subnet ${roleA} (${a.cidr}) in the same VNet`,
            ),
          );
        }
      }),
    );
  });
  return out;
};

export const peeredVnetsDoNotOverlap: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const vnets = c.network.vnets.map((v, i) => ({ v, i })).filter(({ v }) => !cidrProblem(v.addressSpace));
  vnets.forEach(({ v: a, i }, k) =>
    vnets.slice(k + 1).forEach(({ v: b, i: j }) => {
      if (cidrsOverlap(a.addressSpace, b.addressSpace)) {
        out.push(
          issue(
            `${P}.network.vnets[${j}].addressSpace`,
            `${b.addressSpace} overlaps ${a.region}'s ${a.addressSpace} (peered VNets need disjoint address spaces)`,
          ),
        );
      }
      void i;
    }),
  );
  return out;
};

export const vnetPerServerRegion: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const byRegion = new Map<string, number>();
  c.network.vnets.forEach((v, i) => {
    if (byRegion.has(v.region))
      out.push(issue(`${P}.network.vnets[${i}].region`, `${v.region} already has a VNet (one VNet per region)`));
    else byRegion.set(v.region, i);
  });
  const primaryIndex = byRegion.get(c.location);
  if (primaryIndex === undefined) {
    out.push(issue(`${P}.network.vnets`, `has no VNet in the primary region ${c.location}`));
  } else {
    const primary = c.network.vnets[primaryIndex];
    for (const role of ["app", "privateEndpoints"] as const) {
      if (!primary.subnets[role]) {
        out.push(
          issue(
            `${P}.network.vnets[${primaryIndex}].subnets.${role}`,
            `(unset) is required in the primary region's VNet`,
          ),
        );
      }
    }
  }
  c.replicas.forEach((r, i) => {
    if (!byRegion.has(r.region))
      out.push(
        issue(
          `${P}.replicas[${i}].region`,
          `${r.region} has no VNet in platform.network.vnets (a replica needs a delegated subnet in its own region)`,
        ),
      );
  });
  return out;
};

export const dnsZoneIsAPostgresZone: Rule<AzurePlatformInput> = (c) =>
  c.network.postgresDnsZoneName.endsWith(POSTGRES_PRIVATE_DNS_SUFFIX)
    ? []
    : [
        issue(
          `${P}.network.postgresDnsZoneName`,
          `${c.network.postgresDnsZoneName} does not end with ${POSTGRES_PRIVATE_DNS_SUFFIX} (Azure rejects other zones for VNet integration)`,
        ),
      ];

// ---------------------------------------------------------------------------------------------------------------------
// Key Vault and passwords

export const softDeleteInRange: Rule<AzurePlatformInput> = (c) => {
  const d = c.keyVault.softDeleteRetentionDays;
  return d < SOFT_DELETE_RANGE.min || d > SOFT_DELETE_RANGE.max
    ? [
        issue(
          `${P}.keyVault.softDeleteRetentionDays`,
          `${d} is outside Key Vault's ${SOFT_DELETE_RANGE.min}–${SOFT_DELETE_RANGE.max} days`,
        ),
      ]
    : [];
};

export const ROTATION_PATTERN = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;
export const MIN_PASSWORD_LENGTH = 24;

/** True when a YYYY-MM or YYYY-MM-DD stamp names a real day (2026-02-30 does not). */
export function isCalendarDate(stamp: string): boolean {
  const [y, m, d = 1] = stamp.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const passwordsPolicy: Rule<PlatformInput> = (c) => {
  const p = c.passwords;
  const out: ConfigIssue[] = [];
  const path = `${P}.passwords`;
  if (!ROTATION_PATTERN.test(p.rotation)) {
    out.push(
      issue(`${path}.rotation`, `${p.rotation} is not a rotation stamp in YYYY-MM or YYYY-MM-DD form (e.g. 2026-11)`),
    );
  } else if (!isCalendarDate(p.rotation)) {
    out.push(
      issue(`${path}.rotation`, `${p.rotation} is not a date in the calendar (the secrets' expiry is counted from it)`),
    );
  }
  if (p.length < MIN_PASSWORD_LENGTH)
    out.push(issue(`${path}.length`, `${p.length} is shorter than the platform minimum of ${MIN_PASSWORD_LENGTH}`));
  for (const key of ["minUpper", "minLower", "minNumeric", "minSpecial"] as const) {
    if (p[key] < 1)
      out.push(
        issue(`${path}.${key}`, `${p[key]} must be at least 1 (R-4.1.2: upper, lower, digit and special characters)`),
      );
  }
  const sum = p.minUpper + p.minLower + p.minNumeric + p.minSpecial;
  if (sum > p.length) out.push(issue(`${path}`, `minimum counts add up to ${sum}, more than length ${p.length}`));
  if (p.rotationPeriodDays > 365)
    out.push(
      issue(
        `${path}.rotationPeriodDays`,
        `${p.rotationPeriodDays} is longer than a year (R-4.1.2 rotates every 90 days)`,
      ),
    );
  return out;
};

// ---------------------------------------------------------------------------------------------------------------------
// Monitoring

type MetricAlertKey = Exclude<
  keyof AzurePlatformInput["monitoring"]["alerts"],
  "resourceHealth" | "queryResponseTimeMs" | "lockWaitMs"
>;

const PERCENT_ALERTS: readonly MetricAlertKey[] = ["cpuPercent", "memoryPercent", "storagePercent", "diskIopsPercent"];

export const alertWindowsAreAzureValues: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const alerts = c.monitoring.alerts;
  const check = (
    key: string,
    a: { window: string; frequency: string },
    windows: readonly string[],
    freqs: readonly string[],
    kind: string,
  ) => {
    const path = `${P}.monitoring.alerts.${key}`;
    if (!windows.includes(a.window))
      out.push(issue(`${path}.window`, `${a.window} is not a ${kind} window Azure accepts (${windows.join(", ")})`));
    if (!freqs.includes(a.frequency))
      out.push(
        issue(
          `${path}.frequency`,
          `${a.frequency} is not a ${kind} evaluation frequency Azure accepts (${freqs.join(", ")})`,
        ),
      );
    else if (windows.includes(a.window) && durationMinutes(a.frequency) > durationMinutes(a.window)) {
      out.push(
        issue(
          `${path}.frequency`,
          `${a.frequency} is longer than the window ${a.window} (Azure requires frequency ≤ window)`,
        ),
      );
    }
  };
  for (const key of Object.keys(alerts) as (keyof typeof alerts)[]) {
    if (key === "resourceHealth") continue;
    const a = alerts[key];
    if (key === "queryResponseTimeMs" || key === "slowQueriesPerHour" || key === "lockWaitMs")
      check(key, a, LOG_ALERT_WINDOWS, LOG_ALERT_FREQUENCIES, "log alert");
    else check(key, a, METRIC_ALERT_WINDOWS, METRIC_ALERT_FREQUENCIES, "metric alert");
  }
  return out;
};

export const alertThresholdsInRange: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const alerts = c.monitoring.alerts;
  const path = (k: string, f: string) => `${P}.monitoring.alerts.${k}.${f}`;
  for (const k of PERCENT_ALERTS) {
    const t = (alerts[k] as { threshold: number }).threshold;
    if (!(t > 0 && t < 100))
      out.push(issue(path(k, "threshold"), `${t} is not a percentage between 0 and 100 (exclusive)`));
  }
  const pu = alerts.activeConnections.percentOfUsable;
  if (!(pu > 0 && pu <= 100))
    out.push(
      issue(
        path("activeConnections", "percentOfUsable"),
        `${pu} is not a percentage of usable connections between 0 and 100`,
      ),
    );
  const positive = (k: keyof typeof alerts, what: string) => {
    const t = (alerts[k] as { threshold: number }).threshold;
    if (!(t > 0)) out.push(issue(path(k, "threshold"), `${t} must be a positive ${what}`));
  };
  positive("failedConnections", "count");
  const slow = alerts.slowQueriesPerHour.threshold;
  if (!(Number.isInteger(slow) && slow >= 0))
    out.push(issue(path("slowQueriesPerHour", "threshold"), `${slow} is not a whole number of slow queries ≥ 0`));
  const deadlocks = alerts.deadlocks.threshold;
  if (!(Number.isInteger(deadlocks) && deadlocks >= 0))
    out.push(
      issue(path("deadlocks", "threshold"), `${deadlocks} is not a whole number of deadlocks ≥ 0 (the plan says 0)`),
    );
  positive("replicaLagSeconds", "number of seconds");
  positive("queryResponseTimeMs", "number of milliseconds");
  positive("lockWaitMs", "number of milliseconds");
  if (alerts.replicaLagSeconds.threshold > 3600)
    out.push(
      issue(
        path("replicaLagSeconds", "threshold"),
        `${alerts.replicaLagSeconds.threshold} seconds of lag is past any useful DR point (≤ 3600)`,
      ),
    );
  return out;
};

export const alertsHaveReceivers: Rule<AzurePlatformInput> = (c) => {
  const out: ConfigIssue[] = [];
  const groups = c.monitoring.actionGroups;
  for (const [key, g] of Object.entries(groups)) {
    if (g.emails.length === 0 && g.sms.length === 0 && !g.teams) {
      out.push(
        issue(`${P}.monitoring.actionGroups.${key}`, `${g.name} has no receiver (give it emails, sms or teams: true)`),
      );
    }
  }
  for (const [key, a] of Object.entries(c.monitoring.alerts)) {
    if (!a.enabled) continue;
    if (!groups[a.actionGroup]) {
      out.push(
        issue(
          `${P}.monitoring.alerts.${key}.actionGroup`,
          `${a.actionGroup} is not one of platform.monitoring.actionGroups (${Object.keys(groups).join(", ") || "none"}): the alert would notify no one`,
        ),
      );
    }
  }
  return out;
};

/** Cost Management's own limits on a budget (REST spec Microsoft.Consumption budgets; provider NotificationArgs). */
export const BUDGET_EARLIEST_START = "2017-06-01";
export const BUDGET_MAX_THRESHOLD_PERCENT = 1000;

export const budgetIsValid: Rule<AzurePlatformInput> = (c) => {
  const b = c.monitoring.budget;
  if (!b) return [];
  const out: ConfigIssue[] = [];
  const path = `${P}.monitoring.budget`;
  if (!(Number.isFinite(b.amount) && b.amount > 0))
    out.push(issue(`${path}.amount`, `${b.amount} is not a positive amount (in the subscription's billing currency)`));
  if (!/^\d{4}-(0[1-9]|1[0-2])-01$/.test(b.startDate) || !isCalendarDate(b.startDate))
    out.push(
      issue(
        `${path}.startDate`,
        `${b.startDate} is not the first day of a month in YYYY-MM-01 form (Cost Management requires it)`,
      ),
    );
  else if (b.startDate < BUDGET_EARLIEST_START)
    out.push(
      issue(
        `${path}.startDate`,
        `${b.startDate} is before ${BUDGET_EARLIEST_START}, the earliest budget start Azure accepts`,
      ),
    );
  for (const key of ["actualPercent", "forecastPercent"] as const) {
    const t = b[key];
    if (!(t > 0 && t <= BUDGET_MAX_THRESHOLD_PERCENT) || Math.round(t * 100) !== t * 100)
      out.push(
        issue(
          `${path}.${key}`,
          `${t} is not a percentage of the budget between 0 (exclusive) and ${BUDGET_MAX_THRESHOLD_PERCENT} with at most 2 decimals`,
        ),
      );
  }
  const groups = c.monitoring.actionGroups;
  if (b.actionGroups.length === 0)
    out.push(issue(`${path}.actionGroups`, `[] names no action group: the budget would notify no one`));
  b.actionGroups.forEach((g, i) => {
    if (!groups[g])
      out.push(
        issue(
          `${path}.actionGroups[${i}]`,
          `${g} is not one of platform.monitoring.actionGroups (${Object.keys(groups).join(", ") || "none"})`,
        ),
      );
  });
  return out;
};

export const workspaceRetentionInRange: Rule<AzurePlatformInput> = (c) => {
  const w = c.monitoring.workspace;
  const out: ConfigIssue[] = [];
  if (w.retentionDays < 30 || w.retentionDays > 730)
    out.push(
      issue(`${P}.monitoring.workspace.retentionDays`, `${w.retentionDays} is outside Log Analytics' 30–730 days`),
    );
  if (w.metricsRetentionDays < w.retentionDays || w.metricsRetentionDays > 4383) {
    out.push(
      issue(
        `${P}.monitoring.workspace.metricsRetentionDays`,
        `${w.metricsRetentionDays} must be between the workspace retention (${w.retentionDays}) and 4383 days`,
      ),
    );
  }
  return out;
};

// ---------------------------------------------------------------------------------------------------------------------
// Cross-cutting

export const REQUIRED_TAGS = ["environment", "service", "owner", "cost-center"] as const;

/** Tags are visible to everyone with Reader and copied into cost exports: no credential belongs in one. */
export const tagsHoldNoSecrets: Rule<PlatformInput> = (c) =>
  Object.entries(c.tags).flatMap(([key, value]) =>
    SECRET_KEY.test(key) || looksLikeSecret(value) || looksLikeSecret(key)
      ? [
          issue(
            `${P}.tags.${looksLikeSecret(key) ? "[redacted]" : key}`,
            `[redacted] looks like a credential: tags are readable by anyone with Reader on the resource and land in cost exports`,
          ),
        ]
      : [],
  );

export const requiredTagsPresent: Rule<PlatformInput> = (c) => {
  const missing = REQUIRED_TAGS.filter((t) => !c.tags[t]);
  return missing.length
    ? [
        issue(
          `${P}.tags`,
          `{${Object.keys(c.tags).join(", ")}} lacks ${missing.join(", ")} (policy M4: every resource carries them)`,
        ),
      ]
    : [];
};

const SECRET_KEY = /(password|passwd|secret|token|webhook|kubeconfig|connectionstring|apikey|privatekey)/i;

/** Secret-looking keys holding plain strings anywhere in the raw config object. */
export function plainTextSecrets(raw: unknown, path = P): ConfigIssue[] {
  if (Array.isArray(raw)) return raw.flatMap((v, i) => plainTextSecrets(v, `${path}[${i}]`));
  if (raw === null || typeof raw !== "object") return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([k, v]) =>
    SECRET_KEY.test(k) && typeof v === "string"
      ? [
          issue(
            `${path}.${k}`,
            `[redacted] is a plain-text secret in stack config: remove it and use a generated password or \`pulumi config set --secret\``,
          ),
        ]
      : plainTextSecrets(v, `${path}.${k}`),
  );
}

export const localPortsDistinct: Rule<LocalPlatformInput> = (c) =>
  c.local.primaryPort === c.local.replicaPort
    ? [
        issue(
          `${P}.local.replicaPort`,
          `${c.local.replicaPort} equals primaryPort (each container needs its own host port)`,
        ),
      ]
    : [];

export const localAdministratorLoginIsAllowed: Rule<LocalPlatformInput> = (c) => {
  const problem = loginProblem(c.local.administratorLogin);
  return problem ? [issue(`${P}.local.administratorLogin`, `${c.local.administratorLogin} ${problem}`)] : [];
};

export const AZURE_RULES: readonly Rule<AzurePlatformInput>[] = [
  skuIsKnown,
  haNeedsGeneralPurposeOrMemoryOptimized,
  standbyZoneDiffersFromPrimary,
  regionsAreKnown,
  zonesOnlyWhereTheRegionHasThem,
  storageIsValid,
  replicasAtLeastThePrimary,
  replicasNeedGeneralPurposeOrMemoryOptimized,
  replicasNeedPremiumSsd,
  replicaMaxConnectionsAtLeastThePrimary,
  pgBouncerNeedsGeneralPurposeOrMemoryOptimized,
  atMostFiveReplicas,
  serverNamesAreUnique,
  virtualEndpointsAreValid,
  primaryRegionIsAServersRegion,
  backupRetentionInRange,
  longTermBackupIsValid,
  collationIsAFlexibleServerName,
  administratorLoginIsAllowed,
  entraAuthWhenEntraAdmin,
  someAuthenticationEnabled,
  cidrsAreValid,
  subnetsInsideTheirVnet,
  peeredVnetsDoNotOverlap,
  vnetPerServerRegion,
  dnsZoneIsAPostgresZone,
  softDeleteInRange,
  passwordsPolicy,
  alertWindowsAreAzureValues,
  alertThresholdsInRange,
  alertsHaveReceivers,
  workspaceRetentionInRange,
  budgetIsValid,
  requiredTagsPresent,
  tagsHoldNoSecrets,
];

export const LOCAL_RULES: readonly Rule<LocalPlatformInput>[] = [
  collationIsAFlexibleServerName,
  passwordsPolicy,
  requiredTagsPresent,
  tagsHoldNoSecrets,
  localPortsDistinct,
  localAdministratorLoginIsAllowed,
];
