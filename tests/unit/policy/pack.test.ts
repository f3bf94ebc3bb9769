/**
 * The pack as a whole: metadata every rule must carry, the catalogue fully accounted for, the non-prod pack config in
 * step with the rules, enforcement per environment. The pack starting under Pulumi's policy runner is a process, so
 * it is tested in tests/cli/policy-pack.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { evaluatePolicies, hasMandatoryViolation } from "../../../policy/evaluate.js";
import { CATALOGUE } from "../../../policy/catalogue.js";
import { ALL_POLICIES, NOT_APPLICABLE_ROWS, packConfigFor } from "../../../policy/pack.js";
import { compliantStack, mutate } from "../../support/policy-fixtures.js";

const CATALOGUE_ROWS: readonly string[] = Object.keys(CATALOGUE);

describe("policy pack", () => {
  it("every rule carries a catalogue row, sources, a severity and its prod enforcement as CrossGuard level", () => {
    for (const p of ALL_POLICIES) {
      assert.ok(CATALOGUE_ROWS.includes(p.meta.catalogueId), `${p.name}: ${p.meta.catalogueId}`);
      assert.ok(p.meta.sources.length > 0 && p.meta.why.length > 0, p.name);
      assert.ok(["critical", "high", "medium", "low"].includes(p.severity), p.name);
      assert.equal(p.enforcementLevel, p.meta.enforcement.prod, p.name);
    }
    assert.equal(new Set(ALL_POLICIES.map((p) => p.name)).size, ALL_POLICIES.length, "policy names are unique");
  });

  it("every catalogue row has a rule or a not-applicable reason, never both", () => {
    const covered = new Set<string>(ALL_POLICIES.map((p) => p.meta.catalogueId));
    for (const row of CATALOGUE_ROWS) {
      assert.notEqual(covered.has(row), row in NOT_APPLICABLE_ROWS, `row ${row}`);
    }
  });

  it("docs/policies.md lists every rule with its catalogue row and every not-applicable row", () => {
    const doc = readFileSync("docs/policies.md", "utf8");
    for (const p of ALL_POLICIES) assert.ok(doc.includes(`| \`${p.name}\` | ${p.meta.catalogueId} |`), p.name);
    for (const row of Object.keys(NOT_APPLICABLE_ROWS)) assert.ok(doc.includes(`| ${row} |`), row);
  });

  it("policy/config/nonprod.json is what packConfigFor computes for a non-prod stack", () => {
    assert.deepEqual(JSON.parse(readFileSync("policy/config/nonprod.json", "utf8")), packConfigFor("dev"));
    assert.deepEqual(packConfigFor("prod"), {});
  });

  it("a prod-only rule is mandatory in prod and advisory in dev; exposure rules stay mandatory", () => {
    const noHa = mutate(compliantStack(), "primary", (i) => void (i.highAvailability = { mode: "Disabled" }));
    const prod = evaluatePolicies(noHa, { environment: "prod" });
    const dev = evaluatePolicies(noHa, { environment: "dev" });
    assert.equal(prod.find((v) => v.policy === "postgres-enable-zone-redundant-ha")?.enforcement, "mandatory");
    assert.equal(dev.find((v) => v.policy === "postgres-enable-zone-redundant-ha")?.enforcement, "advisory");
    assert.ok(hasMandatoryViolation(prod));
    assert.ok(!hasMandatoryViolation(dev));
    const open = mutate(compliantStack(), "primary", (i) => void (i.network.publicNetworkAccess = "Enabled"));
    assert.ok(hasMandatoryViolation(evaluatePolicies(open, { environment: "dev" })));
  });

  it("the retention floor follows the environment, and policy config overrides it", () => {
    const sevenDays = mutate(compliantStack(), "primary", (i) => void (i.backup.backupRetentionDays = 7));
    const retention = (env: string, config?: Record<string, Record<string, unknown>>) =>
      evaluatePolicies(sevenDays, { environment: env, ...(config ? { config } : {}) }).filter(
        (v) => v.policy === "postgres-configure-backup-retention",
      );
    assert.equal(retention("prod").length, 1);
    assert.equal(retention("dev").length, 0);
    assert.equal(retention("dev", { "postgres-configure-backup-retention": { minimumDays: 14 } }).length, 1);
  });

  it("violations come out mandatory first, then by policy, URN and message", () => {
    const broken = mutate(compliantStack(), "primary", (i) => {
      i.highAvailability = { mode: "Disabled" };
      delete i.maintenanceWindow;
      i.network.publicNetworkAccess = "Enabled";
    });
    const v = evaluatePolicies(broken, { environment: "prod" });
    const rank = (x: (typeof v)[number]) => (x.enforcement === "mandatory" ? 0 : 1);
    for (let i = 1; i < v.length; i++) {
      const [a, b] = [v[i - 1], v[i]];
      const order =
        rank(a) - rank(b) || (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) || (a.urn <= b.urn ? -1 : 1);
      assert.ok(order <= 0, `${a.policy} before ${b.policy}`);
    }
    assert.ok(v.some((x) => x.enforcement === "advisory") && v[0].enforcement === "mandatory");
  });
});
