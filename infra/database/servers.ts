/**
 * The PostgreSQL servers: the zone-redundant primary, its parameters (one chain), the restart that applies static
 * parameters, the Entra administrator, the application database, the replicas — each carrying the whole posture — and
 * the deletion protection.
 *
 * Every write to a server is serialized into one chain — server → Entra admin → parameter 1 … n → restart → database →
 * replica 1 (its parameters, its restart) → replica 2 … — because Azure rejects concurrent writes to a server
 * ("ServerBusy") and the primary is "updating" while a replica is created (Learn, read replicas: "During this time,
 * server management operations such as modifying server parameters … will be unavailable"; decisions D12, D13).
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as postgres from "@pulumi/azure-native/dbforpostgresql/index.js";
import * as command from "@pulumi/command/local/index.js";
import { createHash } from "node:crypto";
import { REGIONS, type SkuTier } from "../config/azure-facts.js";
import type { AzurePlatform, ResolvedReplica, ResolvedStorage } from "../config/platform.js";
import { type DeclaredParameter, type ParameterSettings, parametersFor, staticParameters } from "../parameters.js";
import type { ServerRef, Tags } from "../types.js";
import type { LiveServer, LiveServers } from "./live.js";
import { createModeFor, dnsZoneIdFor, storageSizeFor } from "./preflight.js";

/**
 * Drift Azure itself causes on a primary: a failover moves it to the standby zone, and the zone cannot change after
 * creation, so without this a refresh after a failover would plan a replacement. (Disk growth from auto-grow is handled
 * by sending the larger of config and live size, see storageSizeFor.)
 */
export const PRIMARY_IGNORED_DRIFT = ["availabilityZone", "highAvailability.standbyAvailabilityZone"];
/**
 * Replicas have no standby. `sourceServerResourceId` is create-only (REST spec x-ms-mutability ["create"]) and Azure
 * clears it when a replica is promoted; a diff on it must never plan a replacement.
 */
export const REPLICA_IGNORED_DRIFT = [
  "availabilityZone",
  "sourceServerResourceId",
  "highAvailability.standbyAvailabilityZone",
];

/**
 * HA per server for the roles of today (D72). A primary demoted by a switchover is a replica, and replicas cannot have
 * HA (Learn, concepts-read-replicas-promote: "we disable HA during the initial promotion since we don't support
 * HA-enabled read replicas"), so it is declared Disabled — sending the configured mode would be refused. A replica
 * promoted to primary gets the configured zone-redundant HA back only where its region offers it (Korea South does
 * not: Learn's regions table, REGIONS); otherwise nothing is sent, as for any replica. After the switch back the
 * configured primary gets its HA again (Learn: "If you're switching back, you need to enable HA on your original
 * primary server").
 */
export function highAvailabilityFor(
  configured: AzurePlatform["server"]["highAvailability"],
  role: "configured-primary" | "demoted-primary" | "promoted-replica" | "replica",
  region: string,
): postgres.ServerArgs["highAvailability"] | undefined {
  switch (role) {
    case "configured-primary":
      return configured.mode === "ZoneRedundant"
        ? { mode: "ZoneRedundant", standbyAvailabilityZone: configured.standbyZone }
        : { mode: configured.mode };
    case "demoted-primary":
      return { mode: "Disabled" };
    case "promoted-replica":
      return configured.mode === "ZoneRedundant" && REGIONS[region]?.zoneRedundantHa
        ? { mode: "ZoneRedundant" }
        : undefined;
    case "replica":
      return undefined;
  }
}

/**
 * The host names a pair of virtual endpoints gets (Learn, how-to-create-virtual-endpoints: "The two fully qualified
 * domain name aliases (CNAME) records that get created when you create virtual endpoints, have the following pattern:
 * `<virtual-endpoints-base-name>.writer.postgres.database.azure.com` and
 * `<virtual-endpoints-base-name>.reader.postgres.database.azure.com`"). Known before Azure answers, so consumers and
 * the change preview see them; the provider's `virtualEndpoints` output lists the same two names.
 */
