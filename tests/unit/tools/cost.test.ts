/**
 * The estimator's arithmetic, pinned on a fixed price table (a fixture — not infra/prices.json, whose prices come only
 * from the API). Prices here are round test numbers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CostedResource,
  costDelta,
  costDeltaMarkdown,
  costText,
  estimateCost,
  localCost,
  neededMeters,
} from "../../../tools/cost.js";
import { type PriceTable, parsePriceTable } from "../../../tools/pricing/price-table.js";

const price = (
  meter: string,
  armRegionName: string,
  unitOfMeasure: string,
  unitPrice: number,
  tierMinimumUnits = 0,
) => ({
  meter,
  armRegionName,
  serviceName: "fixture",
  productName: "fixture",
  skuName: "fixture",
  meterName: "fixture",
  unitOfMeasure,
  unitPrice,
  tierMinimumUnits,
  currencyCode: "USD",
  effectiveStartDate: "2026-01-01T00:00:00Z",
  source: "test fixture",
});
const TABLE: PriceTable = parsePriceTable({
  currency: "USD",
  retrievedAt: "2026-01-01",
  source: "test fixture",
  prices: [
    price("postgres-compute:GeneralPurpose:Ddsv5", "koreacentral", "1 Hour", 0.1),
    price("postgres-compute:GeneralPurpose:Ddsv5", "koreasouth", "1 Hour", 0.12),
    price("postgres-storage", "koreacentral", "1 GB/Month", 0.2),
    price("postgres-storage", "koreasouth", "1 GB/Month", 0.25),
    price("postgres-storage-tier:P30", "koreacentral", "1/Month", 30),
    price("postgres-storage-tier:P30", "koreasouth", "1/Month", 35),
    price("postgres-backup:GRS", "koreacentral", "1 GB/Month", 0.1),
    price("log-analytics-ingestion", "koreacentral", "1 GB", 0),
    price("log-analytics-ingestion", "koreacentral", "1 GB", 3, 5),
    price("key-vault-operations", "koreacentral", "10K", 0.03),
  ],
});

const res = (type: string, name: string, inputs: Record<string, unknown>, custom = true): CostedResource => ({
  urn: `urn:pulumi:prod::authdb::${type}::${name}`,
  type,
  name,
  custom,
  inputs,
});
const primary = res("azure-native:dbforpostgresql:Server", "primary", {
  location: "koreacentral",
  sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
  storage: { storageSizeGB: 256, tier: "P30" },
  highAvailability: { mode: "ZoneRedundant" },
  backup: { geoRedundantBackup: "Enabled" },
  createMode: "Create",
});
const replica = res("azure-native:dbforpostgresql:Server", "krs", {
  location: "koreasouth",
  sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
  storage: { storageSizeGB: 256, tier: "P30" },
  createMode: "Replica",
});
const RESOURCES = [
  res("azure-native:resources:ResourceGroup", "rg", { location: "koreacentral" }),
  primary,
  replica,
  res("azure-native:operationalinsights:Workspace", "ws", { location: "koreacentral" }),
  res("azure-native:keyvault:Vault", "kv", { location: "koreacentral" }),
  res("azure-native:dbforpostgresql:Configuration", "param", {}),
  res("authdb:azure:PostgresServers", "postgres", {}, false),
];

describe("estimateCost on a fixed price table", () => {
  const report = estimateCost(RESOURCES, TABLE);
  const monthly = (name: string) => report.resources.find((r) => r.name === name)!.monthly;

  it("prices the HA primary: 2 × (2,920 vCore-h × $0.10 + 256 GiB × $0.20 + P30 $30) + 256 GiB GRS backup × $0.10", () => {
    assert.equal(monthly("primary"), 2 * (292 + 51.2 + 30) + 25.6);
  });

  it("prices the replica in its own region and with no backup: 2,920 × $0.12 + 256 × $0.25 + $35", () => {
    assert.equal(monthly("krs"), 350.4 + 64 + 35);
  });

  it("applies tiers (5 free GB, then $3) and unit conversion (10K operations)", () => {
    assert.equal(monthly("ws"), 15);
    assert.ok(Math.abs(monthly("kv")! - 0.3) < 1e-9);
  });

  it("totals the priced resources, counts configuration as $0 and leaves components out", () => {
    assert.equal(report.total, Math.round((772 + 449.4 + 15 + 0.3) * 100) / 100);
    assert.equal(report.priced, 6);
    assert.deepEqual(report.unpriced, []);
    assert.ok(!report.resources.some((r) => r.type.startsWith("authdb:")));
    assert.equal(monthly("param"), 0);
  });

  it("says 'unpriced' for a resource whose meter has no price, and keeps it out of the total", () => {
    const noReplicaPrice = parsePriceTable({
      ...TABLE,
      prices: TABLE.prices.filter((p) => p.armRegionName !== "koreasouth"),
    });
    const r = estimateCost(RESOURCES, noReplicaPrice);
    assert.equal(r.resources.find((x) => x.name === "krs")!.monthly, null);
    assert.match(
      r.unpriced[0].reason,
      /no price in the table for postgres-compute:GeneralPurpose:Ddsv5@koreasouth, postgres-storage@koreasouth, postgres-storage-tier:P30@koreasouth/,
    );
    assert.equal(r.total, Math.round((report.total - 449.4) * 100) / 100);
    const text = costText(r).join("\n");
    assert.match(text, /krs {2}\[azure-native:dbforpostgresql:Server\] {2}unpriced/);
    assert.match(text, /1 unpriced, so the real bill is higher/);
  });

  it("prints the assumptions as assumptions, with their values", () => {
    const text = costText(report).join("\n");
    assert.match(text, /Assumptions \(inputs to the estimate, not measurements\):/);
    assert.match(text, /logAnalyticsGBPerMonth = 10 {2}\(GB ingested/);
    assert.deepEqual(
      report.assumptions.find((a) => a.name === "hoursPerMonth"),
      { name: "hoursPerMonth", value: 730, meaning: "hours in a billed month" },
    );
  });

  it("lists exactly the meters and regions the resources bill on, for the price refresh", () => {
    assert.deepEqual(
      neededMeters(RESOURCES).map((n) => `${n.meter}@${n.region}`),
      [
        "key-vault-operations@koreacentral",
        "log-analytics-ingestion@koreacentral",
        "postgres-backup:GRS@koreacentral",
        "postgres-compute:GeneralPurpose:Ddsv5@koreacentral",
        "postgres-compute:GeneralPurpose:Ddsv5@koreasouth",
        "postgres-storage-tier:P30@koreacentral",
        "postgres-storage-tier:P30@koreasouth",
        "postgres-storage@koreacentral",
        "postgres-storage@koreasouth",
      ],
    );
  });
});

describe("localCost", () => {
  it("is 0 and says the stack runs on the developer's machine", () => {
    const r = localCost([res("docker:index/container:Container", "c", {}), res("authdb:local:Twin", "t", {}, false)]);
    assert.equal(r.total, 0);
    assert.equal(r.resources.length, 1);
    assert.match(costText(r).join("\n"), /runs on the developer's machine/);
  });
});

describe("costDelta", () => {
  const base = estimateCost(RESOURCES, TABLE);

  it("is the difference resource by resource: a smaller replica SKU saves its compute", () => {
    const smaller = {
      ...replica,
      inputs: { ...replica.inputs, sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" } },
    };
    const next = estimateCost(
      RESOURCES.map((r) => (r === replica ? smaller : r)),
      TABLE,
    );
    const d = costDelta(base, next);
    assert.deepEqual(d.changes, [{ urn: replica.urn, change: "changed", before: 449.4, after: 274.2, delta: -175.2 }]);
    assert.equal(d.delta, -175.2);
    assert.equal(d.incomplete, false);
  });

  it("counts an added resource from 0 and a removed one to 0", () => {
    const next = estimateCost(
      RESOURCES.filter((r) => r !== replica),
      TABLE,
    );
    assert.deepEqual(costDelta(base, next).changes, [
      { urn: replica.urn, change: "removed", before: 449.4, after: null, delta: -449.4 },
    ]);
    assert.deepEqual(costDelta(next, base).changes[0].change, "added");
  });

  it("is incomplete, not zero, when a changed resource is unpriced on one side", () => {
    const unknownSku = {
      ...replica,
      inputs: { ...replica.inputs, sku: { name: "Standard_X9_v9", tier: "GeneralPurpose" } },
    };
    const d = costDelta(
      base,
      estimateCost(
        RESOURCES.map((r) => (r === replica ? unknownSku : r)),
        TABLE,
      ),
    );
    assert.equal(d.incomplete, true);
    assert.equal(d.changes[0].delta, null);
    assert.equal(d.delta, 0);
  });

  it("reports no change for an identical plan", () =>
    assert.deepEqual(costDelta(base, estimateCost(RESOURCES, TABLE)).changes, []));

  it("renders as a Markdown table for the change preview, signed, with the total", () => {
    const next = estimateCost(
      RESOURCES.filter((r) => r !== replica),
      TABLE,
    );
    const md = costDeltaMarkdown(costDelta(base, next));
    assert.ok(md.includes("| `krs` | removed | $449.40 | — | −$449.40 |"), md.join("\n"));
    assert.match(md.at(-1)!, /^\| \*\*Total\*\* \| \| \$\d+\.\d\d \| \$\d+\.\d\d \| \*\*−\$449\.40\*\* \|$/);
    assert.deepEqual(
      costDeltaMarkdown(costDelta(base, base)).at(-1),
      `No change to the estimated monthly cost ($${base.total.toFixed(2)}).`,
    );
  });

  it("says unpriced and flags the total when a side has no price (negative control)", () => {
    const unknownSku = {
      ...replica,
      inputs: { ...replica.inputs, sku: { name: "Standard_X9_v9", tier: "GeneralPurpose" } },
    };
    const md = costDeltaMarkdown(
      costDelta(
        base,
        estimateCost(
          RESOURCES.map((r) => (r === replica ? unknownSku : r)),
          TABLE,
        ),
      ),
    ).join("\n");
    assert.match(md, /\| `krs` \| changed \| \$449\.40 \| unpriced \| unpriced \|/);
    assert.match(md, /excludes unpriced changes/);
  });
});

describe("Defender and Backup vault arithmetic", () => {
  const table = parsePriceTable({
    currency: "USD",
    retrievedAt: "2026-01-01",
    source: "test fixture",
    prices: [
      price("defender-oss-databases", "koreacentral", "1 Hour", 0.02),
      price("backup-vault-instance", "koreacentral", "1/Month", 10),
      price("backup-vault-storage", "koreacentral", "1 GB/Month", 0.05),
    ],
  });
  const rgRes = res("azure-native:resources:ResourceGroup", "rg", { location: "koreacentral" });
  const tp = res("azure-native:resources:Resource", "tp", {
    resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
    parentResourcePath: "flexibleServers/primary",
    resourceType: "advancedThreatProtectionSettings",
    properties: { state: "Enabled" },
  });
  const bi = res("azure-native:dataprotection:BackupInstance", "bi", { location: "koreacentral" });

  it("prices them from the table: 730 h × 0.02 and 10 + 256 GB × 0.05", () => {
    const r = estimateCost([rgRes, tp, bi], table);
    assert.equal(r.resources.find((x) => x.name === "tp")?.monthly, 14.6);
    assert.equal(r.resources.find((x) => x.name === "bi")?.monthly, 22.8);
    assert.equal(r.total, 37.4);
    assert.equal(r.unpriced.length, 0);
  });

  it("says unpriced, not a guess, when the table lacks the Backup meters (negative control)", () => {
    const r = estimateCost([rgRes, tp, bi], TABLE);
    assert.equal(r.resources.find((x) => x.name === "bi")?.monthly, null);
    assert.ok(r.unpriced.some((u) => u.urn.endsWith("::bi")));
  });
});
