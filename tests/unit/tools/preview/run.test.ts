// What --base names, and the cost delta the preview prints from the two plans' estimates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CostReport } from "../../../../tools/cost.js";
import { BaseArgumentError, costDelta, resolveBase } from "../../../../tools/preview/run.js";

const report = (total: number, unpriced: number, retrievedAt: string | null): CostReport => ({
  currency: "USD",
  total,
  priced: 10,
  unpriced: Array.from({ length: unpriced }, (_, i) => ({ urn: `u${i}`, reason: "no price" })),
  assumptions: [],
  prices: { retrievedAt, source: "test" },
  resources: [],
});

describe("resolveBase", () => {
  it("tells a plan JSON, a stack file and a git ref apart", () => {
    assert.deepEqual(resolveBase("package.json"), { kind: "plan-json", ref: "package.json" });
    assert.deepEqual(resolveBase("Pulumi.prod.yaml"), { kind: "stack-file", ref: "Pulumi.prod.yaml" });
    assert.deepEqual(resolveBase("HEAD"), { kind: "git-ref", ref: "HEAD" });
  });
  it("refuses what is neither (negative control)", () =>
    assert.throws(() => resolveBase("no-such-ref-or-file"), BaseArgumentError));
});

describe("costDelta", () => {
  it("is head minus base, with the unpriced counts", () =>
    assert.deepEqual(costDelta(report(1000.5, 2, "2026-11-01"), report(1700.25, 3, "2026-11-01")), {
      currency: "USD",
      base: 1000.5,
      head: 1700.25,
      delta: 699.75,
      unpriced: { base: 2, head: 3 },
    }));
  it("says it is not estimated when the price table was never refreshed", () =>
    assert.match(costDelta(report(0, 40, null), report(0, 40, null))!.note!, /prices:refresh/));
  it("is absent when either plan has no estimate", () =>
    assert.equal(costDelta(undefined, report(1, 0, null)), undefined));
});