export function virtualEndpointFqdn(baseName: string, kind: "writer" | "reader"): string {
  return `${baseName}.${kind}.postgres.database.azure.com`;
}

/** Geo-replicas copy a base backup over the network: "from minutes to several hours" (Learn, read replicas). */
export const REPLICA_CREATE_TIMEOUT = { sameRegion: "2h", crossRegion: "8h" } as const;

export interface PostgresServersArgs {
  readonly platform: AzurePlatform;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  readonly administratorPassword: pulumi.Output<string>;
  readonly network: {
    /** Delegated PostgreSQL subnet id by region. */
    readonly databaseSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** The zone id as this program builds it (compared case-insensitively with the live one). */
    readonly postgresDnsZoneId: pulumi.Input<string>;
    /** What a server in a region must wait for (subnet, DNS link, peering). */
    readonly serverPrerequisites: Readonly<Record<string, readonly pulumi.Resource[]>>;
  };
  /** The servers as Azure has them now (absent = not created yet). */
  readonly live: LiveServers;
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

/**
 * The POSIX shell command the restart step runs with the deployer's az CLI (as in the runbook). Every value comes from
 * the environment, so the subscription is named explicitly rather than taken from whatever `az account` is current.
 */
export const RESTART_COMMAND =
  'az postgres flexible-server restart --subscription "$SUBSCRIPTION_ID" --resource-group "$RESOURCE_GROUP" --name "$SERVER_NAME" --only-show-errors';
export const RESTART_INTERPRETER = ["/bin/sh", "-c"];

/** Per-server parameter values: max_connections of the server; Query Store and PgBouncer only where the tier has them. */
export function parameterSettings(tier: SkuTier, maxConnections: number, pgBouncer: boolean): ParameterSettings {
  return { maxConnections, queryStore: tier !== "Burstable", pgBouncer: pgBouncer && tier !== "Burstable" };
}

const haArg = (ha: postgres.ServerArgs["highAvailability"] | undefined) => (ha ? { highAvailability: ha } : {});

function storageArgs(s: ResolvedStorage, live: LiveServer | undefined): postgres.ServerArgs["storage"] {
  return {
    type: s.type,
    storageSizeGB: storageSizeFor(live, s.sizeGB),
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
  /** The last write of the chain: later writes to any server (threat protection, …) wait for it. */
  readonly settled: pulumi.Resource;
  /** Host name for writes: the writer virtual endpoint when configured, else the primary's own FQDN. */
  readonly writerFqdn: pulumi.Output<string>;
  /** Host name for reads: the reader virtual endpoint, else the first replica's FQDN, else the primary's. */
  readonly readerFqdn: pulumi.Output<string>;
  readonly virtualEndpoint?: postgres.VirtualEndpoint;

  constructor(name: string, args: PostgresServersArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which server is primary today is a component input, so a stack policy can tell today's roles from the configured
    // ones (a promoted replica keeps its create-only sourceServerResourceId; D72).
    super("authdb:azure:PostgresServers", name, { currentPrimaryServerName: args.platform.currentPrimaryName }, opts);
    const { platform: p, resourceGroupName, network, live } = args;
    const s = p.server;
    const tags: Tags = p.tags;
    const primaryLive = live[s.name];
    // After a switchover (platform.primaryRegion, D72) the configured primary is a replica and the reader target the
    // primary. Resources keep their names (no URN changes, nothing replaced); what follows the roles is HA, the alert
    // pack (ServerRef.role) and the reader endpoint's member.
    const switched = p.currentPrimaryName !== s.name;
    const authConfig = {
      activeDirectoryAuth: s.authentication.entra ? "Enabled" : "Disabled",
      passwordAuth: s.authentication.password ? "Enabled" : "Disabled",
      tenantId: args.tenantId,
    };
    const networkArgs = (region: string, serverLive: LiveServer | undefined) => ({
      delegatedSubnetResourceId: network.databaseSubnetIds[region],
      privateDnsZoneArmResourceId: pulumi.output(network.postgresDnsZoneId).apply((id) => dnsZoneIdFor(serverLive, id)),
      publicNetworkAccess: "Disabled",
    });

    const primary = new postgres.Server(
      `${name}-primary`,
      {
        resourceGroupName,
        serverName: s.name,
        location: p.location,
        version: s.version,
        sku: { name: s.sku.name, tier: s.sku.tier },
        storage: storageArgs(s.storage, primaryLive),
        ...(s.availabilityZone !== undefined ? { availabilityZone: s.availabilityZone } : {}),
        highAvailability: highAvailabilityFor(
          s.highAvailability,
          switched ? "demoted-primary" : "configured-primary",
          p.location,
        ),
        backup: {
          backupRetentionDays: s.backup.retentionDays,
          geoRedundantBackup: s.backup.geoRedundant ? "Enabled" : "Disabled",
        },
        network: networkArgs(p.location, primaryLive),
        authConfig,
        maintenanceWindow: { customWindow: "Enabled", ...s.maintenanceWindowUtc },
        administratorLogin: s.administratorLogin,
        administratorLoginPassword: args.administratorPassword,
        createMode: createModeFor(primaryLive, "primary"),
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
      // The lock's scope is the server's ARM id; the locks API (Microsoft.Authorization 2020-05-01) builds the path.
      new authorization.ManagementLockByScope(
        `${name}-primary-lock`,
        {
          scope: primary.id,
          lockName: `${s.name}-cannot-delete`,
          level: "CanNotDelete",
          notes: "Production database: remove this lock deliberately (see README, 'Replacing or deleting a server').",
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

    const primaryParams = parametersFor("azure", parameterSettings(s.sku.tier, s.maxConnections, s.pgBouncer.enabled));
    const primaryDone = this.writeParameters(`${name}-primary`, args, primary, primaryParams, entraAdmin);

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
        role: switched ? "replica" : "primary",
        name: s.name,
        region: p.location,
        id: primary.id,
        fqdn: primary.fullyQualifiedDomainName,
        maxConnections: s.maxConnections,
        queryStore: parameterSettings(s.sku.tier, s.maxConnections, false).queryStore,
        resource: primary,
      },
    ];
    let previous: pulumi.Resource = this.database;
    for (const replica of p.replicas) {
      const { server, done } = this.replica(name, args, primary, replica, authConfig, networkArgs, previous);
      servers.push({
        role: replica.name === p.currentPrimaryName ? "primary" : "replica",
        name: replica.name,
        region: replica.region,
        id: server.id,
        fqdn: server.fullyQualifiedDomainName,
        maxConnections: replica.maxConnections,
        queryStore: parameterSettings(replica.sku.tier, replica.maxConnections, false).queryStore,
        resource: server,
      });
      previous = done;
    }

    const fallbackReader = servers.find((x) => x.role === "replica")?.fqdn ?? primary.fullyQualifiedDomainName;
    if (p.virtualEndpoints) {
      const ve = p.virtualEndpoints;
      // Managed on the primary (Learn, concepts-read-replicas-virtual-endpoints: "All operations involving virtual
      // endpoints … are performed in the context of the primary server"); `members` names the reader's target, as in
      // Learn's `virtual-endpoint create --endpoint-type ReadWrite --members <replica>`. Last in the chain: creating it
      // is a write to the primary, which must not meet a replica creation (D12, D13).
      const target = servers.find((x) => x.name === ve.readerTarget);
      this.virtualEndpoint = new postgres.VirtualEndpoint(
        `${name}-virtual-endpoints`,
        {
          resourceGroupName,
          serverName: primary.name,
          virtualEndpointName: ve.name,
          endpointType: "ReadWrite",
          // After a switchover Azure points the reader at the former primary (Learn, concepts-read-replicas-virtual-
          // endpoints: "Points to the new replica (former primary)"); declaring that keeps `pulumi up` from moving it.
          members: [switched ? s.name : ve.readerTarget],
        },
        { parent: this, dependsOn: [previous, ...(target ? [target.resource] : [])] },
      );
      previous = this.virtualEndpoint;
    }
    this.writerFqdn = p.virtualEndpoints
      ? pulumi.output(virtualEndpointFqdn(p.virtualEndpoints.name, "writer"))
      : primary.fullyQualifiedDomainName;
    this.readerFqdn = p.virtualEndpoints
      ? pulumi.output(virtualEndpointFqdn(p.virtualEndpoints.name, "reader"))
      : pulumi.output(fallbackReader);

    this.primary = primary;
    this.settled = previous;
    this.servers = servers;
    this.primaryFqdn = primary.fullyQualifiedDomainName;
    this.primaryServerId = primary.id;
    this.databaseName = p.database.name;
    this.registerOutputs({
      writerFqdn: this.writerFqdn,
      readerFqdn: this.readerFqdn,
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
    args: PostgresServersArgs,
    server: postgres.Server,
    params: readonly DeclaredParameter[],
    after: pulumi.Resource,
  ): pulumi.Resource {
    let previous = after;
    for (const param of params) {
      // No retainOnDelete: azure-native resets a deleted Configuration to Azure's default (custom delete since
      // pulumi-azure-native PR #3752, which closed #3476), which is what removing a parameter from the set means.
      previous = new postgres.Configuration(
        `${prefix}-param-${param.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          serverName: server.name,
          configurationName: param.name,
          value: param.value,
          source: "user-override",
        },
        { parent: this, dependsOn: [previous] },
      );
    }
    if (staticParameters(params).length === 0) return previous;
    return new command.Command(
      `${prefix}-restart`,
      {
        create: RESTART_COMMAND,
        interpreter: RESTART_INTERPRETER,
        environment: {
          SUBSCRIPTION_ID: args.subscriptionId,
          RESOURCE_GROUP: args.resourceGroupName,
          SERVER_NAME: server.name,
        },
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
    authConfig: postgres.ServerArgs["authConfig"],
    networkArgs: (region: string, live: LiveServer | undefined) => postgres.ServerArgs["network"],
    after: pulumi.Resource,
  ): { server: postgres.Server; done: pulumi.Resource } {
    const { platform: p, resourceGroupName, network } = args;
    const replicaLive = args.live[r.name];
    const server = new postgres.Server(
      `${name}-replica-${r.name}`,
      {
        resourceGroupName,
        serverName: r.name,
        location: r.region,
        createMode: createModeFor(replicaLive, "replica"),
        sourceServerResourceId: primary.id,
        sku: { name: r.sku.name, tier: r.sku.tier },
        storage: storageArgs(r.storage, replicaLive),
        ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
        ...haArg(
          highAvailabilityFor(
            p.server.highAvailability,
            r.name === p.currentPrimaryName ? "promoted-replica" : "replica",
            r.region,
          ),
        ),
        network: networkArgs(r.region, replicaLive),
        // Explicit, because a promoted replica keeps its own authentication (Learn, promote: "the replica won't
        // automatically switch to Microsoft Entra authentication … configure … either before or after the promotion").
        authConfig,
        // Azure gives a new replica its primary's tags (Azure/azure-cli#27100); declaring exactly those tags keeps
        // refresh and preview free of a perpetual tag diff. The role is in the name and the outputs.
        tags: p.tags,
      },
      {
        parent: this,
        protect: true,
        ignoreChanges: REPLICA_IGNORED_DRIFT,
        dependsOn: [after, ...(network.serverPrerequisites[r.region] ?? [])],
        customTimeouts: {
          create: r.crossRegion ? REPLICA_CREATE_TIMEOUT.crossRegion : REPLICA_CREATE_TIMEOUT.sameRegion,
        },
      },
    );
    const params = parametersFor("azure", parameterSettings(r.sku.tier, r.maxConnections, p.server.pgBouncer.enabled));
    const done = this.writeParameters(`${name}-replica-${r.name}`, args, server, params, server);
    return { server, done };
  }
}
