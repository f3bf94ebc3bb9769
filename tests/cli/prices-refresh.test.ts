// `npm run prices:refresh -- --offline`: the meters the stacks bill on, and the committed table covering exactly them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const refresh = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "tools/prices-refresh.ts", ...args], { encoding: "utf8" });
const pairs = (t: { prices: { meter: string; armRegionName: string }[] }) =>
  [...new Set(t.prices.map((p) => `${p.meter}@${p.armRegionName}`))].sort();

describe("npm run prices:refresh -- --offline", () => {
  const out = join(mkdtempSync(join(tmpdir(), "authdb-prices-")), "prices.json");
  const r = refresh("--offline", "--out", out);

  it("writes a table of the prod and dev meters with no invented price", () => {
    assert.equal(r.status, 0, r.stderr);
    const t = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(t.retrievedAt, null);
    assert.ok(t.prices.every((p: any) => p.unitPrice === null));
    const got = pairs(t);
    for (const want of [
      "postgres-compute:GeneralPurpose:Ddsv5@koreacentral",
      "postgres-compute:GeneralPurpose:Ddsv5@koreasouth",
      "postgres-backup:GRS@koreacentral",
      "vnet-peering:global:Egress@koreasouth",
      "log-analytics-ingestion@koreacentral",
      "private-endpoint-hour@koreacentral",
    ])
      assert.ok(got.includes(want), `${want} in ${got.join(", ")}`);
    assert.match(t.source, /serviceName\+eq\+%27Azure\+Database\+for\+PostgreSQL%27/);
  });

  it("covers exactly the meters of the committed infra/prices.json (the table cannot drift from the program)", () => {
    assert.deepEqual(
      pairs(JSON.parse(readFileSync(out, "utf8"))),
      pairs(JSON.parse(readFileSync("infra/prices.json", "utf8"))),
    );
  });

  it("exits 2 on a bad flag", () => assert.equal(refresh("--frobnicate").status, 2));
});
