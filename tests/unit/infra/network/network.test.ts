/**
 * The Network component under mocks with the prod stack's network config: what it registers, how it is wired, and that
 * the NSG Azure receives is exactly the rule list the pure builder (tested in nsg.test.ts) produces.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { KEY_VAULT_PRIVATE_DNS_ZONE, Network, POSTGRES_DELEGATION } from "../../../../infra/network/network.js";
import { databaseSubnetRules } from "../../../../infra/network/nsg.js";
import { type CapturedResource, type OfflineRun, runOffline } from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");

let run: OfflineRun;
let component: Network;
const resolved: Record<string, unknown> = {};

const ofType = (type: string) => run.resources.filter((r) => r.type === `azure-native:${type}`);
const byUrn = (urn: string) => run.resources.find((r) => r.urn === urn)!;
const one = (type: string, pred: (r: CapturedResource) => boolean) => {
  const found = ofType(type).filter(pred);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};
const vnetOf = (region: string) => one("network:VirtualNetwork", (r) => r.inputs.location === region);
const databaseSubnetOf = (region: string) => {
  const v = platform.network.vnets.find((x) => x.region === region)!;
  return one(
    "network:Subnet",
    (r) => r.inputs.virtualNetworkName === v.name && r.inputs.subnetName === v.subnets.database.name,
  );
};

describe("Network (prod config, under mocks)", () => {
  before(async () => {
    run = await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        component = new Network("network", {
          resourceGroupName: platform.resourceGroupName,
          primaryRegion: platform.location,
          network: platform.network,
          pgBouncer: false,
          tags: platform.tags,
        });
        return {};
      },
    });
    // Outputs of the component, resolved while the mocks are still the process's.
    const all = await new Promise<unknown>((resolve) =>
      pulumi
        .output({
          vnetIds: component.vnetIds,
          databaseSubnetIds: component.databaseSubnetIds,
          appSubnetId: component.appSubnetId,
          privateEndpointSubnetId: component.privateEndpointSubnetId,
          postgresDnsZoneId: component.postgresDnsZoneId,
          keyVaultDnsZoneId: component.keyVaultDnsZoneId,
        })
        .apply(resolve),
    );
    Object.assign(resolved, all);
  });
  it("creates one VNet in Korea Central and one in Korea South with disjoint address spaces from config", () => {
    const vnets = ofType("network:VirtualNetwork");
    assert.deepEqual(vnets.map((v) => v.inputs.location).sort(), ["koreacentral", "koreasouth"]);
    assert.deepEqual((vnetOf("koreacentral").inputs.addressSpace as { addressPrefixes: string[] }).addressPrefixes, [
      "10.0.0.0/16",
    ]);
    assert.deepEqual((vnetOf("koreasouth").inputs.addressSpace as { addressPrefixes: string[] }).addressPrefixes, [
      "10.1.0.0/16",
    ]);
    for (const v of vnets) {
      assert.equal(v.inputs.subnets, undefined, "subnets are separate resources, never inline");
      assert.equal(v.inputs.virtualNetworkPeerings, undefined, "peerings are separate resources, never inline");
    }
  });

  it("creates the primary's app, database and private-endpoint subnets and a delegated database subnet in Korea South", () => {
    const subnets = ofType("network:Subnet")
      .map((s) => `${s.inputs.virtualNetworkName}/${s.inputs.subnetName}=${s.inputs.addressPrefix}`)
      .sort();
    assert.deepEqual(subnets, [
      "phonebill-vnet-prod-krs/database-subnet=10.1.2.0/24",
      "phonebill-vnet-prod/aks-subnet=10.0.1.0/24",
      "phonebill-vnet-prod/database-subnet=10.0.2.0/24",
      "phonebill-vnet-prod/private-endpoint-subnet=10.0.3.0/24",
    ]);
    for (const region of ["koreacentral", "koreasouth"]) {
      const s = databaseSubnetOf(region);
      assert.deepEqual(
        (s.inputs.delegations as { serviceName: string }[]).map((d) => d.serviceName),
        [POSTGRES_DELEGATION],
      );
      assert.deepEqual(s.inputs.serviceEndpoints, [{ service: "Microsoft.Storage" }]);
      assert.ok(s.dependsOn.includes(vnetOf(region).urn), "a subnet waits for its VNet");
    }
    const delegated = ofType("network:Subnet").filter((s) => s.inputs.delegations !== undefined);
    assert.equal(delegated.length, 2, "only the database subnets are delegated");
  });

  it("creates the subnets of one VNet one after another", () => {
    const primarySubnets = ofType("network:Subnet").filter(
      (s) => s.inputs.virtualNetworkName === "phonebill-vnet-prod",
    );
    const chained = primarySubnets.filter((s) => s.dependsOn.some((d) => primarySubnets.some((o) => o.urn === d)));
    assert.equal(chained.length, primarySubnets.length - 1);
  });

  it("guards each database subnet with an NSG carrying exactly the builder's rules", () => {
    const nsgs = ofType("network:NetworkSecurityGroup").filter((r) =>
      String(r.inputs.networkSecurityGroupName).endsWith("-database-subnet"),
    );
    assert.equal(nsgs.length, 2);
    const allDb = platform.network.vnets.map((v) => v.subnets.database.cidr);
    for (const region of ["koreacentral", "koreasouth"]) {
      const v = platform.network.vnets.find((x) => x.region === region)!;
      const nsg = nsgs.find((r) => r.inputs.location === region)!;
      const expected = databaseSubnetRules({
        databaseSubnetCidr: v.subnets.database.cidr,
        databaseSubnetCidrs: allDb,
        applicationSubnetCidrs: ["10.0.1.0/24"],
      });
      assert.deepEqual(nsg.inputs.securityRules, JSON.parse(JSON.stringify(expected)));
      const association = databaseSubnetOf(region).inputs.networkSecurityGroup as { id: string };
      assert.equal(
        association.id,
        `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${platform.resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/${nsg.inputs.networkSecurityGroupName}`,
      );
    }
    const nsgAssociated = ofType("network:Subnet").filter((s) => s.inputs.networkSecurityGroup !== undefined);
    assert.deepEqual(
      nsgAssociated.map((s) => s.inputs.subnetName).sort(),
      ["database-subnet", "database-subnet", "private-endpoint-subnet"],
      "the NSGs sit on the delegated subnets and the private-endpoint subnet",
    );
  });

  it("guards the private-endpoint subnet with its own NSG, enabled for private endpoints", () => {
    const subnet = one("network:Subnet", (r) => r.inputs.subnetName === "private-endpoint-subnet");
    assert.equal(subnet.inputs.privateEndpointNetworkPolicies, "NetworkSecurityGroupEnabled");
    const nsg = one("network:NetworkSecurityGroup", (r) =>
      String(r.inputs.networkSecurityGroupName).endsWith("-private-endpoint-subnet"),
    );
    assert.deepEqual(
      (nsg.inputs.securityRules as { name: string }[]).map((r) => r.name),
      ["AllowHttpsFromClients", "DenyAllOtherInbound"],
    );
  });

  it("peers the two VNets in both directions", () => {
    const peerings = ofType("network:VirtualNetworkPeering");
    const edges = peerings
      .map(
        (p) =>
          `${p.inputs.virtualNetworkName} -> ${(p.inputs.remoteVirtualNetwork as { id: string }).id.split("/").pop()}`,
      )
      .sort();
    assert.deepEqual(edges, [
      "phonebill-vnet-prod -> phonebill-vnet-prod-krs",
      "phonebill-vnet-prod-krs -> phonebill-vnet-prod",
    ]);
    for (const p of peerings) {
      assert.equal(p.inputs.allowVirtualNetworkAccess, true);
      assert.equal(p.inputs.allowForwardedTraffic, false);
      assert.equal(p.inputs.useRemoteGateways, false);
    }
  });

  it("links the PostgreSQL zone to both VNets and protects it", () => {
    const zone = one(
      "privatedns:PrivateZone",
      (r) => r.inputs.privateZoneName === platform.network.postgresDnsZoneName,
    );
    assert.equal(zone.inputs.location, "global");
    assert.equal(zone.protect, true);
    const links = ofType("privatedns:VirtualNetworkLink").filter(
      (l) => l.inputs.privateZoneName === platform.network.postgresDnsZoneName,
    );
    const linkedVnets = links.map((l) => (l.inputs.virtualNetwork as { id: string }).id).sort();
    assert.deepEqual(
      linkedVnets,
      ofType("network:VirtualNetwork")
        .map(
          (v) =>
            `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${platform.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${v.inputs.virtualNetworkName}`,
        )
        .sort(),
    );
    for (const l of links) {
      assert.equal(l.inputs.registrationEnabled, false);
      assert.ok(l.dependsOn.includes(zone.urn));
    }
  });

  it("creates the Key Vault private-link zone, linked to every VNet", () => {
    one("privatedns:PrivateZone", (r) => r.inputs.privateZoneName === KEY_VAULT_PRIVATE_DNS_ZONE);
    const links = ofType("privatedns:VirtualNetworkLink").filter(
      (l) => l.inputs.privateZoneName === KEY_VAULT_PRIVATE_DNS_ZONE,
    );
    assert.equal(links.length, 2);
  });

  it("tags every resource and parents it to the component", () => {
    const componentUrn = run.resources.find((r) => r.type === "authdb:azure:Network")!.urn;
    for (const r of run.resources.filter((x) => x.custom)) {
      assert.equal(r.parent, componentUrn, r.name);
      if (r.type !== "azure-native:network:Subnet" && r.type !== "azure-native:network:VirtualNetworkPeering") {
        assert.deepEqual(r.inputs.tags, platform.tags, r.name);
      }
    }
  });

  it("exposes ids by region and the subnet ids of the primary", () => {
    const ids = resolved as {
      vnetIds: Record<string, string>;
      databaseSubnetIds: Record<string, string>;
      appSubnetId: string;
      privateEndpointSubnetId: string;
    };
    assert.deepEqual(Object.keys(ids.vnetIds).sort(), ["koreacentral", "koreasouth"]);
    assert.match(
      ids.databaseSubnetIds.koreasouth,
      /virtualNetworks\/phonebill-vnet-prod-krs\/subnets\/database-subnet$/,
    );
    assert.match(ids.appSubnetId, /virtualNetworks\/phonebill-vnet-prod\/subnets\/aks-subnet$/);
    assert.match(
      ids.privateEndpointSubnetId,
      /virtualNetworks\/phonebill-vnet-prod\/subnets\/private-endpoint-subnet$/,
    );
    assert.deepEqual(component.databaseSubnetCidrs, { koreacentral: "10.0.2.0/24", koreasouth: "10.1.2.0/24" });
  });

  it("makes a replica-region server wait for its subnet, both DNS links and both peerings", () => {
    const urnsOf = (rs: pulumi.Resource[]) =>
      Promise.all(rs.map((r) => new Promise<string>((res) => r.urn.apply(res))));
    return (async () => {
      const primaryPrereqs = await urnsOf(component.serverPrerequisites.koreacentral);
      const drPrereqs = await urnsOf(component.serverPrerequisites.koreasouth);
      const typesOf = (urns: string[]) => urns.map((u) => byUrn(u).type.replace("azure-native:", "")).sort();
      assert.deepEqual(typesOf(primaryPrereqs), ["network:Subnet", "privatedns:VirtualNetworkLink"]);
      assert.deepEqual(typesOf(drPrereqs), [
        "network:Subnet",
        "network:VirtualNetworkPeering",
        "network:VirtualNetworkPeering",
        "privatedns:VirtualNetworkLink",
        "privatedns:VirtualNetworkLink",
      ]);
      assert.ok(drPrereqs.includes(databaseSubnetOf("koreasouth").urn));
      assert.ok(!drPrereqs.includes(databaseSubnetOf("koreacentral").urn));
    })();
  });
});
