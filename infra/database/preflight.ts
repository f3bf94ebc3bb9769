/**
 * Checks of the desired platform against the live servers (live.ts), made before anything is registered, and the few
 * inputs that depend on what already exists. Pure: tested without Azure or mocks.
 */
import { SKUS, learn } from "../config/azure-facts.js";
import type { AzurePlatform } from "../config/platform.js";
import type { ConfigIssue } from "../config/rules.js";
import type { LiveServer, LiveServers } from "./live.js";

/** Learn, read replicas, "Scale": the order Azure asks for when a primary has replicas. */
export const REPLICA_FIRST_SOURCE = learn(
  "concepts-read-replicas#scale",
  "Scaling up: First scale up a replica's compute, then scale up the primary. … Compute on the primary must always be equal or smaller than the compute on the smallest replica. … Scaling up: First scale up a replica's storage, then scale up the primary.",
);

/** Learn, how-to-create-read-replica: the recovery-sensitive parameters go replica-first. */
export const REPLICA_FIRST_PARAMETERS_SOURCE = learn(
  "how-to-create-read-replica",
  "Before changing the values of the following server parameters on the primary server, change them on the read replicas first. … max_connections, max_prepared_transactions, max_locks_per_transaction, max_wal_senders, max_worker_processes.",
);

/** Learn, private networking: the zone of an HA server cannot change. */
export const HA_DNS_ZONE_SOURCE = learn(
  "concepts-networking-private#use-a-private-dns-zone",
  "The ability to change a Private DNS zone from the one that you provided when you created your Azure Database for PostgreSQL flexible server instance to another Private DNS zone is currently disabled for servers with the high-availability feature enabled.",
);

const P = "platform";

function computeOf(skuName: string | undefined): { vCores: number; memoryGiB: number } | undefined {
  return skuName ? SKUS[skuName] : undefined;
}

function larger(a: { vCores: number; memoryGiB: number }, b: { vCores: number; memoryGiB: number }): boolean {
  return a.vCores > b.vCores || a.memoryGiB > b.memoryGiB;
}

const TWO_STEP =
  "Roll it out in two deployments: 1) set the new value on every replica (platform.replicas[i].sku / .storage / .maxConnections) and run pulumi up — only the replicas change; 2) then set it on the primary (platform.server…) and run pulumi up again.";

/**
 * Refuses a change that would raise the primary past a replica that has not been raised yet. Pulumi updates the primary
 * before its replicas (every replica depends on the primary's id), so a one-step raise is always primary-first.
 */
export function replicaFirstProblems(p: AzurePlatform, live: LiveServers): ConfigIssue[] {
  const primaryLive = live[p.server.name];
  if (!primaryLive) return []; // a new primary: its replicas are created from it afterwards
  const out: ConfigIssue[] = [];
  const desired = computeOf(p.server.sku.name);
  const current = computeOf(primaryLive.skuName);
  for (const r of p.replicas) {
    const replicaLive = live[r.name];
    if (!replicaLive) continue; // created after the primary, at the primary's new size
    const replicaCompute = computeOf(replicaLive.skuName);
    if (desired && current && replicaCompute && larger(desired, current) && larger(desired, replicaCompute)) {
      out.push({
        path: `${P}.server.sku.name`,
        message: `${p.server.sku.name} would scale the primary up before replica ${r.name} (live ${replicaLive.skuName}): Azure asks replicas first (${REPLICA_FIRST_SOURCE.ref}). ${TWO_STEP}`,
      });
    }
    const size = p.server.storage.sizeGB;
    if (
      primaryLive.storageSizeGB !== undefined &&
      replicaLive.storageSizeGB !== undefined &&
      size > primaryLive.storageSizeGB &&
      size > replicaLive.storageSizeGB
    ) {
      out.push({
        path: `${P}.server.storage.sizeGB`,
        message: `${size} would grow the primary's disk before replica ${r.name} (live ${replicaLive.storageSizeGB} GiB): Azure asks replicas first (${REPLICA_FIRST_SOURCE.ref}). ${TWO_STEP}`,
      });
    }
    const mc = p.server.maxConnections;
    if (
      primaryLive.maxConnections !== undefined &&
      replicaLive.maxConnections !== undefined &&
      mc > primaryLive.maxConnections &&
      mc > replicaLive.maxConnections
    ) {
      out.push({
        path: `${P}.server.maxConnections`,
        message: `${mc} would raise max_connections on the primary before replica ${r.name} (live ${replicaLive.maxConnections}): Azure asks replicas first (${REPLICA_FIRST_PARAMETERS_SOURCE.ref}). ${TWO_STEP}`,
      });
    }
  }
  return out;
}

/**
 * The private DNS zone: a case-only difference is Azure's spelling of the same id, not a change; a real change on an
 * HA server is refused.
 */
export function dnsZoneProblems(p: AzurePlatform, live: LiveServers, desiredZoneId: string | undefined): ConfigIssue[] {
  const l = live[p.server.name];
  if (!l?.privateDnsZoneArmResourceId || desiredZoneId === undefined) return [];
  if (l.privateDnsZoneArmResourceId.toLowerCase() === desiredZoneId.toLowerCase()) return [];
  if (l.highAvailabilityMode !== undefined && l.highAvailabilityMode !== "Disabled") {
    return [
      {
        path: `${P}.network.postgresDnsZoneName`,
        message: `${p.network.postgresDnsZoneName} differs from the zone the HA server ${p.server.name} uses (${l.privateDnsZoneArmResourceId}); Azure cannot move an HA server to another private DNS zone (${HA_DNS_ZONE_SOURCE.ref})`,
      },
    ];
  }
  return [];
}

/** Every live-state problem, reported together like config errors. */
export function preflightProblems(p: AzurePlatform, live: LiveServers, desiredZoneId?: string): ConfigIssue[] {
  return [...replicaFirstProblems(p, live), ...dnsZoneProblems(p, live, desiredZoneId)];
}

/** createMode for a PUT: what creates a new server, or "Update" for one that exists (the PUT body of an update). */
export function createModeFor(
  live: LiveServer | undefined,
  role: "primary" | "replica",
): "Create" | "Replica" | "Update" {
  if (live) return "Update";
  return role === "primary" ? "Create" : "Replica";
}

/** The zone id to send: Azure's own spelling when it names the same zone, so a refresh shows no diff. */
export function dnsZoneIdFor(live: LiveServer | undefined, desired: string): string {
  const current = live?.privateDnsZoneArmResourceId;
  return current !== undefined && current.toLowerCase() === desired.toLowerCase() ? current : desired;
}

/**
 * The disk size to send: never below what the server has now. Auto-grow enlarges disks behind Pulumi's back and Azure
 * cannot shrink one (Learn, Premium SSD: "storage can only be scaled up, not down"), so the larger of config and live is
 * the only value an update can carry — and a raise in config still takes effect.
 */
export function storageSizeFor(live: LiveServer | undefined, configured: number): number {
  return live?.storageSizeGB !== undefined && live.storageSizeGB > configured ? live.storageSizeGB : configured;
}
