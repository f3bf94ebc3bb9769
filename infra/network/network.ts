/**
 * Private networking for the platform: a VNet per server region, delegated database subnets, global peering, NSGs,
 * the PostgreSQL private DNS zone linked to every VNet and the Key Vault private-link zone.
 */
import * as network from "@pulumi/azure-native/network/index.js";
import * as privatedns from "@pulumi/azure-native/privatedns/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { AzurePlatform } from "../config/platform.js";
import { databaseSubnetRules, privateEndpointSubnetRules } from "./nsg.js";
import type { Tags } from "../types.js";

export const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";
export const KEY_VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

type Vnet = AzurePlatform["network"]["vnets"][number];

export interface NetworkArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  /** The primary region (holds the app, database and private-endpoint subnets). */
  readonly primaryRegion: string;
  readonly network: AzurePlatform["network"];
  /** Built-in PgBouncer is on: the database subnets admit 6432 from the application subnets too. */
  readonly pgBouncer: boolean;
  readonly tags: Tags;
}

export class Network extends pulumi.ComponentResource {
  /** VNet resource id by region. */
  readonly vnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Delegated PostgreSQL subnet id by region. */
  readonly databaseSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Database subnet CIDR by region (for NetworkPolicies and NSG rules elsewhere). */
  readonly databaseSubnetCidrs: Readonly<Record<string, string>>;
  readonly appSubnetId: pulumi.Output<string>;
  readonly privateEndpointSubnetId: pulumi.Output<string>;
  readonly postgresDnsZoneId: pulumi.Output<string>;
  readonly keyVaultDnsZoneId: pulumi.Output<string>;
  /**
   * What a server in a region must wait for before Azure can create it there: the delegated subnet with its NSG, the
   * DNS zone's link to that region's VNet and, across regions, the peerings.
   */
  readonly serverPrerequisites: Readonly<Record<string, pulumi.Resource[]>>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:Network", name, {}, opts);
    const { resourceGroupName, tags } = args;
    const vnets = args.network.vnets;
    const primary = vnets.find((v) => v.region === args.primaryRegion);
    if (!primary) throw new Error(`platform.network.vnets has no VNet in the primary region ${args.primaryRegion}`);
    if (!primary.subnets.app || !primary.subnets.privateEndpoints) {
      throw new Error(`the primary region's VNet ${primary.name} needs both an app and a privateEndpoints subnet`);
    }

    const allDatabaseCidrs = vnets.map((v) => v.subnets.database.cidr);
    // The database's clients: AKS nodes, and the pod subnet when pods have addresses of their own (Azure CNI pod subnet).
    const applicationCidrs = vnets.flatMap((v) => [v.subnets.app, v.subnets.pods].flatMap((s) => (s ? [s.cidr] : [])));

    const vnetResources: Record<string, network.VirtualNetwork> = {};
    const databaseSubnets: Record<string, network.Subnet> = {};
    /** The last subnet created in each VNet: Azure serialises writes to a VNet, so later writes wait for it. */
    const lastSubnet: Record<string, network.Subnet> = {};
    const appSubnets: Record<string, network.Subnet> = {};
    const endpointSubnets: Record<string, network.Subnet> = {};

    for (const v of vnets) {
      const prefix = `${name}-${v.region}`;
      const vnet = new network.VirtualNetwork(
        prefix,
        {
          resourceGroupName,
          virtualNetworkName: v.name,
          location: v.region,
          addressSpace: { addressPrefixes: [v.addressSpace] },
          // Subnets and peerings are separate resources; declaring them inline too would make the two fight.
          tags,
        },
        { parent: this },
      );
      vnetResources[v.region] = vnet;

      const nsg = new network.NetworkSecurityGroup(
        `${prefix}-database-nsg`,
        {
          resourceGroupName,
          networkSecurityGroupName: `nsg-${v.name}-${v.subnets.database.name}`,
          location: v.region,
          securityRules: databaseSubnetRules({
            databaseSubnetCidr: v.subnets.database.cidr,
            databaseSubnetCidrs: allDatabaseCidrs,
            applicationSubnetCidrs: applicationCidrs,
            pgBouncer: args.pgBouncer,
          }),
          tags,
        },
        { parent: this },
      );

      // Subnets of one VNet are created one after another: parallel subnet writes to the same VNet fail with
      // AnotherOperationInProgress. The VNet name is passed as the configured string (it is the Azure name) with an
      // explicit dependency on the VNet.
      const subnet = (role: string, s: { name: string; cidr: string }, extra: Partial<network.SubnetArgs>) => {
        const previous = lastSubnet[v.region];
        const created = new network.Subnet(
          `${prefix}-${role}-subnet`,
          { resourceGroupName, virtualNetworkName: v.name, subnetName: s.name, addressPrefix: s.cidr, ...extra },
          { parent: this, dependsOn: [vnet, ...(previous ? [previous] : [])] },
        );
        lastSubnet[v.region] = created;
        return created;
      };

      databaseSubnets[v.region] = subnet("database", v.subnets.database, {
        delegations: [{ name: "postgres-flexible-servers", serviceName: POSTGRES_DELEGATION }],
        networkSecurityGroup: { id: nsg.id },
        // Azure adds the Storage service endpoint to delegated subnets and needs it for WAL archival and backups; declared
        // here so that an update of the subnet (a full PUT) never removes it.
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
      });
      if (v.subnets.app) appSubnets[v.region] = subnet("app", v.subnets.app, {});
      if (v.subnets.pods) subnet("pods", v.subnets.pods, {});
      if (v.subnets.privateEndpoints) {
        const endpointNsg = new network.NetworkSecurityGroup(
          `${prefix}-private-endpoints-nsg`,
          {
            resourceGroupName,
            networkSecurityGroupName: `nsg-${v.name}-${v.subnets.privateEndpoints.name}`,
            location: v.region,
            securityRules: privateEndpointSubnetRules({
              privateEndpointSubnetCidr: v.subnets.privateEndpoints.cidr,
              clientSubnetCidrs: applicationCidrs,
            }),
            tags,
          },
          { parent: this },
        );
        endpointSubnets[v.region] = subnet("private-endpoints", v.subnets.privateEndpoints, {
          networkSecurityGroup: { id: endpointNsg.id },
          // NSGs filter traffic to private endpoints only with this policy enabled (it is off by default).
          privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled",
        });
      }
    }

