/**
 * The PostgreSQL servers: the zone-redundant primary, its parameters (one chain), the restart that applies static
 * parameters, the Entra administrator, the application database, the replicas and the deletion protection.
 *
 * Every write to a server is serialized into one chain — server → Entra admin → parameter 1 … n → restart → database →
 * replica 1 (its parameters, its restart) → replica 2 … — because Azure rejects concurrent writes to a server
 * ("ServerBusy") and locks the source server while a replica is being created (docs/decisions.md D12, D13).
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as postgres from "@pulumi/azure-native/dbforpostgresql/index.js";
import * as command from "@pulumi/command/local/index.js";
import { createHash } from "node:crypto";
import type { AzurePlatform, ResolvedReplica, ResolvedStorage } from "../config/platform.js";
import { type DeclaredParameter, parametersFor, replicaParameters, staticParameters } from "../parameters.js";
import type { ServerRef } from "../types.js";

/** API version of the Flexible Server resources, needed by the resource-level lock. */
export const FLEXIBLE_SERVER_API_VERSION = "2025-08-01";

/** Drift Azure itself causes on a primary: a failover moves it to the standby zone; auto-grow enlarges the disk. */
export const PRIMARY_IGNORED_DRIFT = [
  "availabilityZone",
  "highAvailability.standbyAvailabilityZone",
  "storage.storageSizeGB",
];
/** Replicas have no standby, but their disks auto-grow with the primary's. */
export const REPLICA_IGNORED_DRIFT = ["availabilityZone", "storage.storageSizeGB"];

export interface PostgresServersArgs {
  readonly platform: AzurePlatform;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  readonly administratorPassword: pulumi.Output<string>;
  readonly network: {
    /** Delegated PostgreSQL subnet id by region. */
    readonly databaseSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
    readonly postgresDnsZoneId: pulumi.Input<string>;
    /** What a server in a region must wait for (subnet, DNS link, peering). */
    readonly serverPrerequisites: Readonly<Record<string, readonly pulumi.Resource[]>>;
  };
}

/**
 * What changes the restart trigger: the static parameters and their values. A change of a dynamic parameter does not
 * restart the server; a change of any static one restarts it exactly once, after the last write.
 */
export function restartTrigger(serverName: string, params: readonly DeclaredParameter[]): string {
  const staticSet = staticParameters(params).map((p) => `${p.name}=${p.value}`);
  return createHash("sha256")
    .update(JSON.stringify([serverName, staticSet]))
    .digest("hex")
    .slice(0, 16);
}

/** The shell command the restart step runs (az CLI of the deployer, as in the runbook). Values come from the environment. */
export const RESTART_COMMAND =
  'az postgres flexible-server restart --resource-group "$RESOURCE_GROUP" --name "$SERVER_NAME" --only-show-errors';

function storageArgs(s: ResolvedStorage): postgres.ServerArgs["storage"] {
  return {
    type: s.type,
    storageSizeGB: s.sizeGB,
    autoGrow: s.autoGrow ? "Enabled" : "Disabled",
    ...(s.tier !== undefined ? { tier: s.tier } : {}),
    ...(s.iops !== undefined ? { iops: s.iops } : {}),
    ...(s.throughputMBps !== undefined ? { throughput: s.throughputMBps } : {}),
  };
}

export class PostgresServers extends pulumi.ComponentResource {
  readonly servers: readonly ServerRef[];
  readonly primaryFqdn: pulumi.Output<string>;
  readonly primaryServerId: pulumi.Output<string>;
  readonly databaseName: string;
  readonly primary: postgres.Server;
  readonly database: postgres.Database;

