/**
 * The taxonomy: every rule file sits in its catalogue row's area folder and is named after its policy, and every row
 * has a rule or a reason. Read off the tree (each file under policy/rules imported and matched against the pack), so a
 * file moved, renamed or added without the pack knowing fails here.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { expectedRuleFile, taxonomyProblems, type RuleLocation } from "../../../policy/catalogue.js";
import { ALL_POLICIES, NOT_APPLICABLE_ROWS } from "../../../policy/pack.js";
import type { AuthdbPolicy } from "../../../policy/rule.js";

const RULES_DIR = "policy/rules";

async function locations(): Promise<{ found: RuleLocation[]; unexported: string[]; unlisted: string[] }> {
  const found: RuleLocation[] = [];
  const unlisted: string[] = [];
  const pack = new Set<AuthdbPolicy>(ALL_POLICIES);
  const seen = new Set<AuthdbPolicy>();
  for (const area of readdirSync(RULES_DIR)) {
    for (const file of readdirSync(`${RULES_DIR}/${area}`).filter((f) => f.endsWith(".ts"))) {
      const module = (await import(pathToFileURL(`${RULES_DIR}/${area}/${file}`).href)) as Record<string, unknown>;
      const policies = Object.values(module).filter(
        (v): v is AuthdbPolicy => typeof v === "object" && v !== null && "meta" in v && "name" in v,
      );
      if (policies.length !== 1) unlisted.push(`${area}/${file} exports ${policies.length} policies, not one`);
      for (const p of policies) {
        if (!pack.has(p)) unlisted.push(`${area}/${file}: ${p.name} is not in ALL_POLICIES`);
        seen.add(p);
        found.push({ file: `${area}/${file}`, policyName: p.name, catalogueId: p.meta.catalogueId });
      }
    }
  }
  const unexported = ALL_POLICIES.filter((p) => !seen.has(p)).map((p) => p.name);
  return { found, unexported, unlisted };
}

describe("policy taxonomy", () => {
  it("every rule file is in its area's folder, named after its policy, one policy per file, all in the pack", async () => {
    const { found, unexported, unlisted } = await locations();
    assert.equal(found.length, ALL_POLICIES.length);
    assert.deepEqual(unexported, []);
    assert.deepEqual(unlisted, []);
    assert.deepEqual(taxonomyProblems(found, Object.keys(NOT_APPLICABLE_ROWS)), []);
  });

  it("names the file a policy belongs in", () => {
    assert.equal(expectedRuleFile("keyvault-disable-public-access", "K3"), "keyvault/disablePublicAccess.ts");
    assert.equal(
      expectedRuleFile("postgres-enable-geo-redundant-backup", "B1"),
      "resilience/enableGeoRedundantBackup.ts",
    );
    assert.equal(expectedRuleFile("postgres-x", "Z9"), undefined);
  });

  it("catches a misnamed file, a file in the wrong area, an unknown row and an uncovered row (negative controls)", async () => {
    const { found } = await locations();
    const na = Object.keys(NOT_APPLICABLE_ROWS);
    // The four Key Vault files as they were named before the taxonomy was enforced.
    const misnamed = found.map((r) =>
      r.policyName === "keyvault-disable-public-access" ? { ...r, file: "keyvault/disableVaultPublicAccess.ts" } : r,
    );
    assert.deepEqual(taxonomyProblems(misnamed, na), [
      "keyvault/disableVaultPublicAccess.ts: keyvault-disable-public-access belongs in keyvault/disablePublicAccess.ts",
    ]);
    const misfiled = found.map((r) =>
      r.policyName === "postgres-enable-pgaudit" ? { ...r, file: "postgres/enablePgaudit.ts" } : r,
    );
    assert.deepEqual(taxonomyProblems(misfiled, na), [
      "postgres/enablePgaudit.ts: postgres-enable-pgaudit belongs in logging/enablePgaudit.ts",
    ]);
    const unknownRow = found.map((r) =>
      r.policyName === "general-require-cost-tags" ? { ...r, catalogueId: "M9" } : r,
    );
    assert.deepEqual(taxonomyProblems(unknownRow, na), [
      "general/requireCostTags.ts: general-require-cost-tags cites catalogue row M9, which does not exist",
      "row M4 has no rule and no not-applicable reason",
    ]);
    assert.deepEqual(taxonomyProblems(found, []), ["row E4 has no rule and no not-applicable reason"]);
  });
});
