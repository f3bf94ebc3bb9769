/**
 * No import cycle between source files, and no import up the layering: infra/ is the bottom layer; stacks/ composes
 * infra/; policy/ judges resources with infra's facts; tools/ and drill/ sit on top. ESLint's no-restricted-imports
 * names the forbidden folders per layer (eslint.config.js); this test checks the whole graph, cycles included.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { importCycles, importGraph, importsOf, upwardImports, type ImportGraph } from "../support/imports.js";

/** Which top folders each may import (besides itself). */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  infra: [],
  stacks: ["infra"],
  policy: ["infra"],
  tools: ["infra", "stacks", "policy"],
  drill: ["infra"],
  "index.ts": ["stacks"],
};

const sourceFiles = () =>
  execFileSync("git", ["ls-files", "*.ts"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.startsWith("tests/"));

describe("imports", () => {
  it("resolves the import forms the code uses", () => {
    const exists = (p: string) => ["infra/a.ts", "infra/b/index.ts", "tools/c.ts"].includes(p);
    const src = `import { x } from "./a.js";\nimport type { Y } from "./b";\nexport * from "../tools/c.js";\nconst z = await import("./a.js");\nimport pulumi from "@pulumi/pulumi";`;
    assert.deepEqual(importsOf("infra/main.ts", src, exists), ["infra/a.ts", "infra/b/index.ts", "tools/c.ts"]);
  });

  it("finds a cycle and an upward import in a made-up graph (negative controls)", () => {
    const graph: ImportGraph = new Map([
      ["infra/a.ts", ["infra/b.ts"]],
      ["infra/b.ts", ["infra/a.ts", "tools/plan.ts"]],
      ["tools/plan.ts", ["infra/a.ts"]],
    ]);
    assert.deepEqual(importCycles(graph), [["infra/a.ts", "infra/b.ts", "tools/plan.ts"]]);
    assert.deepEqual(upwardImports(graph, LAYERS), ["infra → tools (infra/b.ts → tools/plan.ts)"]);
    assert.deepEqual(importCycles(new Map([["infra/a.ts", ["infra/a.ts"]]])), [["infra/a.ts"]]);
  });

  const graph = importGraph(sourceFiles());

  it("the source has no import cycle", () => assert.deepEqual(importCycles(graph), []));

  it("nothing imports up the layering", () => assert.deepEqual(upwardImports(graph, LAYERS), []));

  it("every top folder with source is in the layering", () => {
    const folders = new Set([...graph.keys()].map((f) => f.split("/")[0]));
    assert.deepEqual([...folders].filter((f) => !(f in LAYERS)).sort(), []);
  });
});
