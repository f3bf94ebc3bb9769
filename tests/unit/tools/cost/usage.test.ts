/** What each resource bills under the model, on hand-built resources shaped like the plan's captured inputs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CostedResource, DEFAULT_ASSUMPTIONS, resourceUsage, usageContext } from "../../../../tools/cost/usage.js";

const res = (type: string, name: string, inputs: Record<string, unknown>): CostedResource => ({
  urn: `urn:pulumi:prod::authdb::${type}::${name}`,
  type,
  name,
  inputs,
});
const server = (over: Record<string, unknown> = {}) =>
  res("azure-native:dbforpostgresql:Server", "primary", {
    location: "koreacentral",
    sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
    storage: { storageSizeGB: 256, tier: "P30", type: "Premium_LRS" },
    highAvailability: { mode: "ZoneRedundant" },
    backup: { geoRedundantBackup: "Enabled", backupRetentionDays: 35 },
    createMode: "Create",
    ...over,
  });
const rg = res("azure-native:resources:ResourceGroup", "rg", { location: "koreacentral" });
const vnets = [
  res("azure-native:network:VirtualNetwork", "v1", { virtualNetworkName: "vnet-a", location: "koreacentral" }),
  res("azure-native:network:VirtualNetwork", "v2", { virtualNetworkName: "vnet-b", location: "koreasouth" }),
  res("azure-native:network:VirtualNetwork", "v3", { virtualNetworkName: "vnet-c", location: "koreacentral" }),
];

function usage(r: CostedResource, all: CostedResource[] = [rg, ...vnets, r], assumptions = DEFAULT_ASSUMPTIONS) {
  return resourceUsage(r, usageContext(all, assumptions));
}
const lines = (r: CostedResource) => {
  const u = usage(r);
  assert.equal(u.kind, "metered", JSON.stringify(u));
  return u.kind === "metered" ? u.lines : [];
};

describe("PostgreSQL servers", () => {
  it("bills the HA primary's compute, storage and tier twice (primary and standby) and its geo backup once", () => {
    assert.deepEqual(
      lines(server()).map((l) => [l.meter, l.region, l.quantity]),
      [
        ["postgres-compute:GeneralPurpose:Ddsv5", "koreacentral", 4 * 730],
        ["postgres-storage", "koreacentral", 256],
        ["postgres-storage-tier:P30", "koreacentral", 1],
        ["postgres-compute:GeneralPurpose:Ddsv5", "koreacentral", 4 * 730],
        ["postgres-storage", "koreacentral", 256],
        ["postgres-storage-tier:P30", "koreacentral", 1],
        ["postgres-backup:GRS", "koreacentral", 2 * 256 - 256],
      ],
    );
  });

  it("bills no standby without HA, and locally redundant backups only beyond the free allowance", () => {
    const l = lines(server({ highAvailability: { mode: "Disabled" }, backup: { geoRedundantBackup: "Disabled" } }));
    assert.equal(l.filter((x) => x.meter.startsWith("postgres-compute")).length, 1);
    const backup = l.find((x) => x.meter.startsWith("postgres-backup"))!;
    assert.equal(backup.meter, "postgres-backup:ZRS", "Korea Central has zones: zone-redundant backup storage");
    assert.equal(backup.quantity, 0, "backups the size of the disk are free");
  });

  it("takes the backup size from the assumption: 1.5 × 256 GiB geo-redundant bills 2 × 384 − 256 GiB", () => {
    const u = usage(server(), [rg, server()], { ...DEFAULT_ASSUMPTIONS, backupSizeRatio: 1.5 });
    assert.equal(u.kind === "metered" && u.lines.find((x) => x.meter === "postgres-backup:GRS")!.quantity, 512);
  });

  it("bills a replica's compute and storage in its own region, and no backup", () => {
    const l = lines(server({ createMode: "Replica", location: "koreasouth", highAvailability: undefined }));
    assert.deepEqual(
      l.map((x) => [x.meter, x.region]),
      [
        ["postgres-compute:GeneralPurpose:Ddsv5", "koreasouth"],
        ["postgres-storage", "koreasouth"],
        ["postgres-storage-tier:P30", "koreasouth"],
      ],
    );
  });

  it("bills Burstable per instance-hour and no tier line at the size's baseline", () => {
    const l = lines(
      server({
        sku: { name: "Standard_B2ms", tier: "Burstable" },
        storage: { storageSizeGB: 32 },
        highAvailability: { mode: "Disabled" },
      }),
    );
    assert.deepEqual(l[0], {
      meter: "postgres-compute:Burstable:B2ms",
      region: "koreacentral",
      quantity: 730,
      unit: "instance-hour",
      what: "primary compute Standard_B2ms × 730 h",
    });
    assert.ok(!l.some((x) => x.meter.startsWith("postgres-storage-tier")));
  });

  it("refuses to price a SKU it does not know instead of guessing", () => {
    assert.deepEqual(usage(server({ sku: { name: "Standard_X9_v9", tier: "GeneralPurpose" } })), {
      kind: "unknown",
      reason: "SKU Standard_X9_v9 is not in the compute table",
    });
  });
});

describe("network, monitoring, vault", () => {
  const peering = (from: string, to: string) =>
    res("azure-native:network:VirtualNetworkPeering", `p-${from}-${to}`, {
      virtualNetworkName: from,
      remoteVirtualNetwork: {
        id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${to}`,
      },
    });

  it("bills cross-region peering as global, egress in the source region and ingress in the remote one", () => {
    assert.deepEqual(
      lines(peering("vnet-a", "vnet-b")).map((l) => [l.meter, l.region, l.quantity]),
      [
        ["vnet-peering:global:Egress", "koreacentral", 50],
        ["vnet-peering:global:Ingress", "koreasouth", 50],
      ],
    );
    assert.equal(lines(peering("vnet-a", "vnet-c"))[0].meter, "vnet-peering:intra-region:Egress");
  });

  it("counts one time series per criterion and scope of a metric alert, priced in the resource group's region", () => {
    const l = lines(
      res("azure-native:monitor:MetricAlert", "a", { location: "global", scopes: ["x"], criteria: { allOf: [{}] } }),
    );
    assert.deepEqual(
      l.map((x) => [x.meter, x.region, x.quantity]),
      [["metric-alert-time-series", "koreacentral", 1]],
    );
  });

  it("bills the workspace's assumed ingestion and the AzureMetrics days beyond the included retention", () => {
    assert.equal(
      lines(res("azure-native:operationalinsights:Workspace", "w", { location: "koreacentral" }))[0].quantity,
      10,
    );
    const t = lines(
      res("azure-native:operationalinsights:Table", "t", { tableName: "AzureMetrics", totalRetentionInDays: 91 }),
    );
    assert.equal(t[0].quantity, 2, "1 GB/month kept 60 days beyond the included 31");
  });

  it("leaves configuration-only and non-Azure resources at no meter, and unknown types unpriced", () => {
    assert.equal(usage(res("azure-native:dbforpostgresql:Configuration", "c", {})).kind, "noMeter");
    assert.equal(usage(res("kubernetes:core/v1:ConfigMap", "k", {})).kind, "noMeter");
    assert.deepEqual(usage(res("azure-native:cdn:Profile", "x", {})), {
      kind: "unknown",
      reason: "no cost model for azure-native:cdn:Profile",
    });
    assert.equal(usage(res("azure-native:monitor:ActivityLogAlert", "h", {})).kind, "unknown");
  });

  it("bills a Defender for open-source databases plan per server-hour when present", () => {
    const plan = res("azure-native:security:Pricing", "d", {
      pricingName: "OpenSourceRelationalDatabases",
      pricingTier: "Standard",
    });
    const u = usage(plan, [rg, server(), server({ createMode: "Replica" }), plan]);
    assert.ok(u.kind === "metered");
    assert.equal(u.lines[0].quantity, 2 * 730);
  });
});

describe("Defender per server and the Backup vault", () => {
  const threatProtection = (state: string) =>
    res("azure-native:resources:Resource", "tp", {
      resourceGroupName: "rg-x",
      resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
      parentResourcePath: "flexibleServers/primary",
      resourceType: "advancedThreatProtectionSettings",
      resourceName: "Default",
      properties: { state },
    });

  it("bills an enabled server threat-protection setting one server-hour per hour on the Defender meter", () => {
    assert.deepEqual(
      lines(threatProtection("Enabled")).map((l) => [l.meter, l.region, l.quantity, l.unit]),
      [["defender-oss-databases", "koreacentral", 730, "server-hour"]],
    );
  });

  it("bills nothing for a disabled setting, and leaves any other generic resource unpriced", () => {
    assert.equal(usage(threatProtection("Disabled")).kind, "noMeter");
    const other = res("azure-native:resources:Resource", "o", {
      resourceProviderNamespace: "Microsoft.Storage",
      resourceType: "storageAccounts",
    });
    assert.deepEqual(usage(other), {
      kind: "unknown",
      reason: "no cost model for azure-native:resources:Resource of type Microsoft.Storage/storageAccounts",
    });
  });

  it("bills a Backup vault instance per protected server plus its stored GB, in the instance's region", () => {
    const instance = res("azure-native:dataprotection:BackupInstance", "bi", {
      location: "koreacentral",
      vaultName: "bv-x",
      properties: { objectType: "BackupInstance" },
    });
    assert.deepEqual(
      lines(instance).map((l) => [l.meter, l.region, l.quantity, l.unit]),
      [
        ["backup-vault-instance", "koreacentral", 1, "instance-month"],
        ["backup-vault-storage", "koreacentral", DEFAULT_ASSUMPTIONS.backupVaultGBPerInstance, "GB-month"],
      ],
    );
    assert.equal(usage(res("azure-native:dataprotection:BackupVault", "bv", {})).kind, "noMeter");
  });

  it("budget, workbook and scope lock carry no meter", () => {
    for (const t of [
      "azure-native:consumption:Budget",
      "azure-native:applicationinsights:Workbook",
      "azure-native:authorization:ManagementLockByScope",
    ])
      assert.equal(usage(res(t, "x", {})).kind, "noMeter", t);
  });
});
