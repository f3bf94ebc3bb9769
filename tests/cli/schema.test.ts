// `npm run schema` as the release step runs it: the schema Pulumi's component provider computes from the TypeScript
// sources (which runs the TypeScript compiler, seconds of work) is the checked-in schema.json. What the schema holds and
// that a drift is caught: tests/unit/tools/schema.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { schemaDifferences } from "../../tools/schema.js";

const CHECKED_IN = readFileSync(new URL("../../schema.json", import.meta.url), "utf8");

describe("tools/schema.ts on the command line", () => {
  it("schema.json is what the code generates (npm run schema -- --out schema.json)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "authdb-schema-")), "schema.json");
    const run = spawnSync("npx", ["tsx", "tools/schema.ts", "--out", out], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const generated = readFileSync(out, "utf8");
    assert.deepEqual(schemaDifferences(JSON.parse(CHECKED_IN), JSON.parse(generated)), []);
    assert.equal(generated, CHECKED_IN, "formatted as checked in");
  });
});
