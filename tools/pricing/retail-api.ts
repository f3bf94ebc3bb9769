/**
 * The Azure Retail Prices API, as pure functions: the OData `$filter` queries for the meters a plan needs, the parser
 * of one response page, and the choice of the item that prices a meter.
 *
 * Documented shape (Learn, "Azure Retail Prices overview", https://learn.microsoft.com/rest/api/cost-management/
 * retail-prices/azure-retail-prices, read as its Markdown source, ms.date 09/27/2021, and the live page's current
 * text): endpoint `https://prices.azure.com/api/retail/prices`; filters on armRegionName, Location, meterId, meterName,
 * productid, skuId, productName, skuName, serviceName, serviceId, serviceFamily, priceType, armSkuName; values are
 * case-sensitive from API version 2023-01-01-preview on; each record carries currencyCode, tierMinimumUnits,
 * retailPrice, unitPrice, armRegionName, location, effectiveStartDate, meterId, meterName, productId, skuId,
 * productName, skuName, serviceName, serviceId, serviceFamily, unitOfMeasure, type, isPrimaryMeterRegion,
 * armSkuName; "At the end of the API response, it has the link to next page" (`NextPageLink`). The page shows single
 * records; the records arrive in an `Items` array beside `NextPageLink` (the envelope every client of the API reads).
 */
import { z } from "zod";
import { type MeterSpec, type RetailItem } from "./meters.js";

export const RETAIL_PRICES_ENDPOINT = "https://prices.azure.com/api/retail/prices";
/** The version that also returns non-primary meters and has case-sensitive filter values (Learn, "Preview version"). */
export const RETAIL_PRICES_API_VERSION = "2023-01-01-preview";

/** One query: a service in a region, pay-as-you-go prices only. */
export interface RetailQuery {
  readonly serviceName: string;
  readonly armRegionName: string;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function filterFor(q: RetailQuery): string {
  return [
    `serviceName eq ${odataString(q.serviceName)}`,
    `armRegionName eq ${odataString(q.armRegionName)}`,
    `priceType eq 'Consumption'`,
  ].join(" and ");
}

export function queryUrl(q: RetailQuery): string {
  const params = new URLSearchParams({
    "api-version": RETAIL_PRICES_API_VERSION,
    currencyCode: "USD",
    $filter: filterFor(q),
  });
  return `${RETAIL_PRICES_ENDPOINT}?${params.toString()}`;
}

/** The distinct (service, region) queries that cover every needed (meter, region): one query serves many meters. */
export function queriesFor(needed: readonly { spec: MeterSpec; region: string }[]): RetailQuery[] {
  const seen = new Map<string, RetailQuery>();
  for (const n of needed) {
    const q = { serviceName: n.spec.serviceName, armRegionName: n.region };
    seen.set(`${q.serviceName}\u0000${q.armRegionName}`, q);
  }
  return [...seen.values()].sort((a, b) =>
    `${a.serviceName}${a.armRegionName}`.localeCompare(`${b.serviceName}${b.armRegionName}`),
  );
}

const itemSchema = z.object({
  currencyCode: z.string(),
  tierMinimumUnits: z.number(),
  retailPrice: z.number(),
  unitPrice: z.number(),
  armRegionName: z.string(),
  effectiveStartDate: z.string().optional(),
  meterId: z.string().optional(),
  meterName: z.string(),
  productName: z.string(),
  skuName: z.string(),
  serviceName: z.string(),
  unitOfMeasure: z.string(),
  type: z.string(),
  armSkuName: z.string().optional(),
  isPrimaryMeterRegion: z.boolean().optional(),
  reservationTerm: z.string().optional(),
});

const pageSchema = z.object({
  Items: z.array(itemSchema),
  NextPageLink: z.string().nullable().optional(),
  BillingCurrency: z.string().optional(),
  Count: z.number().optional(),
});

export interface RetailPage {
  readonly items: readonly RetailItem[];
  /** Absolute URL of the next page, or undefined on the last one. */
  readonly next?: string;
}

/** Parses one response body. Throws on a body that is not the documented shape, naming the first problem. */
export function parsePage(body: unknown): RetailPage {
  const r = pageSchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`not a Retail Prices response: ${i.path.join(".") || "(root)"} ${i.message}`);
  }
  const next = r.data.NextPageLink ?? undefined;
  // The documented example link carries the port (`https://prices.azure.com:443/…`), so compare parsed parts.
  const host = next === undefined ? undefined : URL.canParse(next) ? new URL(next) : null;
  if (host !== undefined && (host === null || host.protocol !== "https:" || host.hostname !== "prices.azure.com")) {
    throw new Error(`NextPageLink ${next} leaves prices.azure.com`);
  }
  return { items: r.data.Items, ...(next ? { next } : {}) };
}

export type Selection =
  | { readonly ok: true; readonly items: readonly RetailItem[] }
  | { readonly ok: false; readonly reason: string; readonly candidates: readonly string[] };

const describeItem = (i: RetailItem) =>
  `${i.productName} / ${i.skuName} / ${i.meterName} (${i.unitOfMeasure}, tier ≥ ${i.tierMinimumUnits}) ${i.unitPrice}`;

/**
 * The items that price one meter in one region: all tiers of exactly one meter. None, or two different prices for
 * the same tier, is refused with the candidates listed — the maintainer fixes the selector, nobody guesses.
 */
export function selectItems(spec: MeterSpec, region: string, items: readonly RetailItem[]): Selection {
  const inRegion = items.filter((i) => i.armRegionName === region && i.serviceName === spec.serviceName);
  const hits = inRegion.filter(spec.matches);
  if (hits.length === 0) {
    return {
      ok: false,
      reason: `no ${spec.serviceName} item in ${region} matches ${spec.meter}`,
      candidates: inRegion.map(describeItem).slice(0, 40),
    };
  }
  const byTier = new Map<number, RetailItem[]>();
  for (const h of hits) byTier.set(h.tierMinimumUnits, [...(byTier.get(h.tierMinimumUnits) ?? []), h]);
  for (const [tier, same] of byTier) {
    const prices = new Set(same.map((s) => `${s.unitPrice}|${s.unitOfMeasure}`));
    if (prices.size > 1) {
      return {
        ok: false,
        reason: `${spec.meter} in ${region} matches ${prices.size} different prices at tier ${tier}`,
        candidates: same.map(describeItem),
      };
    }
  }
  const items1 = [...byTier.values()].map((v) => v[0]).sort((a, b) => a.tierMinimumUnits - b.tierMinimumUnits);
  return { ok: true, items: items1 };
}

/** A service in one region has a few hundred items; 50 pages of 1,000 is a runaway, not a price list. */
export const MAX_PAGES = 50;

/** Follows NextPageLink from `url` until the last page. `get` returns a parsed JSON body (injected for tests). */
export async function fetchAllItems(
  url: string,
  get: (url: string) => Promise<unknown>,
  maxPages = MAX_PAGES,
): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  let next: string | undefined = url;
  for (let page = 0; next; page++) {
    if (page >= maxPages) throw new Error(`more than ${maxPages} pages for ${url}`);
    const parsed = parsePage(await get(next));
    items.push(...parsed.items);
    next = parsed.next;
  }
  return items;
}
