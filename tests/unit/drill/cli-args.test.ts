/** `npm run drill -- --help`: flags and every scenario of the registry with its one-line description. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, usage } from "../../../drill/cli-args.js";
import { SCENARIOS } from "../../../drill/options.js";
import { SCENARIO_DESCRIPTIONS } from "../../../drill/scenarios/index.js";

test("--help and -h set help", () => {
  assert.equal(parseArgs(["--help"]).help, true);
  assert.equal(parseArgs(["-h"]).help, true);
  assert.equal(parseArgs([]).help, false);
});

test("usage lists every scenario of the contract with a description, and the flags", () => {
  const text = usage(SCENARIO_DESCRIPTIONS);
  for (const name of SCENARIOS) {
    const line = text.split("\n").find((l) => l.trimStart().startsWith(`${name} `));
    assert.ok(line, `${name} missing from usage`);
    assert.ok(line.trim().length > name.length + 10, `${name} has no description`);
  }
  for (const flag of ["--scenarios", "--quick", "--json", "--markdown", "--target", "--outputs", "--execute", "--help"])
    assert.match(text, new RegExp(`^  ${flag}`, "m"));
  // Negative: a registry without a scenario yields a usage that the check above rejects.
  const partial = usage({ connect: "x".repeat(20) });
  assert.equal(
    partial.split("\n").some((l) => l.trimStart().startsWith("partition ")),
    false,
  );
});
