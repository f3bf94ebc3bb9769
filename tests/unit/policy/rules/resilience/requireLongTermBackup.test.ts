// B3 and H6 on the real program: the committed prod stack passes both; prod without platform.longTermBackup is refused
// (mandatory), and without platform.virtualEndpoints is warned (advisory) — the stack-level negative controls.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { evaluatePolicies } from "../../../../../policy/evaluate.js";
import { ALL_POLICIES } from "../../../../../policy/pack.js";
import { readStackFile, runStackFile } from "../../../../../tools/offline.js";

const NAMES = ["postgres-require-long-term-backup", "postgres-require-virtual-endpoints"];
const POLICIES = ALL_POLICIES.filter((p) => NAMES.includes(p.name));

/** Runs prod with `edit` applied to its platform config and returns the two rules' verdicts. */
async function verdicts(edit: (platform: Record<string, unknown>) => void) {
  const { config } = readStackFile("Pulumi.prod.yaml");
  const platform = structuredClone(config["authdb:platform"]) as Record<string, unknown>;
  edit(platform);
  const file = join(mkdtempSync(join(tmpdir(), "authdb-b3-")), "Pulumi.prod.yaml");
  writeFileSync(file, stringify({ config: { ...config, "authdb:platform": platform } }));
  const run = await runStackFile("prod", file);
  return evaluatePolicies(run.resources, { environment: "prod", policies: POLICIES });
}

describe("long-term backup (B3) and virtual endpoints (H6) on the prod program", () => {
  it("has both rules in the pack", () => assert.equal(POLICIES.length, 2));

  it("the committed prod stack passes both", async () => {
    assert.deepEqual(await verdicts(() => {}), []);
  });

  it("prod without platform.longTermBackup is refused: mandatory, naming the primary", async () => {
    const v = await verdicts((p) => delete p.longTermBackup);
    assert.equal(v.length, 1, JSON.stringify(v));
    assert.equal(v[0].policy, "postgres-require-long-term-backup");
    assert.equal(v[0].enforcement, "mandatory");
    assert.match(v[0].message, /phonebill-auth-postgresql-prod has no long-term backup/);
  });

  it("prod with replicas but without platform.virtualEndpoints is warned: advisory", async () => {
    const v = await verdicts((p) => delete p.virtualEndpoints);
    assert.equal(v.length, 1, JSON.stringify(v));
    assert.equal(v[0].policy, "postgres-require-virtual-endpoints");
    assert.equal(v[0].enforcement, "advisory");
    assert.match(v[0].message, /2 read replica\(s\) but no virtual endpoints/);
  });
});
