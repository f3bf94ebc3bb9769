/** eventually(): returns the first truthy result, and (negative control) throws at its deadline when it never comes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually, EventuallyTimeout } from "../../../drill/eventually.js";

test("eventually returns once the check holds, retrying through errors and false", async () => {
  let n = 0;
  const v = await eventually(
    () => {
      n++;
      if (n === 1) throw new Error("not yet");
      return n >= 3 ? `done after ${n}` : false;
    },
    { timeout: 2000, interval: 5 },
  );
  assert.equal(v, "done after 3");
});

test("negative control: a check that never holds times out, naming what and the last error", async () => {
  const t0 = performance.now();
  await assert.rejects(
    eventually(
      () => {
        throw new Error("connection refused");
      },
      { timeout: 150, interval: 20, what: "the archiver" },
    ),
    (e: unknown) =>
      e instanceof EventuallyTimeout &&
      e.attempts >= 2 &&
      /150 ms .* waiting for the archiver; last error: connection refused/.test(e.message),
  );
  const elapsed = performance.now() - t0;
  assert.ok(elapsed >= 150 && elapsed < 1500, `elapsed ${elapsed}`);
  await assert.rejects(
    eventually(() => false, { timeout: 50, interval: 10 }),
    /waiting for a condition$/,
  );
});
