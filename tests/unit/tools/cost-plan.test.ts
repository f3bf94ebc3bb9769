/** planCostDelta: both plans priced from one table file, local stacks at $0. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { planCostDelta } from "../../../tools/cost-plan.js";
import type { OfflineRun } from "../../../tools/offline.js";

const pe = (name: string) => ({
  urn: `urn:pulumi:prod::authdb::azure-native:network:PrivateEndpoint::${name}`,
  type: "azure-native:network:PrivateEndpoint",
  name,
  custom: true,
  inputs: { location: "koreacentral" },
});
const rg = {
  urn: "urn:pulumi:prod::authdb::azure-native:resources:ResourceGroup::rg",
  type: "azure-native:resources:ResourceGroup",
  name: "rg",
  custom: true,
  inputs: { location: "koreacentral" },
};
const run = (kind: string, resources: unknown[]) =>
  ({ outputs: { platformKind: kind }, resources }) as unknown as OfflineRun;

const dir = mkdtempSync(join(tmpdir(), "cost-plan-"));
const prices = join(dir, "prices.json");
const price = (meter: string, unitOfMeasure: string, unitPrice: number) => ({
  meter,
  armRegionName: "koreacentral",
  serviceName: "fixture",
  productName: "fixture",
  skuName: "fixture",
  meterName: "fixture",
  unitOfMeasure,
  unitPrice,
  tierMinimumUnits: 0,
  currencyCode: "USD",
  effectiveStartDate: "2026-01-01T00:00:00Z",
  source: "test fixture",
});
writeFileSync(
  prices,
  JSON.stringify({
    currency: "USD",
    retrievedAt: "2026-01-01",
    source: "test fixture",
    prices: [price("private-endpoint-hour", "1 Hour", 0.01), price("private-endpoint-data", "1 GB", 0.01)],
  }),
);

describe("planCostDelta", () => {
  it("prices base and head from the same table: one more private endpoint is 730 h × 0.01 + 1 GB × 0.01", () => {
    const d = planCostDelta(run("azure", [rg, pe("a")]), run("azure", [rg, pe("a"), pe("b")]), prices);
    assert.equal(d.changes.length, 1);
    assert.equal(d.changes[0].change, "added");
    assert.equal(d.delta, 7.31);
  });
  it("is zero for a local stack, whatever it adds", () => {
    const d = planCostDelta(run("local", [rg]), run("local", [rg, pe("b")]), prices);
    assert.equal(d.delta, 0);
    assert.equal(d.incomplete, false);
  });
});
