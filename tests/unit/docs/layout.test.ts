/**
 * README's Layout section and CONTRIBUTING.md describe the tree as it is: every folder they name exists, and every top
 * folder and infra/ component of the repository is in the Layout.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { missingPaths, read, repositoryPathsCited } from "../../support/references.js";

/** The code block under `## Layout`, and the paths at the start of its lines. */
function layoutEntries(readme: string): string[] {
  const block = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.split(/\s{2,}/)[0].trim())
    .filter((p) => p && !p.includes("{") && !p.includes("*") && !p.includes(","));
}

/** Folders the Layout must mention: the tracked top folders (bar dot-folders) and infra's component folders. */
function foldersToDescribe(files: readonly string[]): string[] {
  const tops = files.filter((f) => f.includes("/") && !f.startsWith(".")).map((f) => `${f.split("/")[0]}/`);
  const components = files.filter((f) => /^infra\/[^/]+\//.test(f)).map((f) => `infra/${f.split("/")[1]}/`);
  return [...new Set([...tops, ...components])].sort();
}

const mentioned = (layout: string, folder: string) =>
  layout.includes(folder) || (folder === "tests/" && layout.includes("tests/{"));

describe("layout docs", () => {
  const readme = read("README.md");
  const layout = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const files = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n").filter(Boolean);

  it("catches a missing folder and an undescribed one (negative controls)", () => {
    assert.deepEqual(missingPaths(layoutEntries("## Layout\n\n```\nnosuch/   a folder\n```\n")), ["nosuch/"]);
    assert.ok(!mentioned("infra/config/  x", "infra/newcomponent/"));
  });

  it("every path the Layout names exists", () => assert.deepEqual(missingPaths(layoutEntries(readme)), []));

  it("every top folder and infra/ component is in the Layout", () =>
    assert.deepEqual(
      foldersToDescribe(files).filter((f) => !mentioned(layout, f)),
      [],
    ));

  it("every file CONTRIBUTING.md names exists", () =>
    assert.deepEqual(missingPaths(repositoryPathsCited(read("CONTRIBUTING.md"))), []));
});
