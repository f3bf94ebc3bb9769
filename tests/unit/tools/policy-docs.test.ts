// docs/policies.md's catalogue and rules tables are rendered from the pack; the committed document must be exactly that.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DOC_PATH, renderInto, renderRules } from "../../../tools/policy-docs.js";
import { ALL_POLICIES } from "../../../policy/pack.js";

describe("docs/policies.md generated tables", () => {
  it("are what npm run docs:policies renders from policy/", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    assert.equal(doc, renderInto(doc), "run npm run docs:policies");
  });

  it("render each rule's enforcement and sources from its metadata (negative control: a stale row differs)", () => {
    const rules = renderRules();
    for (const p of ALL_POLICIES) assert.ok(rules.includes(`| \`${p.name}\` | ${p.meta.catalogueId} |`), p.name);
    assert.match(
      rules,
      /\| `postgres-enable-defender-for-databases` \| A3 \| [^|]+ \| medium \| mandatory in prod, advisory elsewhere \|/,
    );
    const doc = readFileSync(DOC_PATH, "utf8");
    const stale = doc.replace(
      /(\| `postgres-enable-defender-for-databases` \| A3 \| [^|]+ \| medium \| )mandatory in prod, advisory elsewhere/,
      "$1advisory",
    );
    assert.notEqual(stale, doc);
    assert.notEqual(renderInto(stale), stale);
  });

  it("refuses a document without the marked regions", () => {
    assert.throws(() => renderInto("# Policies\n"), /has no "<!-- catalogue:begin/);
  });
});