  constructor(name: string, args: PostgresServersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:PostgresServers", name, {}, opts);
    const { platform: p, resourceGroupName, network } = args;
    const s = p.server;
    const tags = p.tags;

    const primary = new postgres.Server(
      `${name}-primary`,
      {
        resourceGroupName,
        serverName: s.name,
        location: p.location,
        version: s.version,
        sku: { name: s.sku.name, tier: s.sku.tier },
        storage: storageArgs(s.storage),
        ...(s.availabilityZone !== undefined ? { availabilityZone: s.availabilityZone } : {}),
        highAvailability:
          s.highAvailability.mode === "ZoneRedundant"
            ? { mode: "ZoneRedundant", standbyAvailabilityZone: s.highAvailability.standbyZone }
            : { mode: s.highAvailability.mode },
        backup: {
          backupRetentionDays: s.backup.retentionDays,
          geoRedundantBackup: s.backup.geoRedundant ? "Enabled" : "Disabled",
        },
        network: {
          delegatedSubnetResourceId: network.databaseSubnetIds[p.location],
          privateDnsZoneArmResourceId: network.postgresDnsZoneId,
          publicNetworkAccess: "Disabled",
        },
        authConfig: {
          activeDirectoryAuth: s.authentication.entra ? "Enabled" : "Disabled",
          passwordAuth: s.authentication.password ? "Enabled" : "Disabled",
          tenantId: args.tenantId,
        },
        maintenanceWindow: { customWindow: "Enabled", ...s.maintenanceWindowUtc },
        administratorLogin: s.administratorLogin,
        administratorLoginPassword: args.administratorPassword,
        createMode: "Create",
        tags,
      },
      {
        parent: this,
        protect: true,
        ignoreChanges: PRIMARY_IGNORED_DRIFT,
        dependsOn: [...(network.serverPrerequisites[p.location] ?? [])],
      },
    );

    if (s.deleteLock) {
      new authorization.ManagementLockAtResourceLevel(
        `${name}-primary-lock`,
        {
          lockName: `${s.name}-cannot-delete`,
          level: "CanNotDelete",
          notes: "Production database: remove this lock deliberately (see README, 'Replacing or deleting a server').",
          resourceGroupName,
          resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
          parentResourcePath: "",
          resourceType: "flexibleServers",
          resourceName: primary.name,
          apiVersion: FLEXIBLE_SERVER_API_VERSION,
        },
        { parent: this },
      );
    }

    // The Entra administrator opens the chain, so the database below is created after it and is not owned by the
    // built-in administrator alone.
    const entraAdmin = new postgres.AdministratorsMicrosoftEntra(
      `${name}-entra-admin`,
      {
        resourceGroupName,
        serverName: primary.name,
        objectId: p.entraAdmin.objectId,
        principalName: p.entraAdmin.principalName,
        principalType: p.entraAdmin.principalType,
        tenantId: args.tenantId,
      },
      { parent: this },
    );

    const primaryParams = parametersFor("azure");
    const primaryDone = this.writeParameters(`${name}-primary`, resourceGroupName, primary, primaryParams, entraAdmin);

    this.database = new postgres.Database(
      `${name}-database`,
      {
        resourceGroupName,
        serverName: primary.name,
        databaseName: p.database.name,
        charset: p.database.charset,
        collation: p.database.collation,
      },
      { parent: this, protect: true, dependsOn: [primaryDone, entraAdmin] },
    );

    const servers: ServerRef[] = [
      {
        role: "primary",
        name: s.name,
        region: p.location,
        id: primary.id,
        fqdn: primary.fullyQualifiedDomainName,
        resource: primary,
      },
    ];
    let previous: pulumi.Resource = this.database;
    for (const replica of p.replicas) {
      const { server, done } = this.replica(name, args, primary, replica, previous);
      servers.push({
        role: "replica",
        name: replica.name,
        region: replica.region,
        id: server.id,
        fqdn: server.fullyQualifiedDomainName,
        resource: server,
      });
      previous = done;
    }

    this.primary = primary;
    this.servers = servers;
    this.primaryFqdn = primary.fullyQualifiedDomainName;
    this.primaryServerId = primary.id;
    this.databaseName = p.database.name;
    this.registerOutputs({
      primaryFqdn: this.primaryFqdn,
      primaryServerId: this.primaryServerId,
      databaseName: this.databaseName,
    });
  }

  /**
   * Writes parameters one after another, then restarts once when the static set is part of what was written.
   * Returns the last step, which anything that must follow the server's configuration depends on.
   */
  private writeParameters(
    prefix: string,
    resourceGroupName: pulumi.Input<string>,
    server: postgres.Server,
    params: readonly DeclaredParameter[],
    after: pulumi.Resource,
  ): pulumi.Resource {
    let previous = after;
    for (const param of params) {
      previous = new postgres.Configuration(
        `${prefix}-param-${param.name}`,
        {
          resourceGroupName,
          serverName: server.name,
          configurationName: param.name,
          value: param.value,
          source: "user-override",
        },
        // Azure cannot delete a parameter (it only resets it): keep it out of Azure's way on destroy.
        { parent: this, dependsOn: [previous], retainOnDelete: true },
      );
    }
    if (staticParameters(params).length === 0) return previous;
    return new command.Command(
      `${prefix}-restart`,
      {
        create: RESTART_COMMAND,
        environment: { RESOURCE_GROUP: resourceGroupName, SERVER_NAME: server.name },
        triggers: [restartTrigger(prefix, params)],
      },
      { parent: this, dependsOn: [previous] },
    );
  }

  private replica(
    name: string,
    args: PostgresServersArgs,
    primary: postgres.Server,
    r: ResolvedReplica,
    after: pulumi.Resource,
  ): { server: postgres.Server; done: pulumi.Resource } {
    const { platform: p, resourceGroupName, network } = args;
    const server = new postgres.Server(
      `${name}-replica-${r.name}`,
      {
        resourceGroupName,
        serverName: r.name,
        location: r.region,
        createMode: "Replica",
        sourceServerResourceId: primary.id,
        sku: { name: r.sku.name, tier: r.sku.tier },
        storage: storageArgs(r.storage),
        ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
        network: {
          delegatedSubnetResourceId: network.databaseSubnetIds[r.region],
          privateDnsZoneArmResourceId: network.postgresDnsZoneId,
          publicNetworkAccess: "Disabled",
        },
        tags: { ...p.tags, role: "read-replica", ...(r.purpose ? { purpose: r.purpose } : {}) },
      },
      {
        parent: this,
        protect: true,
        ignoreChanges: REPLICA_IGNORED_DRIFT,
        dependsOn: [after, ...(network.serverPrerequisites[r.region] ?? [])],
      },
    );
    const done = this.writeParameters(
      `${name}-replica-${r.name}`,
      resourceGroupName,
      server,
      replicaParameters(),
      server,
    );
    return { server, done };
  }
}
