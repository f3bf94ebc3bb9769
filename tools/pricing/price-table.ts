/**
 * The price table (`infra/prices.json`) as data: its shape, validation, and the arithmetic of one meter's cost —
 * unit conversion from the API's unitOfMeasure and tiered prices. Pure: the estimator's tests pin this arithmetic on a
 * fixture table, never on the committed file.
 */
import { z } from "zod";

const entrySchema = z.strictObject({
  /** The estimator's meter key (tools/pricing/meters.ts). */
  meter: z.string().min(1),
  armRegionName: z.string().min(1),
  // The rest is what the Azure Retail Prices API returned for the item (null until `npm run prices:refresh` ran).
  meterId: z.string().nullable().optional(),
  serviceName: z.string().nullable(),
  productName: z.string().nullable(),
  skuName: z.string().nullable(),
  meterName: z.string().nullable(),
  unitOfMeasure: z.string().nullable(),
  unitPrice: z.number().nonnegative().nullable(),
  tierMinimumUnits: z.number().nonnegative().default(0),
  currencyCode: z.string(),
  effectiveStartDate: z.string().nullable(),
  /** Where the price came from: the exact query URL and its date, or why there is none. */
  source: z.string().min(1),
});

export const priceTableSchema = z
  .strictObject({
    currency: z.literal("USD"),
    /** ISO date of the refresh, or null when no price was ever retrieved. */
    retrievedAt: z.string().nullable(),
    /** The API and the queries the refresh sent. */
    source: z.string().min(1),
    note: z.string().optional(),
    prices: z.array(entrySchema),
  })
  .superRefine((t, ctx) => {
    t.prices.forEach((p, i) => {
      if (p.unitPrice !== null && (p.unitOfMeasure === null || p.effectiveStartDate === null)) {
        ctx.addIssue({
          code: "custom",
          path: ["prices", i],
          message: `${p.meter} in ${p.armRegionName} has a price but no unitOfMeasure or effectiveStartDate`,
        });
      }
      if (p.unitPrice !== null && p.currencyCode !== t.currency) {
        ctx.addIssue({ code: "custom", path: ["prices", i], message: `${p.meter} is priced in ${p.currencyCode}` });
      }
    });
  });

export type PriceTable = z.infer<typeof priceTableSchema>;
export type PriceEntry = PriceTable["prices"][number];

export function parsePriceTable(raw: unknown): PriceTable {
  return priceTableSchema.parse(raw);
}

/**
 * How many of the estimator's units one API unit holds: `1 Hour` → 1, `10K` → 10,000, `1M` → 1,000,000,
 * `100 Hours` → 100. The API's unitOfMeasure is a count, optionally with K/M, then an optional word.
 */
export function unitSize(unitOfMeasure: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KM])?\b/i.exec(unitOfMeasure);
  if (!m) throw new Error(`unitOfMeasure ${JSON.stringify(unitOfMeasure)} does not start with a count`);
  const factor = m[2]?.toUpperCase() === "K" ? 1_000 : m[2]?.toUpperCase() === "M" ? 1_000_000 : 1;
  return Number(m[1]) * factor;
}

export type MeterPrice =
  | {
      readonly priced: true;
      readonly cost: number;
      readonly unitPrice: number;
      readonly entries: readonly PriceEntry[];
    }
  | { readonly priced: false; readonly reason: string };

/**
 * The cost of `quantity` (in the estimator's units) on one meter in one region. Tiered prices (several entries, each
 * from its tierMinimumUnits up) are applied in API units. A zero quantity costs nothing even without a price.
 */
export function priceMeter(table: PriceTable, meter: string, region: string, quantity: number): MeterPrice {
  const entries = table.prices
    .filter((p) => p.meter === meter && p.armRegionName === region)
    .sort((a, b) => a.tierMinimumUnits - b.tierMinimumUnits);
  if (quantity === 0) return { priced: true, cost: 0, unitPrice: 0, entries };
  if (entries.length === 0) return { priced: false, reason: `${meter} in ${region} is not in the price table` };
  const missing = entries.find((e) => e.unitPrice === null || e.unitOfMeasure === null);
  if (missing) return { priced: false, reason: `${meter} in ${region} has no price yet (${missing.source})` };
  const size = unitSize(entries[0].unitOfMeasure!);
  if (entries.some((e) => unitSize(e.unitOfMeasure!) !== size)) {
    return { priced: false, reason: `${meter} in ${region} has tiers in different units` };
  }
  const apiQuantity = quantity / size;
  let cost = 0;
  entries.forEach((e, k) => {
    const upper = entries[k + 1]?.tierMinimumUnits ?? Number.POSITIVE_INFINITY;
    const inTier = Math.max(0, Math.min(apiQuantity, upper) - e.tierMinimumUnits);
    cost += inTier * e.unitPrice!;
  });
  return { priced: true, cost, unitPrice: cost / quantity, entries };
}
