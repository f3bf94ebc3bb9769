/**
 * The monthly cost estimate of a plan: each resource's usage lines (tools/cost/usage.ts) priced from the price table
 * (infra/prices.json, tools/pricing/price-table.ts). Pure. A line whose meter has no price makes its resource
 * "unpriced" — never guessed — and the total says how much of the plan it covers.
 */
import {
  ASSUMPTION_NOTES,
  type CostAssumptions,
  type CostedResource,
  DEFAULT_ASSUMPTIONS,
  resourceUsage,
  usageContext,
} from "./cost/usage.js";
import { type PriceTable, priceMeter } from "./pricing/price-table.js";

export { DEFAULT_ASSUMPTIONS, type CostAssumptions, type CostedResource } from "./cost/usage.js";

export interface CostLine {
  readonly meter: string;
  readonly region: string;
  readonly what: string;
  readonly quantity: number;
  readonly unit: string;
  /** Price per `unit` (tier-weighted), or null when the table has none. */
  readonly unitPrice: number | null;
  readonly cost: number | null;
}

export interface ResourceCost {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Null when any line is unpriced or the type has no cost model. */
  readonly monthly: number | null;
  readonly lines: readonly CostLine[];
  readonly unpriced?: string;
  /** Set when the model decides the resource carries no meter of its own (counted as 0). */
  readonly noMeter?: string;
}

export interface CostReport {
  readonly currency: "USD";
  /** Sum of the priced resources (and the priced lines of partly priced ones are NOT included). */
  readonly total: number;
  /** Resources whose every line is priced (including those with no meter). */
  readonly priced: number;
  readonly unpriced: readonly { readonly urn: string; readonly reason: string }[];
  readonly assumptions: readonly { readonly name: string; readonly value: number; readonly meaning: string }[];
  /** When the table was refreshed, and from where. */
  readonly prices: { readonly retrievedAt: string | null; readonly source: string };
  readonly note?: string;
  readonly resources: readonly ResourceCost[];
}

const round = (n: number) => Math.round(n * 100) / 100;

export function estimateCost(
  resources: readonly CostedResource[],
  table: PriceTable,
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
): CostReport {
  const billable = resources.filter((r) => r.custom !== false);
  const ctx = usageContext(billable, assumptions);
  const costs: ResourceCost[] = billable.map((r) => {
    const base = { urn: r.urn, type: r.type, name: r.name };
    const usage = resourceUsage(r, ctx);
    if (usage.kind === "noMeter") return { ...base, monthly: 0, lines: [], noMeter: usage.reason };
    if (usage.kind === "unknown") return { ...base, monthly: null, lines: [], unpriced: usage.reason };
    const missing: string[] = [];
    const lines: CostLine[] = usage.lines.map((l) => {
      const p = priceMeter(table, l.meter, l.region, l.quantity);
      if (!p.priced && !missing.includes(`${l.meter}@${l.region}`)) missing.push(`${l.meter}@${l.region}`);
      return {
        meter: l.meter,
        region: l.region,
        what: l.what,
        quantity: l.quantity,
        unit: l.unit,
        unitPrice: p.priced ? p.unitPrice : null,
        cost: p.priced ? p.cost : null,
      };
    });
    // Bills are in cents; rounding per resource keeps the total the sum of what is printed.
    const monthly = missing.length ? null : round(lines.reduce((s, l) => s + (l.cost ?? 0), 0));
    const reason = `no price in the table for ${missing.join(", ")}`;
    return { ...base, monthly, lines, ...(missing.length ? { unpriced: reason } : {}) };
  });
  const total = costs.reduce((s, c) => s + (c.monthly ?? 0), 0);
  return {
    currency: "USD",
    total: round(total),
    priced: costs.filter((c) => c.monthly !== null).length,
    unpriced: costs.filter((c) => c.monthly === null).map((c) => ({ urn: c.urn, reason: c.unpriced ?? "" })),
    assumptions: (Object.keys(assumptions) as (keyof CostAssumptions)[]).map((name) => ({
      name,
      value: assumptions[name],
      meaning: ASSUMPTION_NOTES[name],
    })),
    prices: { retrievedAt: table.retrievedAt, source: table.source },
    resources: costs,
  };
}

/** The local twin: nothing is billed, and the report says why rather than pricing Docker. */
export function localCost(resources: readonly CostedResource[]): CostReport {
  return {
    currency: "USD",
    total: 0,
    priced: resources.filter((r) => r.custom !== false).length,
    unpriced: [],
    assumptions: [],
    prices: { retrievedAt: null, source: "none needed" },
    note: "the local stack runs on the developer's machine (Docker): no Azure charge",
    resources: resources
      .filter((r) => r.custom !== false)
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        monthly: 0,
        lines: [],
        noMeter: "runs on the developer's machine",
      })),
  };
}

export interface CostChange {
  readonly urn: string;
  readonly change: "added" | "removed" | "changed";
  /** Monthly cost before and after; null when unpriced on that side or absent (see `change`). */
  readonly before: number | null;
  readonly after: number | null;
  /** Null when either side is unpriced (a delta against an unknown is unknown). */
  readonly delta: number | null;
}

export interface CostDelta {
  readonly currency: "USD";
  readonly before: number;
  readonly after: number;
  /** after − before over the resources priced on both sides (added and removed ones count from 0). */
  readonly delta: number;
  /** True when some changed resource is unpriced on one side, so `delta` leaves part of the change out. */
  readonly incomplete: boolean;
  readonly changes: readonly CostChange[];
}

