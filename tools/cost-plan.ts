/**
 * The one impure step between a plan and its cost estimate: read the committed price table and pick the model for
 * the stack's kind (the local twin is never billed). Kept apart from tools/cost.ts so the estimator stays pure.
 */
import { readFileSync } from "node:fs";
import { type CostDelta, type CostReport, costDelta, estimateCost, localCost } from "./cost.js";
import type { OfflineRun } from "./offline.js";
import { type PriceTable, parsePriceTable } from "./pricing/price-table.js";

export const PRICE_TABLE_PATH = "infra/prices.json";

export function readPriceTable(path = PRICE_TABLE_PATH): PriceTable {
  return parsePriceTable(JSON.parse(readFileSync(path, "utf8")));
}

export function planCost(run: OfflineRun, pricesPath = PRICE_TABLE_PATH): CostReport {
  if (run.outputs.platformKind === "local") return localCost(run.resources);
  return estimateCost(run.resources, readPriceTable(pricesPath));
}

/** The monthly cost delta between two plans (base branch and head), both priced with the same committed table. */
export function planCostDelta(base: OfflineRun, head: OfflineRun, pricesPath = PRICE_TABLE_PATH): CostDelta {
  return costDelta(planCost(base, pricesPath), planCost(head, pricesPath));
}
