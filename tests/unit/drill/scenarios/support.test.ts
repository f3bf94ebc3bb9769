/** RTO's parts from the harness's clock (drill/scenarios/support.ts rtoParts): never negative, adding up to the RTO. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { promotionEnd, rtoParts } from "../../../../drill/scenarios/support.js";

describe("rtoParts", () => {
  it("splits fault → detected → fenced → promoted → first write", () => {
    const t = { faultAt: 1000, detectedAt: 7000, fencedAt: 7010, promoteReturnedAt: 7200, firstWriteAt: 7300 };
    assert.deepEqual(rtoParts(t), {
      rtoSeconds: 6.3,
      detectSeconds: 6,
      fenceSeconds: 0.01,
      promoteSeconds: 0.19,
      reconnectSeconds: 0.1,
    });
  });

  it("a write acknowledged before pg_ctl returned ends the promotion there: reconnect 0, not negative", () => {
    // As measured in a partition run: pg_ctl returned 44 ms after the first write on the promoted server.
    const t = { faultAt: 0, detectedAt: 6136, fencedAt: 6138, promoteReturnedAt: 6292, firstWriteAt: 6248 };
    const parts = rtoParts(t);
    assert.equal(parts.reconnectSeconds, 0);
    assert.equal(parts.promoteSeconds, 0.11);
    assert.equal(promotionEnd(t), 6248);
    const sum = parts.detectSeconds + (parts.fenceSeconds ?? 0) + parts.promoteSeconds + parts.reconnectSeconds;
    assert.ok(Math.abs(sum - parts.rtoSeconds) < 0.002, `${sum} vs ${parts.rtoSeconds}`);
  });

  it("has no fence part when nothing was fenced (the primary was killed)", () => {
    const parts = rtoParts({ faultAt: 0, detectedAt: 2500, promoteReturnedAt: 2640, firstWriteAt: 2730 });
    assert.equal("fenceSeconds" in parts, false);
    assert.equal(parts.promoteSeconds, 0.14);
  });
});