/** What a change would do to the monthly bill, resource by resource (for the change preview). */
export function costDelta(base: CostReport, next: CostReport): CostDelta {
  const before = new Map(base.resources.map((r) => [r.urn, r.monthly]));
  const after = new Map(next.resources.map((r) => [r.urn, r.monthly]));
  const urns = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: CostChange[] = [];
  for (const urn of urns) {
    // An absent side counts as $0: adding a resource costs its price, removing one saves it.
    const b = before.has(urn) ? before.get(urn)! : 0;
    const a = after.has(urn) ? after.get(urn)! : 0;
    if (b === a && before.has(urn) === after.has(urn)) continue;
    changes.push({
      urn,
      change: !before.has(urn) ? "added" : !after.has(urn) ? "removed" : "changed",
      before: before.has(urn) ? b : null,
      after: after.has(urn) ? a : null,
      delta: b === null || a === null ? null : round(a - b),
    });
  }
  const known = changes.filter((c) => c.delta !== null);
  const delta = round(known.reduce((s, c) => s + c.delta!, 0));
  return {
    currency: "USD",
    before: base.total,
    after: next.total,
    delta,
    incomplete: changes.some((c) => c.delta === null),
    changes,
  };
}

const money = (n: number | null) => (n === null ? "unpriced" : `$${n.toFixed(2)}`);
const qty = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 2 });

const signed = (n: number | null) => (n === null ? "unpriced" : `${n < 0 ? "−" : "+"}$${Math.abs(n).toFixed(2)}`);
/** The resource's short name in a URN (`urn:pulumi:stack::project::type::name` → name). */
const urnName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * The monthly cost delta as a Markdown section for the change preview: one row per resource whose cost changes, and the
 * total. An unpriced side prints "unpriced" and the total says it leaves those out — never a guessed figure.
 */
export function costDeltaMarkdown(d: CostDelta): string[] {
  const out = ["### Monthly cost (estimate)", ""];
  if (d.changes.length === 0) return [...out, `No change to the estimated monthly cost (${money(d.after)}).`];
  out.push("| Resource | Change | Before | After | Delta |", "|---|---|---|---|---|");
  for (const c of d.changes) {
    out.push(
      `| \`${urnName(c.urn)}\` | ${c.change} | ${c.before === null && c.change === "added" ? "—" : money(c.before)} | ${c.after === null && c.change === "removed" ? "—" : money(c.after)} | ${signed(c.delta)} |`,
    );
  }
  out.push(
    `| **Total** | | ${money(d.before)} | ${money(d.after)} | **${signed(d.delta)}**${d.incomplete ? " (excludes unpriced changes)" : ""} |`,
  );
  if (d.incomplete)
    out.push("", "Some changed resources are unpriced (no price in infra/prices.json): the real delta differs.");
  return out;
}

/** The "Estimated monthly cost" section of the readable plan. */
export function costText(report: CostReport): string[] {
  const out = ["Estimated monthly cost (USD):"];
  if (report.note) out.push(`  ${report.note}`);
  const metered = report.resources.filter((r) => r.lines.length > 0 || r.unpriced);
  for (const r of metered) {
    out.push(`  ${r.name}  [${r.type}]  ${money(r.monthly)}`);
    for (const l of r.lines)
      out.push(
        `    - ${l.what}: ${qty(l.quantity)} ${l.unit} × ${l.unitPrice === null ? "?" : `$${l.unitPrice.toPrecision(4)}`} = ${money(l.cost)}  (${l.meter}, ${l.region})`,
      );
    if (r.unpriced && r.lines.length === 0) out.push(`    - unpriced: ${r.unpriced}`);
  }
  out.push(
    `  Total: ${money(report.total)} for ${report.priced} of ${report.resources.length} resources` +
      (report.unpriced.length ? ` — ${report.unpriced.length} unpriced, so the real bill is higher` : ""),
  );
  if (report.unpriced.length) {
    const missing = report.prices.retrievedAt === null;
    out.push(`  Unpriced${missing ? " (run npm run prices:refresh)" : ""}:`);
    const byReason = new Map<string, string[]>();
    for (const u of report.unpriced)
      byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.urn.split("::").pop()!]);
    for (const [reason, names] of byReason)
      out.push(`    - ${names.length === 1 ? names[0] : `${names.length} resources (${names[0]}, …)`}: ${reason}`);
  }
  const noMeter = report.resources.filter((r) => r.noMeter);
  if (noMeter.length && !report.note) {
    const byReason = new Map<string, number>();
    for (const r of noMeter)
      byReason.set(`${r.type}: ${r.noMeter}`, (byReason.get(`${r.type}: ${r.noMeter}`) ?? 0) + 1);
    out.push("  No meter modelled (counted as $0):");
    for (const [what, n] of [...byReason].sort()) out.push(`    - ${n} × ${what}`);
  }
  if (report.assumptions.length) {
    out.push("  Assumptions (inputs to the estimate, not measurements):");
    for (const a of report.assumptions) out.push(`    - ${a.name} = ${qty(a.value)}  (${a.meaning})`);
  }
  out.push(
    `  Prices: ${report.prices.retrievedAt ? `retrieved ${report.prices.retrievedAt}` : "never retrieved"} from ${report.prices.source}`,
  );
  return out;
}

/** Every (meter, region) a set of resources bills on: what `npm run prices:refresh` must price. */
export function neededMeters(
  resources: readonly CostedResource[],
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
): { meter: string; region: string }[] {
  const billable = resources.filter((r) => r.custom !== false);
  const ctx = usageContext(billable, assumptions);
  const seen = new Map<string, { meter: string; region: string }>();
  for (const r of billable) {
    const u = resourceUsage(r, ctx);
    if (u.kind !== "metered") continue;
    for (const l of u.lines) seen.set(`${l.meter}@${l.region}`, { meter: l.meter, region: l.region });
  }
  return [...seen.values()].sort((a, b) => `${a.meter}@${a.region}`.localeCompare(`${b.meter}@${b.region}`));
}
