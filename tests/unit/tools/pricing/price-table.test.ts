/** The price table's shape and the arithmetic of one meter: units, tiers, missing prices. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type PriceTable, parsePriceTable, priceMeter, unitSize } from "../../../../tools/pricing/price-table.js";

const entry = (over: Record<string, unknown>) => ({
  meter: "m",
  armRegionName: "koreacentral",
  serviceName: "S",
  productName: "P",
  skuName: "K",
  meterName: "M",
  unitOfMeasure: "1 Hour",
  unitPrice: 1,
  tierMinimumUnits: 0,
  currencyCode: "USD",
  effectiveStartDate: "2024-01-01T00:00:00Z",
  source: "fixture",
  ...over,
});
const table = (prices: Record<string, unknown>[]): PriceTable =>
  parsePriceTable({ currency: "USD", retrievedAt: "2026-01-01", source: "fixture", prices });

describe("unitSize", () => {
  it("reads the count and K/M multipliers of the API's unitOfMeasure", () => {
    assert.equal(unitSize("1 Hour"), 1);
    assert.equal(unitSize("1 GB/Month"), 1);
    assert.equal(unitSize("10K"), 10_000);
    assert.equal(unitSize("1M"), 1_000_000);
    assert.equal(unitSize("100 Hours"), 100);
  });
  it("refuses a unit with no count", () => assert.throws(() => unitSize("Hour"), /does not start with a count/));
});

describe("priceMeter", () => {
  it("multiplies quantity by the unit price", () => {
    const p = priceMeter(table([entry({ unitPrice: 0.25 })]), "m", "koreacentral", 730);
    assert.ok(p.priced);
    assert.equal(p.cost, 182.5);
  });

  it("converts to the API's unit: 100,000 operations at $0.03 per 10K cost $0.30", () => {
    const p = priceMeter(table([entry({ unitOfMeasure: "10K", unitPrice: 0.03 })]), "m", "koreacentral", 100_000);
    assert.ok(p.priced);
    assert.ok(Math.abs(p.cost - 0.3) < 1e-9);
  });

  it("applies tiers: the first 5 GB free, then $3/GB, so 12 GB cost $21", () => {
    const t = table([
      entry({ unitOfMeasure: "1 GB", unitPrice: 0 }),
      entry({ unitOfMeasure: "1 GB", unitPrice: 3, tierMinimumUnits: 5 }),
    ]);
    const p = priceMeter(t, "m", "koreacentral", 12);
    assert.ok(p.priced);
    assert.equal(p.cost, 21);
    assert.equal(p.unitPrice, 21 / 12);
  });

  it("is unpriced when the meter is missing, in another region, or still null", () => {
    assert.equal(priceMeter(table([]), "m", "koreacentral", 1).priced, false);
    assert.equal(priceMeter(table([entry({})]), "m", "koreasouth", 1).priced, false);
    const nulls = table([
      entry({ unitPrice: null, unitOfMeasure: null, effectiveStartDate: null, source: "not retrieved" }),
    ]);
    const p = priceMeter(nulls, "m", "koreacentral", 1);
    assert.equal(p.priced, false);
    if (!p.priced) assert.match(p.reason, /no price yet \(not retrieved\)/);
  });

  it("costs nothing for a zero quantity, priced or not", () => {
    const p = priceMeter(table([]), "m", "koreacentral", 0);
    assert.ok(p.priced);
    assert.equal(p.cost, 0);
  });
});

describe("table validation", () => {
  it("refuses a price without its unit or date, and a non-USD price", () => {
    assert.throws(() => table([entry({ unitOfMeasure: null })]), /has a price but no unitOfMeasure/);
    assert.throws(() => table([entry({ effectiveStartDate: null })]), /effectiveStartDate/);
    assert.throws(() => table([entry({ currencyCode: "EUR" })]), /priced in EUR/);
    assert.throws(() => table([entry({ source: "" })]));
  });

  it("accepts the committed infra/prices.json, and every price in it carries a source and a date", () => {
    const committed = parsePriceTable(JSON.parse(readFileSync("infra/prices.json", "utf8")));
    for (const p of committed.prices) {
      assert.ok(p.source.length > 0);
      if (p.unitPrice !== null) {
        assert.ok(committed.retrievedAt, "a priced table says when it was retrieved");
        assert.match(p.source, /Azure Retail Prices API, retrieved \d{4}-\d{2}-\d{2}/);
      }
    }
  });
});
