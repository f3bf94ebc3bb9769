/**
 * What Azure holds right now for the platform's servers, read before anything is registered. Pulumi runs updates in
 * dependency order and sends a full PUT on every update (pulumi-azure-native provider/pkg/gen/schema.go: PATCH only
 * when a path has no PUT), so three things can only be right with the live state in hand:
 * - `createMode`: "Create"/"Replica" for a server that does not exist, "Update" for one that does (REST spec 2025-08-01
 *   Servers.json, createMode: "Create: Operation creates a new server" / "Update: Operation updates an existing server");
 * - replica-first scaling (Learn, read replicas, Scale: "First scale up a replica's compute, then scale up the primary"),
 *   checked against the replicas' live sizes in preflight.ts;
 * - the private DNS zone id, which Azure may return in other casing (Azure/azure-rest-api-specs#26346).
 */
import * as postgres from "@pulumi/azure-native/dbforpostgresql/index.js";

/** The parts of a live server the preflight and the component read. */
export interface LiveServer {
  readonly skuName?: string;
  readonly storageSizeGB?: number;
  readonly storageTier?: string;
  readonly autoGrow?: string;
  /** "Primary", "AsyncReplica", "GeoAsyncReplica", "None" … as Azure reports it. */
  readonly replicationRole?: string;
  readonly privateDnsZoneArmResourceId?: string;
  readonly highAvailabilityMode?: string;
  /** max_connections as the server runs it (undefined when it could not be read). */
  readonly maxConnections?: number;
}

/** Live servers by Azure server name; a name that is absent does not exist in Azure. */
export type LiveServers = Readonly<Record<string, LiveServer>>;

/** Errors Azure returns for a server (or its resource group) that does not exist. */
const NOT_FOUND = /\b(ResourceNotFound|ResourceGroupNotFound|ParentResourceNotFound|NotFound|404)\b/;

export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.test(error instanceof Error ? error.message : String(error));
}

async function readServer(resourceGroupName: string, serverName: string): Promise<LiveServer | undefined> {
  let server: postgres.GetServerResult;
  try {
    server = await postgres.getServer({ resourceGroupName, serverName });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(
      `cannot read server ${serverName} in ${resourceGroupName} (needed before any change): ${String(error)}`,
      { cause: error },
    );
  }
  let maxConnections: number | undefined;
  try {
    const c = await postgres.getConfiguration({ resourceGroupName, serverName, configurationName: "max_connections" });
    maxConnections = c.value === undefined ? undefined : Number(c.value);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return {
    ...(server.sku?.name !== undefined ? { skuName: server.sku.name } : {}),
    ...(server.storage?.storageSizeGB !== undefined ? { storageSizeGB: server.storage.storageSizeGB } : {}),
    ...(server.storage?.tier !== undefined ? { storageTier: server.storage.tier } : {}),
    ...(server.storage?.autoGrow !== undefined ? { autoGrow: server.storage.autoGrow } : {}),
    ...(server.replicationRole !== undefined ? { replicationRole: server.replicationRole } : {}),
    ...(server.network?.privateDnsZoneArmResourceId !== undefined
      ? { privateDnsZoneArmResourceId: server.network.privateDnsZoneArmResourceId }
      : {}),
    ...(server.highAvailability?.mode !== undefined ? { highAvailabilityMode: server.highAvailability.mode } : {}),
    ...(maxConnections !== undefined && Number.isFinite(maxConnections) ? { maxConnections } : {}),
  };
}

/** Reads every named server (in parallel); servers that do not exist are left out. */
export async function readLiveServers(resourceGroupName: string, serverNames: readonly string[]): Promise<LiveServers> {
  const found = await Promise.all(serverNames.map(async (n) => [n, await readServer(resourceGroupName, n)] as const));
  return Object.fromEntries(found.filter((e): e is readonly [string, LiveServer] => e[1] !== undefined));
}
