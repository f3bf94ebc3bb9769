/**
 * Every tracked file cites only what a reader of this repository can open: requirement ids, decision ids, Learn pages,
 * files of this tree — not the source documents' section numbers, our early notes, tracker numbers or outside paths.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { outsideReferences, read, trackedTextFiles } from "../../support/references.js";

/** The harness that defines these patterns, and the requirements file that explains how its ids map to sections. */
const EXEMPT = new Set(["tests/support/references.ts", "tests/unit/docs/references.test.ts"]);

describe("references a reader can open", () => {
  it("catches each kind of outside reference (negative controls)", () => {
    for (const line of [
      "as seed 001 asks",
      "the install plan §11 table",
      "plan §5.1.1: 02:00 KST",
      "Korea South has no SSD v2 (facts row 1)",
      "the report shape (issue 8 §3)",
      "see ../shared/reference/anchors.md",
      "from shared/reference/dr-drill-notes.md",
      "the absolute path /work/main/policy/rule.ts",
    ]) {
      assert.equal(outsideReferences(line).length, 1, line);
    }
    for (const line of [
      "R-5.1.1 backups retained 35 days (D12)",
      "Azure/azure-cli#27100 overwrites replica tags",
      "docs/runbook.md §9",
      "RFC 5802 §3",
      "pulumi/pulumi-azure-native issues are cited by URL: https://github.com/pulumi/pulumi-azure-native/issues/1234",
    ]) {
      assert.deepEqual(outsideReferences(line), [], line);
    }
  });

  it("no tracked file has one", () => {
    const found = trackedTextFiles()
      .filter((f) => !EXEMPT.has(f))
      .flatMap((f) => outsideReferences(read(f)).map((r) => `${f}:${r}`));
    assert.deepEqual(found, []);
  });
});
