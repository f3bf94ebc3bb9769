/** Report shape validation and Markdown rendering (unit). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs } from "../../../drill/cli-args.js";
import { asciiChart, renderMarkdown, validateReport, type DrillReport } from "../../../drill/report.js";
import { throughputBuckets } from "../../../drill/writer.js";

const good: DrillReport = {
  target: "local",
  postgres: "15.20",
  scenarios: [
    {
      name: "failover",
      passed: true,
      metrics: { rtoSeconds: 2.3, lostAcknowledgedWrites: 0 },
      targets: { rtoSeconds: 120 },
    },
  ],
};

test("the issue's example validates", () => {
  assert.deepEqual(validateReport(JSON.parse(JSON.stringify(good))), []);
});

test("shape violations are reported", () => {
  assert.notDeepEqual(validateReport({ ...good, extra: 1 }), []);
  assert.notDeepEqual(validateReport({ ...good, target: "cloud" }), []);
  assert.notDeepEqual(
    validateReport({
      ...good,
      scenarios: [{ name: "failover", passed: true, metrics: { rtoSeconds: 2 }, targets: {} }],
    }),
    [],
  );
  assert.notDeepEqual(
    validateReport({ ...good, scenarios: [{ name: "lag", passed: "yes", metrics: {}, targets: {} }] }),
    [],
  );
  assert.notDeepEqual(
    validateReport({ ...good, scenarios: [{ name: "lag", passed: true, metrics: { maxSeconds: "1" }, targets: {} }] }),
    [],
  );
  assert.notDeepEqual(
    validateReport({
      ...good,
      scenarios: [{ name: "lag", passed: true, metrics: { maxSeconds: 1 }, targets: {}, notes: [] }],
    }),
    [],
  );
});

test("throughput buckets and chart", () => {
  const acks = [-150, -120, -10, 900, 1010, 1020, 1030].map((at, seq) => ({ seq, port: 1, at: 10_000 + at }));
  const b = throughputBuckets(acks, 10_000, 250, -250, 1250);
  assert.deepEqual(
    b.map((x) => x.writes),
    [3, 0, 0, 0, 1, 3],
  );
  const chart = asciiChart(b, 250, 10);
  assert.match(chart, /-0\.25 s \|#{10}\| {4}3/);
  assert.match(chart, /0\.00 s \|\s{10}\| {4}0/);
  const md = renderMarkdown(
    good,
    [{ results: good.scenarios, notes: ["a\nb"], chart: { title: "t", bucketMs: 250, buckets: b } }],
    { command: "npm run drill", startedAt: "x", durationSeconds: 1 },
  );
  assert.match(md, /\| failover \| ✅ \| rtoSeconds \| 2\.300 \| 120 \|/);
  assert.match(md, /- a b/);
});

test("CLI arguments", () => {
  assert.deepEqual(parseArgs(["--scenarios", "pitr,failover", "--json", "o.json", "--quick"]), {
    quick: true,
    target: "local",
    execute: false,
    help: false,
    scenarios: "pitr,failover",
    json: "o.json",
  });
  assert.throws(() => parseArgs(["--target", "gcp"]), /local or azure/);
  assert.throws(() => parseArgs(["--bogus"]), /unknown argument/);
});

test("parameters and controls: a scenario cannot pass when its control did not fail", () => {
  const withControl = (failed: boolean, passed: boolean): DrillReport => ({
    ...good,
    scenarios: [
      {
        name: "archive",
        passed,
        metrics: { rpoSeconds: 3.1 },
        targets: {},
        parameters: { archiveTimeoutSeconds: 3 },
        controls: [{ name: "no-checkpoint-after-start", expectFailure: true, failed }],
      },
    ],
  });
  assert.deepEqual(validateReport(withControl(true, true)), []);
  assert.deepEqual(validateReport(withControl(false, false)), []);
  assert.match(validateReport(withControl(false, true)).join(";"), /control no-checkpoint-after-start did not fail/);
  const bad = withControl(true, true);
  (bad.scenarios[0] as unknown as { controls: unknown[] }).controls = [{ name: "x", failed: true }];
  assert.match(validateReport(bad).join(";"), /expectFailure: true/);
  const md = renderMarkdown(withControl(true, true), [], { command: "c", startedAt: "x", durationSeconds: 1 });
  assert.match(md, /\| archive \| archiveTimeoutSeconds 3 \| no-checkpoint-after-start: failed ✅ \|/);
});
