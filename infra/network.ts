/**
 * Private networking for the platform: a VNet per server region, delegated database subnets, global peering, NSGs,
 * the PostgreSQL private DNS zone linked to every VNet and the Key Vault private-link zone.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "./config/platform.js";
import type { Tags } from "./types.js";

export interface NetworkArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  /** The primary region (holds the app, database and private-endpoint subnets). */
  readonly primaryRegion: string;
  readonly network: AzurePlatform["network"];
  readonly tags: Tags;
}

export class Network extends pulumi.ComponentResource {
  /** VNet resource id by region. */
  readonly vnetIds: Readonly<Record<string, pulumi.Output<string>>> = {};
  /** Delegated PostgreSQL subnet id by region. */
  readonly databaseSubnetIds: Readonly<Record<string, pulumi.Output<string>>> = {};
  /** Database subnet CIDR by region (for NetworkPolicies and NSG rules elsewhere). */
  readonly databaseSubnetCidrs: Readonly<Record<string, string>> = {};
  readonly appSubnetId!: pulumi.Output<string>;
  readonly privateEndpointSubnetId!: pulumi.Output<string>;
  readonly postgresDnsZoneId!: pulumi.Output<string>;
  readonly keyVaultDnsZoneId!: pulumi.Output<string>;
  /**
   * What a server in a region must wait for before Azure can create it there: the delegated subnet with its NSG, the
   * DNS zone's link to that region's VNet and, across regions, the peerings.
   */
  readonly serverPrerequisites: Readonly<Record<string, pulumi.Resource[]>> = {};

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:Network", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
