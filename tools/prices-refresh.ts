/**
 * `npm run prices:refresh [-- --offline] [--out infra/prices.json] [--stacks prod,dev]`: fills the price table for
 * exactly the meters the Azure stacks bill on. It plans each stack offline (the same `npm run plan`), collects the
 * (meter, region) pairs the estimator uses, asks the Azure Retail Prices API (public, no login) one query per service
 * and region, follows NextPageLink, and keeps the one item per meter the selector picks. A meter that matches nothing,
 * or two prices, is written with `unitPrice: null` and the candidates are printed: the estimate then says "unpriced".
 *
 * `--offline` writes the same table without calling the API (every price null): the committed skeleton.
 * Exit status: 0 written (even with unpriced meters, which are listed), 2 bad usage, 3 a request or plan failed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { neededMeters } from "./cost.js";
import { meterSpec } from "./pricing/meters.js";
import { type PriceEntry, type PriceTable, parsePriceTable } from "./pricing/price-table.js";
import { RETAIL_PRICES_ENDPOINT, fetchAllItems, queriesFor, queryUrl, selectItems } from "./pricing/retail-api.js";
import type { RetailItem } from "./pricing/meters.js";

const USAGE = "usage: npm run prices:refresh -- [--offline] [--out infra/prices.json] [--stacks prod,dev]";

function planResources(stack: string): { urn: string; type: string; name: string; inputs: Record<string, unknown> }[] {
  const file = join(mkdtempSync(join(tmpdir(), "authdb-prices-")), `${stack}.json`);
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "tools/plan.ts", "--stack", stack, "--json", file, "--quiet"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0 && r.status !== 1) throw new Error(`plan --stack ${stack} exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(readFileSync(file, "utf8")) as { resources: ReturnType<typeof planResources> }).resources;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  return res.json();
}

function nullEntry(meter: string, region: string, source: string): PriceEntry {
  return {
    meter,
    armRegionName: region,
    serviceName: meterSpec(meter)?.serviceName ?? null,
    productName: null,
    skuName: null,
    meterName: null,
    unitOfMeasure: null,
    unitPrice: null,
    tierMinimumUnits: 0,
    currencyCode: "USD",
    effectiveStartDate: null,
    source,
  };
}

async function main(argv: string[]): Promise<number> {
  let values: { offline?: boolean; out?: string; stacks?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { offline: { type: "boolean" }, out: { type: "string" }, stacks: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const out = values.out ?? "infra/prices.json";
  const stacks = (values.stacks ?? "prod,dev").split(",").filter(Boolean);
  const needed = stacks.flatMap((s) => neededMeters(planResources(s)));
  const unique = [...new Map(needed.map((n) => [`${n.meter}@${n.region}`, n])).values()];
  const specs = unique.map((n) => {
    const spec = meterSpec(n.meter);
    if (!spec) throw new Error(`the estimator used ${n.meter}, which tools/pricing/meters.ts does not define`);
    return { ...n, spec };
  });
  const queries = queriesFor(specs);
  const date = new Date().toISOString().slice(0, 10);
  const source = `${RETAIL_PRICES_ENDPOINT} — ${queries.length} queries, one per service and region: ${queries.map(queryUrl).join(" ; ")}`;

  const entries: PriceEntry[] = [];
  if (values.offline) {
    for (const n of specs)
      entries.push(nullEntry(n.meter, n.region, "not retrieved: run npm run prices:refresh (needs the public API)"));
  } else {
    const itemsBy = new Map<string, RetailItem[]>();
    for (const q of queries)
      itemsBy.set(`${q.serviceName}@${q.armRegionName}`, await fetchAllItems(queryUrl(q), getJson));
    for (const n of specs) {
      const q = { serviceName: n.spec.serviceName, armRegionName: n.region };
      const sel = selectItems(n.spec, n.region, itemsBy.get(`${q.serviceName}@${q.armRegionName}`) ?? []);
      if (!sel.ok) {
        process.stderr.write(
          `unpriced ${n.meter} in ${n.region}: ${sel.reason}\n${sel.candidates.map((c) => `    ${c}`).join("\n")}\n`,
        );
        entries.push(nullEntry(n.meter, n.region, `no single match on ${date}: ${sel.reason} (query ${queryUrl(q)})`));
        continue;
      }
      for (const i of sel.items) {
        entries.push({
          meter: n.meter,
          armRegionName: n.region,
          meterId: i.meterId ?? null,
          serviceName: i.serviceName,
          productName: i.productName,
          skuName: i.skuName,
          meterName: i.meterName,
          unitOfMeasure: i.unitOfMeasure,
          unitPrice: i.unitPrice,
          tierMinimumUnits: i.tierMinimumUnits,
          currencyCode: i.currencyCode,
          effectiveStartDate: i.effectiveStartDate ?? null,
          source: `Azure Retail Prices API, retrieved ${date}: ${queryUrl(q)}`,
        });
      }
    }
  }
  const table: PriceTable = parsePriceTable({
    currency: "USD",
    retrievedAt: values.offline ? null : date,
    source,
    note: values.offline
      ? "Skeleton: the meters the prod and dev stacks bill on, with no prices. No price in this file was typed by hand; `npm run prices:refresh` fills them from the API."
      : "Filled by npm run prices:refresh from the Azure Retail Prices API; entries with unitPrice null had no single match.",
    prices: entries,
  });
  writeFileSync(out, `${JSON.stringify(table, null, 2)}\n`);
  const priced = entries.filter((e) => e.unitPrice !== null).length;
  process.stdout.write(
    `${out}: ${specs.length} meters, ${priced} price entries, ${entries.length - priced} unpriced\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`prices:refresh failed: ${(e as Error).message}\n`);
    process.exit(3);
  },
);