    // Global peering between the primary VNet and every other VNet, one resource per direction. No forwarded traffic and
    // no gateway transit: the VNets talk only to each other, not through an appliance or a gateway.
    const peerings: Record<string, network.VirtualNetworkPeering[]> = {};
    for (const other of vnets.filter((v) => v !== primary)) {
      const peer = (from: Vnet, to: Vnet) =>
        new network.VirtualNetworkPeering(
          `${name}-peering-${from.region}-to-${to.region}`,
          {
            resourceGroupName,
            virtualNetworkName: from.name,
            virtualNetworkPeeringName: `peer-${from.name}-to-${to.name}`,
            remoteVirtualNetwork: { id: vnetResources[to.region].id },
            allowVirtualNetworkAccess: true,
            allowForwardedTraffic: false,
            allowGatewayTransit: false,
            useRemoteGateways: false,
          },
          { parent: this, dependsOn: [vnetResources[from.region], lastSubnet[from.region], lastSubnet[to.region]] },
        );
      peerings[other.region] = [peer(primary, other), peer(other, primary)];
    }

    // The PostgreSQL zone is protected in Pulumi (not locked in Azure, which Microsoft forbids because the service
    // rewrites its records during HA failover): an HA server cannot move to another zone, so losing it breaks every client.
    const zoneName = args.network.postgresDnsZoneName;
    const postgresZone = new privatedns.PrivateZone(
      `${name}-postgres-dns`,
      { resourceGroupName, privateZoneName: zoneName, location: "global", tags },
      { parent: this, protect: true },
    );
    const keyVaultZone = new privatedns.PrivateZone(
      `${name}-keyvault-dns`,
      { resourceGroupName, privateZoneName: KEY_VAULT_PRIVATE_DNS_ZONE, location: "global", tags },
      { parent: this },
    );

    const link = (what: string, zone: privatedns.PrivateZone, zoneNameValue: string, v: Vnet) =>
      new privatedns.VirtualNetworkLink(
        `${name}-${what}-dns-link-${v.region}`,
        {
          resourceGroupName,
          privateZoneName: zoneNameValue,
          virtualNetworkLinkName: `link-${v.name}`,
          location: "global",
          virtualNetwork: { id: vnetResources[v.region].id },
          // The servers register their own records; VM auto-registration would only add noise to the zone.
          registrationEnabled: false,
          tags,
        },
        { parent: this, dependsOn: [zone] },
      );
    const postgresLinks: Record<string, privatedns.VirtualNetworkLink> = {};
    for (const v of vnets) {
      postgresLinks[v.region] = link("postgres", postgresZone, zoneName, v);
      // Every VNet resolves the vault's private endpoint, so tooling and workloads in the DR region reach it over peering.
      link("keyvault", keyVaultZone, KEY_VAULT_PRIVATE_DNS_ZONE, v);
    }

    const prerequisites: Record<string, pulumi.Resource[]> = {};
    for (const v of vnets) {
      prerequisites[v.region] =
        v === primary
          ? [databaseSubnets[v.region], postgresLinks[v.region]]
          : [databaseSubnets[v.region], postgresLinks[v.region], postgresLinks[primary.region], ...peerings[v.region]];
    }

    const byRegion = <T>(pick: (v: Vnet) => T) => Object.fromEntries(vnets.map((v) => [v.region, pick(v)]));
    this.vnetIds = byRegion((v) => vnetResources[v.region].id);
    this.databaseSubnetIds = byRegion((v) => databaseSubnets[v.region].id);
    this.databaseSubnetCidrs = byRegion((v) => v.subnets.database.cidr);
    this.appSubnetId = appSubnets[primary.region].id;
    this.privateEndpointSubnetId = endpointSubnets[primary.region].id;
    this.postgresDnsZoneId = postgresZone.id;
    this.keyVaultDnsZoneId = keyVaultZone.id;
    this.serverPrerequisites = prerequisites;

    this.registerOutputs({
      vnetIds: this.vnetIds,
      databaseSubnetIds: this.databaseSubnetIds,
      databaseSubnetCidrs: this.databaseSubnetCidrs,
      appSubnetId: this.appSubnetId,
      privateEndpointSubnetId: this.privateEndpointSubnetId,
      postgresDnsZoneId: this.postgresDnsZoneId,
      keyVaultDnsZoneId: this.keyVaultDnsZoneId,
    });
  }
}
