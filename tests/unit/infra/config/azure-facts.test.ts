// Every Azure fact the config rules, components and policies rely on says where it comes from (the FACT_SOURCES table: a Learn page or a spec path, and the sentence).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as facts from "../../../../infra/config/azure-facts.js";
import { DECLARED_PARAMETERS } from "../../../../infra/parameters.js";

/** Exports that are helpers, not facts. */
const HELPERS = new Set(["FACT_SOURCES", "LEARN_FLEXIBLE_SERVER", "learn"]);

describe("facts with sources", () => {
  const exported = Object.entries(facts).filter(([name, value]) => typeof value !== "function" && !HELPERS.has(name));

  it("has an exported fact to check (else this test proves nothing)", () => assert.ok(exported.length >= 15));

  for (const [name] of exported) {
    it(`${name} records its source and the sentence it rests on`, () => {
      const source = facts.FACT_SOURCES[name];
      assert.ok(source, `${name} has no entry in FACT_SOURCES`);
      assert.ok(source.ref.length > 10 && source.quote.length > 10, `${name}'s source is empty`);
    });
  }

  it("has no source for a fact that does not exist (the table follows the code)", () => {
    const names = new Set(exported.map(([n]) => n));
    assert.deepEqual(
      Object.keys(facts.FACT_SOURCES).filter((n) => !names.has(n)),
      [],
    );
  });

  it("cites a reference row for every declared parameter", () => {
    for (const p of DECLARED_PARAMETERS) assert.ok(p.source.quote.length > 10, p.name);
  });
});
