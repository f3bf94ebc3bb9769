/** Pure pieces of the latency and crash-restart scenarios: percentile and the largest gap between rows. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { percentile } from "../../../../drill/scenarios/latency.js";
import { largestGapSeconds } from "../../../../drill/scenarios/support.js";

test("percentile is the nearest rank", () => {
  const v = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 95), 95);
  assert.equal(percentile(v, 100), 100);
  assert.equal(percentile([7], 95), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.notEqual(percentile([1, 2, 3, 1000], 50), 1000);
});

test("largest gap between consecutive timestamps, in seconds, whatever the order", () => {
  assert.equal(largestGapSeconds([0, 100, 1600, 1700]), 1.5);
  assert.equal(largestGapSeconds([1700, 0, 1600, 100]), 1.5);
  assert.equal(largestGapSeconds([5]), 0);
  assert.notEqual(largestGapSeconds([0, 100, 200]), 0.2);
});
