/**
 * The Retail Prices API helpers on responses in the documented shape. Fixtures: retail-page-1.json opens with the
 * Learn page's own sample record (F16s Spot, westeurope) verbatim; the other records follow the documented fields with
 * fixture prices (FIXTURE ids) — they are test data, not prices.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { postgresComputeMeter, LOG_ANALYTICS_INGESTION, POSTGRES_STORAGE } from "../../../../tools/pricing/meters.js";
import {
  RETAIL_PRICES_ENDPOINT,
  fetchAllItems,
  filterFor,
  odataString,
  parsePage,
  queriesFor,
  queryUrl,
  selectItems,
} from "../../../../tools/pricing/retail-api.js";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const page1 = fixture("retail-page-1.json");
const page2 = fixture("retail-page-2.json");

describe("query builder", () => {
  it("filters on the documented fields serviceName, armRegionName and priceType", () => {
    assert.equal(
      filterFor({ serviceName: "Azure Database for PostgreSQL", armRegionName: "koreacentral" }),
      "serviceName eq 'Azure Database for PostgreSQL' and armRegionName eq 'koreacentral' and priceType eq 'Consumption'",
    );
  });

  it("doubles single quotes inside OData literals", () => assert.equal(odataString("it's"), "'it''s'"));

  it("builds a URL on the public endpoint with the preview API version and USD", () => {
    const url = new URL(queryUrl({ serviceName: "Key Vault", armRegionName: "koreacentral" }));
    assert.equal(`${url.origin}${url.pathname}`, RETAIL_PRICES_ENDPOINT);
    assert.equal(url.searchParams.get("api-version"), "2023-01-01-preview");
    assert.equal(url.searchParams.get("currencyCode"), "USD");
    assert.match(url.searchParams.get("$filter")!, /^serviceName eq 'Key Vault' and armRegionName eq 'koreacentral'/);
  });

  it("asks one query per service and region, however many meters share it", () => {
    const qs = queriesFor([
      { spec: postgresComputeMeter("GeneralPurpose", "Ddsv5"), region: "koreacentral" },
      { spec: POSTGRES_STORAGE, region: "koreacentral" },
      { spec: POSTGRES_STORAGE, region: "koreasouth" },
      { spec: LOG_ANALYTICS_INGESTION, region: "koreacentral" },
    ]);
    assert.deepEqual(qs, [
      { serviceName: "Azure Database for PostgreSQL", armRegionName: "koreacentral" },
      { serviceName: "Azure Database for PostgreSQL", armRegionName: "koreasouth" },
      { serviceName: "Log Analytics", armRegionName: "koreacentral" },
    ]);
  });
});

describe("page parser", () => {
  it("reads the items and the next page link of a documented response", () => {
    const p = parsePage(page1);
    assert.equal(p.items.length, 3);
    assert.equal(p.items[0].meterName, "F16s Spot");
    assert.equal(p.items[0].unitPrice, 0.176346);
    assert.match(p.next!, /^https:\/\/prices\.azure\.com:443\/api\/retail\/prices\?.*\$skip=1000$/);
    assert.equal(parsePage(page2).next, undefined, "NextPageLink null ends the listing");
  });

  it("rejects a body that is not the documented shape, naming the field", () => {
    assert.throws(() => parsePage({ items: [] }), /Items/);
    assert.throws(
      () => parsePage({ Items: [{ ...(page1 as any).Items[0], unitPrice: "0.17" }] }),
      /Items\.0\.unitPrice/,
    );
  });

  it("refuses a next page link that leaves prices.azure.com", () =>
    assert.throws(() => parsePage({ Items: [], NextPageLink: "https://example.com/x" }), /leaves prices\.azure\.com/));

  it("follows NextPageLink to the last page", async () => {
    const seen: string[] = [];
    const pages = [page1, page2];
    const items = await fetchAllItems("https://prices.azure.com/api/retail/prices?x", async (url) => {
      seen.push(url);
      return pages[seen.length - 1];
    });
    assert.equal(items.length, 6);
    assert.equal(seen.length, 2);
    assert.match(seen[1], /\$skip=1000/);
  });

  it("stops a runaway listing instead of looping", async () => {
    await assert.rejects(
      fetchAllItems("https://prices.azure.com/api/retail/prices?x", async () => page1, 3),
      /more than 3 pages/,
    );
  });
});

describe("selection", () => {
  const items = [...parsePage(page1).items, ...parsePage(page2).items];

  it("picks the pay-as-you-go compute item, not the reservation", () => {
    const s = selectItems(postgresComputeMeter("GeneralPurpose", "Ddsv5"), "koreacentral", items);
    assert.ok(s.ok);
    assert.deepEqual(
      s.items.map((i) => [i.type, i.unitPrice]),
      [["Consumption", 0.5]],
    );
  });

  it("keeps every tier of a tiered meter, in order", () => {
    const s = selectItems(LOG_ANALYTICS_INGESTION, "koreacentral", items);
    assert.ok(s.ok);
    assert.deepEqual(
      s.items.map((i) => [i.tierMinimumUnits, i.unitPrice]),
      [
        [0, 0],
        [5, 3],
      ],
    );
  });

  it("refuses a meter with no match and lists what the service offers there", () => {
    const s = selectItems(postgresComputeMeter("MemoryOptimized", "Edsv5"), "koreacentral", items);
    assert.equal(s.ok, false);
    if (!s.ok) {
      assert.match(s.reason, /no Azure Database for PostgreSQL item in koreacentral matches/);
      assert.ok(s.candidates.some((c) => c.includes("Ddsv5 Series Compute")));
    }
  });

  it("refuses two different prices for the same meter and tier instead of choosing one", () => {
    const twin = { ...items[3], unitPrice: 0.9, meterId: "fixture-9999" };
    const s = selectItems(POSTGRES_STORAGE, "koreacentral", [...items, twin]);
    assert.equal(s.ok, false);
    if (!s.ok) assert.match(s.reason, /2 different prices at tier 0/);
  });

  it("never uses an item of another region", () => {
    const s = selectItems(POSTGRES_STORAGE, "koreasouth", items);
    assert.equal(s.ok, false);
  });
});
